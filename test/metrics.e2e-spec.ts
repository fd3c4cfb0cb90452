import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Registry, register } from 'prom-client';
import { HealthModule } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const SAMPLE_PORT = 17260;

/** Samples of a text exposition, keyed `name{label="value",...}` with labels in sorted order. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => `${key}="${value}"`).sort();
    samples.set(`${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
}

/** Runs `promtool check metrics` on an exposition; resolves to its exit code and output. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
    child.stdin.end(text);
  });
}

describe('metrics of the sample app, scraped from /metrics while a dependency goes DOWN and comes back', () => {
  let dependency: Server;
  let dependencyHealthy = true;
  let dependencyRequests = 0;
  let app: RunningProcess;
  let dataDir: string;
  const base = `http://127.0.0.1:${SAMPLE_PORT}`;

  beforeAll(async () => {
    dependency = createServer((_request, response) => {
      dependencyRequests++;
      response.writeHead(dependencyHealthy ? 200 : 503).end(dependencyHealthy ? 'ok' : 'unavailable');
    });
    await new Promise<void>((resolve) => dependency.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-metrics-'));
    app = startNode([SAMPLE_MAIN], {
      PORT: String(SAMPLE_PORT),
      SQLITE_PATH: join(dataDir, 'sample.sqlite'),
      DEPENDENCY_URL: `http://127.0.0.1:${(dependency.address() as AddressInfo).port}/health`,
      // In readiness (the sample makes it route-scoped by default): these tests watch the probes follow it.
      DEPENDENCY_PROBES: 'readiness',
      HEALTH_CACHE_TTL_MS: '',
      HEALTH_REFRESH_INTERVAL_MS: '',
    });
    await waitForOutput(app, /listening on/);
  });

  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => dependency.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Scrapes /metrics, requires promtool to accept it, and returns the samples. */
  async function scrape(): Promise<Map<string, number>> {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const check = await promtoolCheck(text);
    expect({ code: check.code, output: check.output }).toEqual({ code: 0, output: '' });
    return parseExposition(text);
  }

  async function probe(path: string): Promise<{ status: number; body: { status: string } }> {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as { status: string } };
  }

  function expectDependencySeries(samples: Map<string, number>, expected: { status: number; toUp: number; toDown: number }) {
    expect({
      status: samples.get('health_check_status{check="dependency",critical="false"}'),
      toUp: samples.get('health_check_transitions_total{check="dependency",to="UP"}'),
      toDegraded: samples.get('health_check_transitions_total{check="dependency",to="DEGRADED"}'),
      toDown: samples.get('health_check_transitions_total{check="dependency",to="DOWN"}'),
      // Every real run of the check is one request to the dependency and one histogram observation.
      runs: samples.get('health_check_duration_seconds_count{check="dependency"}'),
      inf: samples.get('health_check_duration_seconds_bucket{check="dependency",le="+Inf"}'),
    }).toEqual({ ...expected, toDegraded: 0, runs: dependencyRequests, inf: dependencyRequests });
    expect(samples.get('health_check_duration_seconds_sum{check="dependency"}')).toBeGreaterThanOrEqual(0);
  }

  it('reports UP while the dependency answers', async () => {
    const deadline = performance.now() + 15_000;
    let ready = await probe('/health/ready');
    while (ready.status !== 200 && performance.now() < deadline) {
      await sleep(100);
      ready = await probe('/health/ready');
    }
    expect(ready).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await probe('/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(dependencyRequests).toBeGreaterThanOrEqual(2);

    const samples = await scrape();
    expectDependencySeries(samples, { status: 1, toUp: 0, toDown: 0 });
    expect(samples.get('health_status{probe="readiness"}')).toBe(1);
    expect(samples.get('health_status{probe="all"}')).toBe(1);
    // The sample app's own indicators are there too.
    expect(samples.get('health_check_status{check="notes-store",critical="false"}')).toBe(1);
    // A scrape runs no check.
    const before = dependencyRequests;
    await scrape();
    expect(dependencyRequests).toBe(before);
  });

  it('reports DOWN (the non-critical dependency makes the probes DEGRADED) when it fails', async () => {
    dependencyHealthy = false;
    expect(await probe('/health')).toMatchObject({ status: 200, body: { status: 'DEGRADED' } });
    expect(await probe('/health/ready')).toMatchObject({ status: 200, body: { status: 'DEGRADED' } });
    expect(await probe('/health/ready')).toMatchObject({ status: 200, body: { status: 'DEGRADED' } });

    const samples = await scrape();
    expectDependencySeries(samples, { status: 0, toUp: 0, toDown: 1 });
    expect(samples.get('health_status{probe="readiness"}')).toBe(0.5);
    expect(samples.get('health_status{probe="all"}')).toBe(0.5);
  });

  it('reports UP again, with one transition each way, when it comes back', async () => {
    dependencyHealthy = true;
    expect(await probe('/health/ready')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await probe('/health')).toMatchObject({ status: 200, body: { status: 'UP' } });

    const samples = await scrape();
    expectDependencySeries(samples, { status: 1, toUp: 1, toDown: 1 });
    expect(samples.get('health_status{probe="readiness"}')).toBe(1);
    expect(samples.get('health_status{probe="all"}')).toBe(1);
    // Exactly the four metric families of nest-vitals, nothing half-registered.
    const families = new Set([...samples.keys()].map((key) => key.replace(/\{.*$/, '').replace(/_(bucket|sum|count)$/, '')));
    expect([...families].filter((name) => name.startsWith('health_')).sort()).toEqual([
      'health_check_duration_seconds',
      'health_check_status',
      'health_check_transitions_total',
      'health_status',
    ]);
  });
});

