import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule } from 'nest-vitals';
import { CapturingLogger } from './support/capturing-logger.js';
import { startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import type { ReportBody } from './support/report.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function get(url: string): Promise<{ status: number; body: ReportBody }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as ReportBody };
}

describe('probe engine', () => {
  it('serves 200 concurrent readiness requests from exactly one run of each check (single-flight)', async () => {
    const slow = scriptedIndicator('slow-one');
    const other = scriptedIndicator('slow-two');
    slow.delayMs = 1000;
    other.delayMs = 1000;
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: 5000 })], providers: [slow, other] });
    app = started.app;

    const responses = await Promise.all(Array.from({ length: 200 }, () => get(`${started.url}/health/ready`)));

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(slow.runs).toBe(1);
    expect(other.runs).toBe(1);
    expect(new Set(responses.map((r) => r.body.details['slow-one'].checkedAt)).size).toBe(1);
  });

  it('with cacheTtlMs: 1000, five seconds of load cause at most 6 runs', async () => {
    const cached = scriptedIndicator('cached', { cacheTtlMs: 1000 });
    cached.delayMs = 5;
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [cached] });
    app = started.app;

    const until = performance.now() + 5000;
    let requests = 0;
    const cachedAnswers: boolean[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (performance.now() < until) {
          const { status, body } = await get(`${started.url}/health/ready`);
          expect(status).toBe(200);
          cachedAnswers.push(body.details.cached.cached);
          requests++;
        }
      }),
    );

    expect(requests).toBeGreaterThan(100);
    expect(cached.runs).toBeGreaterThanOrEqual(5);
    expect(cached.runs).toBeLessThanOrEqual(6);
    expect(cachedAnswers.filter((wasCached) => wasCached).length).toBeGreaterThan(requests - 7 * 10);
  });

  it('with refreshIntervalMs, probes answer from the background result without running the check', async () => {
    const background = scriptedIndicator('background', { refreshIntervalMs: 60_000 });
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [background] });
    app = started.app;
    await waitFor(() => background.runs === 1);

    for (let i = 0; i < 50; i++) {
      const { status, body } = await get(`${started.url}/health/ready`);
      expect(status).toBe(200);
      expect(body.details.background).toMatchObject({ status: 'UP', cached: true });
    }
    expect(background.runs).toBe(1);
  });

  it('shows a background failure on the next probe', async () => {
    const background = scriptedIndicator('refreshed', { refreshIntervalMs: 200 });
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [background] });
    app = started.app;
    await waitFor(() => background.runs >= 1);
    expect((await get(`${started.url}/health/ready`)).status).toBe(200);

    background.answer = 'down';
    const runsBefore = background.runs;
    await waitFor(() => background.runs > runsBefore + 1);
    const runsAtProbe = background.runs;
    const { status, body } = await get(`${started.url}/health/ready`);

    expect(status).toBe(503);
    expect(body.details.refreshed).toMatchObject({ status: 'DOWN', error: 'scripted failure', cached: true });
    expect(background.runs).toBe(runsAtProbe);
  });

  it('counts a background result older than 3 x refreshIntervalMs as DOWN (stale)', async () => {
    const stalling = scriptedIndicator('stalling', { refreshIntervalMs: 100, timeoutMs: 3000 });
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [stalling] });
    app = started.app;
    await waitFor(() => stalling.runs >= 1);
    expect((await get(`${started.url}/health/ready`)).status).toBe(200);

    stalling.delayMs = 2000;
    await sleep(600);
    const { status, body } = await get(`${started.url}/health/ready`);

    expect(status).toBe(503);
    expect(body.details.stalling.status).toBe('DOWN');
    expect(body.details.stalling.error).toMatch(/^stale: last result is \d+ ms old \(refresh interval 100 ms\)$/);
  });

  it('warns at bootstrap when a timeout leaves room for a passing run to read as stale', async () => {
    const logger = new CapturingLogger();
    const tight = scriptedIndicator('tight', { refreshIntervalMs: 100, timeoutMs: 500 });
    const roomy = scriptedIndicator('roomy', { refreshIntervalMs: 1000, timeoutMs: 500 });
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [tight, roomy] }, { logger });
    app = started.app;

    const warnings = logger.lines.filter((line) => line.startsWith('WARN') && line.includes('stale'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('check "tight": timeoutMs 500 is above 2 x refreshIntervalMs 100');
  });

  it('with failureThreshold: 3, a flapping check stays UP through two failures and goes DOWN on the third', async () => {
    const flapping = scriptedIndicator('flapping', { failureThreshold: 3 });
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [flapping] });
    app = started.app;
    const ready = () => get(`${started.url}/health/ready`);

    expect((await ready()).status).toBe(200);
    flapping.answer = 'down';
    const first = await ready();
    const second = await ready();
    const third = await ready();
    flapping.answer = 'up';
    const recovered = await ready();

    expect([first.status, second.status, third.status, recovered.status]).toEqual([200, 200, 503, 200]);
    expect(first.body.details.flapping).toMatchObject({ status: 'UP', message: 'failure 1 of 3 before DOWN: scripted failure' });
    expect(second.body.details.flapping).toMatchObject({ status: 'UP', message: 'failure 2 of 3 before DOWN: scripted failure' });
    expect(third.body.details.flapping).toMatchObject({ status: 'DOWN', error: 'scripted failure' });
    expect(recovered.body.details.flapping.status).toBe('UP');
  });

  it('with successThreshold: 2, a DOWN check needs two passing runs to recover', async () => {
    const recovering = scriptedIndicator('recovering', { successThreshold: 2 });
    recovering.answer = 'down';
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [recovering] });
    app = started.app;
    const ready = () => get(`${started.url}/health/ready`);

    expect((await ready()).status).toBe(503);
    recovering.answer = 'up';
    const first = await ready();
    const second = await ready();

    expect(first.status).toBe(503);
    expect(first.body.details.recovering).toMatchObject({ status: 'DOWN', error: 'recovering: 1 of 2 passing runs before UP' });
    expect(second.status).toBe(200);
  });

  it('keeps other checks and the app unharmed by a check that throws or hangs (stray rejections: see lifecycle.e2e-spec)', async () => {
    const thrower = scriptedIndicator('thrower');
    thrower.answer = 'throw';
    const hanger = scriptedIndicator('hanger', { timeoutMs: 200, critical: false });
    hanger.answer = 'hang';
    const healthy = scriptedIndicator('healthy');
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [thrower, hanger, healthy] });
    app = started.app;

    const { status, body } = await get(`${started.url}/health`);
    expect(status).toBe(503);
    expect(body.details.thrower).toMatchObject({ status: 'DOWN', error: 'scripted exception in run 1' });
    expect(body.details.hanger).toMatchObject({ status: 'DOWN', error: 'timed out after 200 ms' });
    expect(body.details.healthy.status).toBe('UP');
    expect((await get(`${started.url}/health/live`)).body).toEqual({ status: 'UP' });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
