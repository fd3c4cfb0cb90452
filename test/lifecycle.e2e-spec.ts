import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService, type HealthStatusChange } from 'nest-vitals';
import { CapturingLogger } from './support/capturing-logger.js';
import { httpServer, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import type { ReportBody } from './support/report.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';

let app: INestApplication | undefined;
let proc: RunningProcess | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await proc?.stop();
  proc = undefined;
});

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: ReportBody }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as ReportBody };
}

describe('startup gate', () => {
  it('answers /ready 503 STARTING while a slow startup indicator runs, then 200; /startup then stays 200', async () => {
    const warmup = scriptedIndicator('warmup', { probes: ['startup'], timeoutMs: 10_000 });
    warmup.delayMs = 1500;
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [warmup] });
    app = started.app;

    const early = await get(`${started.url}/health/ready`);
    expect(early).toEqual({ status: 503, body: { status: 'STARTING', reason: 'startup checks have not passed yet' } });

    const deadline = performance.now() + 5000;
    let ready = early;
    while (ready.status !== 200 && performance.now() < deadline) {
      await sleep(50);
      ready = await get(`${started.url}/health/ready`);
    }
    expect(ready.status).toBe(200);
    expect(warmup.runs).toBe(1);

    warmup.answer = 'down';
    expect(await get(`${started.url}/health/startup`)).toEqual({ status: 200, body: { status: 'UP' } });
    expect(warmup.runs).toBe(1);
  });

  it('keeps /startup 503 while a startup check fails, retrying in the background until it passes', async () => {
    const migrations = scriptedIndicator('migrations', { probes: ['startup'] });
    migrations.answer = 'down';
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [migrations] });
    app = started.app;

    const failing = await get(`${started.url}/health/startup`);
    expect(failing.status).toBe(503);
    expect(failing.body.details.migrations).toMatchObject({ status: 'DOWN', error: 'scripted failure' });
    expect((await get(`${started.url}/health/ready`)).body.status).toBe('STARTING');

    migrations.answer = 'up';
    const deadline = performance.now() + 4000;
    while ((await get(`${started.url}/health/ready`)).status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(100);
    }
    expect((await get(`${started.url}/health/startup`)).status).toBe(200);
  });

  it('a GET of /startup reads the gate and never latches it: only the background run does', async () => {
    const migrations = scriptedIndicator('migrations', { probes: ['startup'] });
    migrations.answer = 'down';
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [migrations] });
    app = started.app;
    const deadline = performance.now() + 5000;
    while (migrations.runs < 1) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
    }

    migrations.answer = 'up';
    const runsBefore = migrations.runs;
    const probe = await get(`${started.url}/health/startup`);
    if (probe.status === 503) {
      // The checks pass, but the gate stays closed until its own run: /startup and /ready agree.
      expect(probe.body).toMatchObject({
        status: 'STARTING',
        reason: 'startup checks pass; the startup gate opens on its next run',
        details: { migrations: { status: 'UP' } },
      });
      expect((await get(`${started.url}/health/ready`)).body).toEqual({ status: 'STARTING', reason: 'startup checks have not passed yet' });
    } else {
      // Only if the background retry (every second) ran in between: the GET's own run cannot open the gate.
      expect(migrations.runs).toBeGreaterThanOrEqual(runsBefore + 2);
    }
    while ((await get(`${started.url}/health/ready`)).status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(50);
    }
    expect(await get(`${started.url}/health/startup`)).toEqual({ status: 200, body: { status: 'UP' } });
  });
});

