import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService } from 'nest-vitals';
import { scriptedIndicator } from './support/indicators.js';
import { ADAPTERS, startApp } from './support/http-app.js';

// Probes whose results are at hand are answered without a promise and from a report shared between requests
// (issue 24). What a user relies on: the answer follows every change at once, and nothing is run or kept stale.

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe.each(ADAPTERS)('probes answered from results at hand, on %s', (adapter) => {
  it('follow a refreshed result and a refused readiness at once, and never run a check for a probe', async () => {
    const Database = scriptedIndicator('database', { refreshIntervalMs: 100 });
    const { app, url } = await startApp({ imports: [HealthModule.forRoot()], providers: [Database] }, { adapter });
    apps.push(app);
    await until(async () => (await get(`${url}/health/ready`)).status === 200, 5_000);
    const runs = Database.runs;
    for (let index = 0; index < 50; index++) expect((await get(`${url}/health/ready`)).status).toBe(200);
    // 50 probes in well under a refresh interval or two: the background refresh ran, the probes did not.
    expect(Database.runs - runs).toBeLessThanOrEqual(5);

    Database.answer = 'down';
    await until(async () => (await get(`${url}/health/ready`)).status === 503, 2_000);
    Database.answer = 'up';
    await until(async () => (await get(`${url}/health/ready`)).status === 200, 2_000);

    const health = app.get(HealthService);
    health.setReadiness('refusing', 'maintenance window');
    expect(await get(`${url}/health/ready`)).toEqual({ status: 503, body: { status: 'DOWN' } });
    health.setReadiness('accepting');
    expect((await get(`${url}/health/ready`)).status).toBe(200);
  });

  it('shows an authorized caller the time of each reading, not of the report shared between requests', async () => {
    const Database = scriptedIndicator('database', { refreshIntervalMs: 60_000 });
    const { app, url } = await startApp({ imports: [HealthModule.forRoot({ apiKey: 'k' })], providers: [Database] }, { adapter });
    apps.push(app);
    await until(async () => (await get(`${url}/health/ready`)).status === 200, 5_000);
    const first = await get(`${url}/health/ready`, { 'X-Health-Key': 'k' });
    await sleep(30);
    const second = await get(`${url}/health/ready`, { 'X-Health-Key': 'k' });
    const timestampOf = (body: Record<string, unknown>) => (body.serviceInfo as { timestamp: string }).timestamp;
    expect(Date.parse(timestampOf(second.body)) - Date.parse(timestampOf(first.body))).toBeGreaterThanOrEqual(25);
    // The same results (one run), read twice.
    const runOf = (body: Record<string, unknown>) => (body.details as Record<string, { data: { run: number } }>).database.data.run;
    expect(runOf(second.body)).toBe(runOf(first.body));
  });
});

describe('HealthService.checkNow', () => {
  it('gives the report when no check has to run, and nothing (running nothing) when one has to', async () => {
    const Refreshed = scriptedIndicator('refreshed', { refreshIntervalMs: 60_000 });
    const Uncached = scriptedIndicator('uncached', { probes: ['startup'] });
    const { app } = await startApp({ imports: [HealthModule.forRoot()], providers: [Refreshed, Uncached] });
    apps.push(app);
    const health = app.get(HealthService);
    await until(() => Promise.resolve(health.checkNow('readiness') !== undefined), 5_000);
    expect(health.checkNow('readiness')).toMatchObject({ status: 'UP', details: { refreshed: { status: 'UP' } } });
    expect(health.checkNow('liveness')).toEqual({ status: 'UP' });
    // `all` includes the uncached check: it would have to run, so checkNow says nothing and runs nothing.
    const runs = Uncached.runs;
    expect(health.checkNow('all')).toBeUndefined();
    expect(Uncached.runs).toBe(runs);
    expect((await health.check('all')).details).toMatchObject({ uncached: { status: 'UP' }, refreshed: { status: 'UP' } });
    expect(Uncached.runs).toBe(runs + 1);
  });
});
