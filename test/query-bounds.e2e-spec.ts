import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthModule } from 'nest-vitals';
import { allocatePort } from './support/ports.js';
import { rawRequestTarget } from './support/raw-http.js';
import { ADAPTERS, startApp } from './support/http-app.js';

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/**
 * CPU time (user + system, ms) this process spends on one request for `target`: the median of `count`, so one
 * garbage collection of an earlier test's leftovers does not count.
 */
async function cpuPerRequest(origin: string, target: string, count: number): Promise<number> {
  // One warm-up request: the first answer compiles code paths.
  await rawRequestTarget(origin, 'GET', target);
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const before = process.cpuUsage();
    const response = await rawRequestTarget(origin, 'GET', target);
    const used = process.cpuUsage(before);
    expect(response.statusCode).toBe(200);
    samples.push((used.user + used.system) / 1000);
  }
  return samples.sort((a, b) => a - b)[Math.floor(count / 2)];
}

/** 8,000 repeated keys, 16 KB: the query string of the issue. */
const REPEATED = `?${Array.from({ length: 8000 }, () => 'a').join('&')}`;
const REPEATED_EXCLUDE = `?${Array.from({ length: 1200 }, (_, index) => `exclude=${index}`).join('&')}`;

describe.each(ADAPTERS)('query strings are parsed in linear time with a cap on keys, on %s', (adapter) => {
  it('8,000 repeated keys cost the server under 10 ms of CPU on the app and on the probe server', async () => {
    const inApp = await startApp({ imports: [HealthModule.forRoot()] }, { adapter });
    apps.push(inApp.app);
    const port = await allocatePort();
    const probe = await startApp({ imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' } })] }, { adapter });
    apps.push(probe.app);
    const measured: Record<string, number> = {};
    for (const [door, origin] of [
      ['app', inApp.url],
      ['probe server', `http://127.0.0.1:${port}`],
    ]) {
      for (const [name, query] of [
        ['repeated', REPEATED],
        ['exclude', REPEATED_EXCLUDE],
      ]) {
        // The client's side of a raw socket is a few syscalls; the measure is dominated by the server's work.
        measured[`${door} ${name}`] = await cpuPerRequest(origin, `/health/ready${query}`, 15);
      }
    }
    // The old probe server spent 42-170 ms per request (quadratic array copies).
    expect(Object.entries(measured).filter(([, ms]) => ms >= 10)).toEqual([]);
  });
});