describe('HealthService', () => {
  it('setReadiness turns /ready 503 and back; changes$ emits each transition once; one log line per transition', async () => {
    const logger = new CapturingLogger();
    const dependency = scriptedIndicator('dependency');
    @Module({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [dependency] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(httpServer(app).address() as AddressInfo).port}`;
    const health = app.get(HealthService);
    const changes: HealthStatusChange[] = [];
    const subscription = health.changes$.subscribe((change) => changes.push(change));

    for (let i = 0; i < 5; i++) expect((await get(`${url}/health/ready`)).status).toBe(200);
    health.setReadiness('refusing', 'maintenance window');
    for (let i = 0; i < 5; i++) {
      expect(await get(`${url}/health/ready`)).toEqual({ status: 503, body: { status: 'DOWN', reason: 'maintenance window' } });
    }
    health.setReadiness('accepting');
    for (let i = 0; i < 5; i++) expect((await get(`${url}/health/ready`)).status).toBe(200);
    dependency.answer = 'down';
    for (let i = 0; i < 5; i++) expect((await get(`${url}/health/ready`)).status).toBe(503);
    dependency.answer = 'up';
    for (let i = 0; i < 5; i++) expect((await get(`${url}/health/ready`)).status).toBe(200);
    subscription.unsubscribe();

    const probeChanges = changes.filter((c) => c.kind === 'probe').map((c) => `${c.name}:${c.from}->${c.to}`);
    expect(probeChanges).toEqual(['readiness:undefined->UP', 'readiness:UP->DOWN', 'readiness:DOWN->UP', 'readiness:UP->DOWN', 'readiness:DOWN->UP']);
    const checkChanges = changes.filter((c) => c.kind === 'check').map((c) => `${c.name}:${c.from}->${c.to}`);
    expect(checkChanges).toEqual(['dependency:undefined->UP', 'dependency:UP->DOWN', 'dependency:DOWN->UP']);

    const transitionLines = logger.lines.filter((line) => / health (check|probe) transition /.test(line));
    expect(transitionLines.map((line) => line.split(' ')[0])).toEqual(['WARN', 'LOG', 'WARN', 'WARN', 'LOG', 'LOG']);
    expect(transitionLines.filter((line) => line.includes('probe=readiness'))).toHaveLength(4);
    expect(transitionLines.find((line) => line.includes('check=dependency from=UP to=DOWN'))).toMatch(/reason="?scripted failure/);
  });

  it('setLiveness("broken") turns /live 503 without details, and back', async () => {
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })] });
    app = started.app;
    const health = app.get(HealthService);

    expect(await get(`${started.url}/health/live`)).toEqual({ status: 200, body: { status: 'UP' } });
    health.setLiveness('broken', 'worker pool deadlocked');
    expect(await get(`${started.url}/health/live`)).toEqual({ status: 503, body: { status: 'DOWN' } });
    health.setLiveness('correct');
    expect(await get(`${started.url}/health/live`)).toEqual({ status: 200, body: { status: 'UP' } });
    expect((await health.check('liveness')).status).toBe('UP');
  });
});

describe('real processes', () => {
  it('with an HTTP dependency that hangs, the library adds no process-wide error listener and no async hook; the check is DOWN timed out', async () => {
    expect(existsSync('dist/apps/sample/libs/health/src/index.js')).toBe(true);
    proc = startNode(['test/fixtures/hung-dependency-app.mjs']);
    const [, port, counts] = await waitForOutput(proc, /listening (\d+) (\{.*\})/);
    const { before, afterBootstrap } = JSON.parse(counts) as Record<string, Record<string, number>>;
    expect(afterBootstrap).toEqual(before);

    const during = JSON.parse((await waitForOutput(proc, /hung check (\{.*\})/))[1]) as Record<string, number>;
    expect(during).toEqual(before);

    const { status, body } = await get(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
    expect(status).toBe(503);
    expect(body.details.upstream.status).toBe('DOWN');
    expect(body.details.upstream.error).toMatch(/timed out after 900 ms/);
    expect(proc.child.exitCode).toBeNull();

    // No async hook: the library never imports node:async_hooks (nor its AsyncLocalStorage).
    const sources = readdirSync('libs/health/src', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
    expect(sources.length).toBeGreaterThan(20);
    const importers = sources.filter((file) => /['"](node:)?async_hooks['"]/.test(readFileSync(join('libs/health/src', file), 'utf8')));
    expect(importers).toEqual([]);
  });

  it('on SIGTERM the sample app answers readiness 503 at once, keeps liveness 200, finishes in-flight requests, exits after drainDelayMs', async () => {
    expect(existsSync(SAMPLE_MAIN)).toBe(true);
    const drainDelayMs = 1500;
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-shutdown-'));
    proc = startNode([SAMPLE_MAIN], { PORT: '17431', SQLITE_PATH: join(dir, 'sample.sqlite'), HEALTH_DRAIN_DELAY_MS: String(drainDelayMs) });
    await waitForOutput(proc, /listening on/);
    const base = 'http://127.0.0.1:17431';
    expect((await get(`${base}/health/ready`)).status).toBe(200);

    const inFlight = get(`${base}/work?ms=1000`);
    await sleep(100);
    const signalledAt = performance.now();
    proc.child.kill('SIGTERM');

    let ready = await get(`${base}/health/ready`);
    while (ready.status === 200 && performance.now() - signalledAt < 1000) ready = await get(`${base}/health/ready`);
    const flippedAfterMs = performance.now() - signalledAt;

    // An anonymous caller (a kubelet) sees the status only; the reason is a detail.
    expect(ready).toEqual({ status: 503, body: { status: 'SHUTTING_DOWN' } });
    expect(flippedAfterMs).toBeLessThan(100);
    expect(await get(`${base}/health/live`)).toEqual({ status: 200, body: { status: 'UP' } });
    expect(await inFlight).toEqual({ status: 200, body: { done: true, tookMs: 1000 } });

    const exit = await proc.exited;
    const exitedAfterMs = exit.at - signalledAt;
    expect(exitedAfterMs).toBeGreaterThanOrEqual(drainDelayMs);
    expect(exitedAfterMs).toBeLessThan(drainDelayMs + 5000);
    expect(proc.output()).toContain(`draining for ${drainDelayMs} ms before shutdown`);
  });
});