describe('metrics in-process', () => {
  let app: INestApplication | undefined;
  let second: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    await second?.close();
    app = second = undefined;
  });

  const seriesValue = async (registry: Registry, name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
    const matches = (metric?.values ?? []).filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected));
    return matches.length === 1 ? matches[0].value : undefined;
  };

  it('counts real runs only: a cache hit changes nothing, a background refresh does', async () => {
    const registry = new Registry();
    const cached = scriptedIndicator('cached', { cacheTtlMs: 60_000, critical: false });
    const refreshed = scriptedIndicator('refreshed', { refreshIntervalMs: 50 });
    const started = await startApp({ imports: [HealthModule.forRoot({ metrics: { registry } })], providers: [cached, refreshed] });
    app = started.app;
    for (let i = 0; i < 10; i++) expect((await fetch(`${started.url}/health/ready`)).status).toBe(200);
    expect(cached.runs).toBe(1);
    expect(await seriesValue(registry, 'health_check_duration_seconds', { check: 'cached', le: '+Inf' })).toBe(1);

    // No requests at all: the refresh alone keeps running the check and recording it.
    const runsBefore = refreshed.runs;
    await sleep(400);
    expect(refreshed.runs).toBeGreaterThan(runsBefore + 3);
    expect(await seriesValue(registry, 'health_check_duration_seconds', { check: 'refreshed', le: '+Inf' })).toBe(refreshed.runs);
    refreshed.answer = 'degraded';
    for (const deadline = performance.now() + 3000; performance.now() < deadline; await sleep(25)) {
      if ((await seriesValue(registry, 'health_check_status', { check: 'refreshed' })) === 0.5) break;
    }
    expect(await seriesValue(registry, 'health_check_status', { check: 'refreshed' })).toBe(0.5);
    // `critical` is fixed per check: one series per check, whatever its status did.
    const statusSeries = (await registry.getMetricsAsJSON()).find((entry) => entry.name === 'health_check_status')!.values.map((value) => value.labels);
    expect(statusSeries.sort((a, b) => String(a.check).localeCompare(String(b.check)))).toEqual([
      { check: 'cached', critical: 'false' },
      { check: 'refreshed', critical: 'true' },
    ]);
    expect(await seriesValue(registry, 'health_check_transitions_total', { check: 'refreshed', to: 'DEGRADED' })).toBe(1);
    // Nothing went to the default registry.
    expect(register.getSingleMetric('health_check_status')).toBeUndefined();
  });

  it('shares the default registry between two apps in one process without "already registered"', async () => {
    register.clear();
    const alpha = scriptedIndicator('alpha');
    const beta = scriptedIndicator('beta');
    const first = await startApp({ imports: [HealthModule.forRoot()], providers: [alpha] });
    app = first.app;
    const other = await startApp({ imports: [HealthModule.forRoot()], providers: [beta] });
    second = other.app;
    await fetch(`${first.url}/health/ready`);
    await fetch(`${other.url}/health/ready`);
    expect(await seriesValue(register, 'health_check_status', { check: 'alpha' })).toBe(1);
    expect(await seriesValue(register, 'health_check_status', { check: 'beta' })).toBe(1);
    register.clear();
  });

  it('records nothing with metrics: false', async () => {
    register.clear();
    const quiet = scriptedIndicator('quiet');
    const started = await startApp({ imports: [HealthModule.forRoot({ metrics: false })], providers: [quiet] });
    app = started.app;
    await fetch(`${started.url}/health/ready`);
    expect(quiet.runs).toBe(1);
    expect((await register.metrics()).trim()).toBe('');
  });

  it('stops startup with a clear message for a registry that is not one, or holds a clashing metric', async () => {
    const notARegistry = await bootstrapError({ imports: [HealthModule.forRoot({ metrics: { registry: { metrics: 'nope' } } })] });
    expect(notARegistry.message).toContain(
      `"metrics.registry" must be a prom-client Registry (such as new Registry() or register from 'prom-client'); got an object`,
    );
    const wrongShape = await bootstrapError({ imports: [HealthModule.forRoot({ metrics: 'yes' as never })] });
    expect(wrongShape.message).toContain('"metrics" must be true, false or { registry }; got "yes"');

    const registry = new Registry();
    new Counter({ name: 'health_status', help: 'the app already has one', registers: [registry] });
    const clash = await bootstrapError({ imports: [HealthModule.forRoot({ metrics: { registry } })] });
    expect(clash.message).toContain(`"metrics.registry" already has a metric named "health_status" that is not nest-vitals'`);
  });
});
