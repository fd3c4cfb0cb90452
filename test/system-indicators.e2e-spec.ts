import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiskHealthIndicator, HealthIndicator, HealthModule, type HealthModuleOptions } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { eventually, getCheck, getReport } from './support/report.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: HealthModuleOptions, providers: NonNullable<Parameters<typeof startApp>[0]['providers']> = []): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', ...options })], providers });
  app = started.app;
  return started.url;
}

/** Keeps the event loop of this process (where the app runs) busy in `blockMs` slices for `forMs`. */
async function blockEventLoop(blockMs: number, forMs: number): Promise<void> {
  const until = performance.now() + forMs;
  while (performance.now() < until) {
    const sliceEnd = performance.now() + blockMs;
    while (performance.now() < sliceEnd) {
      // busy: nothing else runs on this loop meanwhile
    }
    await sleep(1);
  }
}

describe('memory', () => {
  it('is UP with heap and RSS in MB when under its thresholds', async () => {
    const url = await start({ memory: { heapUsedMb: { warn: 100_000, down: 200_000 }, rssMb: { warn: 100_000 } } });
    const check = await getCheck(url, 'memory');
    expect(check.status).toBe('UP');
    expect(check.data).toEqual({ heapUsedMb: expect.any(Number), heapTotalMb: expect.any(Number), rssMb: expect.any(Number) });
    const heapUsedMb = check.data!.heapUsedMb as number;
    expect(heapUsedMb).toBeGreaterThan(1);
    expect(check.data!.rssMb as number).toBeGreaterThan(heapUsedMb);
  });

  it('is DEGRADED at a warn threshold and DOWN at a down threshold, naming the value', async () => {
    const url = await start({ memory: { heapUsedMb: { warn: 1 }, rssMb: { warn: 100_000, down: 100_001 } } });
    const degraded = await getCheck(url, 'memory');
    expect(degraded.status).toBe('DEGRADED');
    expect(degraded.message).toMatch(/^heap used [\d.]+ MB reached the warn threshold of 1 MB$/);
    await app!.close();

    const downUrl = await start({ memory: { heapUsedMb: { warn: 1 }, rssMb: { warn: 1, down: 2 } } });
    const down = await getCheck(downUrl, 'memory');
    expect(down.status).toBe('DOWN');
    expect(down.error).toMatch(/RSS [\d.]+ MB reached the down threshold of 2 MB/);
    expect(down.error).toMatch(/heap used [\d.]+ MB reached the warn threshold of 1 MB/);
    expect(down.data).toHaveProperty('rssMb');
  });

  it('with `memory: true` reports the values and stays UP', async () => {
    const url = await start({ memory: true });
    expect(await getCheck(url, 'memory')).toMatchObject({ status: 'UP', data: { heapUsedMb: expect.any(Number) } });
  });
});

describe('disk', () => {
  it('is UP with usedPercent and freeMb of the path', async () => {
    const url = await start({ disk: { path: tmpdir(), downPercent: 100, minFreeMb: 0.001 } });
    const check = await getCheck(url, 'disk');
    expect(check.status).toBe('UP');
    expect(check.data).toMatchObject({ path: tmpdir(), usedPercent: expect.any(Number), freeMb: expect.any(Number), totalMb: expect.any(Number) });
    expect(check.data!.usedPercent as number).toBeGreaterThanOrEqual(0);
    expect(check.data!.usedPercent as number).toBeLessThanOrEqual(100);
    expect(check.data!.freeMb as number).toBeGreaterThan(0);
  });

  it('is DEGRADED at warnPercent', async () => {
    const url = await start({ disk: { path: tmpdir(), warnPercent: 0, downPercent: 100 } });
    const check = await getCheck(url, 'disk');
    expect(check.status).toBe('DEGRADED');
    expect(check.message).toMatch(/^used space [\d.]+ % reached the warn threshold of 0 %$/);
  });

  it('is DOWN at downPercent, and below minFreeMb', async () => {
    const url = await start({ disk: { path: tmpdir(), downPercent: 0 } });
    expect(await getCheck(url, 'disk')).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/reached the down threshold of 0 %/) });
    await app!.close();

    const minFreeUrl = await start({ disk: { path: tmpdir(), minFreeMb: Number.MAX_SAFE_INTEGER } });
    const check = await getCheck(minFreeUrl, 'disk');
    expect(check.status).toBe('DOWN');
    expect(check.error).toMatch(/^free space [\d.]+ MB is below the down threshold of \d+ MB$/);
  });

  it('is DOWN with the reason when the path does not exist', async () => {
    const url = await start({ disk: { path: '/no/such/nest-vitals/path' } });
    expect(await getCheck(url, 'disk')).toMatchObject({ status: 'DOWN', error: 'cannot read the file system of /no/such/nest-vitals/path: ENOENT' });
  });
});

describe('event loop', () => {
  it('is UP with the lag p99 when the loop is idle', async () => {
    const url = await start({ eventLoop: { probes: ['liveness'], warnMs: 100, downMs: 1000, windowMs: 1000 } });
    await sleep(300);
    const check = await getCheck(url, 'event-loop');
    expect(check.status).toBe('UP');
    expect(check.data).toEqual({ lagP99Ms: expect.any(Number), lagMaxMs: expect.any(Number), windowMs: 1000 });
    expect(check.data!.lagP99Ms as number).toBeLessThan(100);
    // On liveness only: /health/live runs it.
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
  });

  it('is DEGRADED at warnMs, DOWN at downMs, and UP again once the window has passed', async () => {
    const url = await start({ eventLoop: { warnMs: 30, downMs: 5000, windowMs: 400 } });
    await blockEventLoop(80, 600);
    const degraded = await getCheck(url, 'event-loop');
    expect(degraded.status).toBe('DEGRADED');
    expect(degraded.message).toMatch(/^event-loop lag p99 [\d.]+ ms reached the warn threshold of 30 ms$/);
    expect(degraded.data!.lagP99Ms as number).toBeGreaterThanOrEqual(30);
    await app!.close();

    const downUrl = await start({ eventLoop: { warnMs: 10, downMs: 40, windowMs: 400 } });
    await blockEventLoop(80, 600);
    const down = await getCheck(downUrl, 'event-loop');
    expect(down.status).toBe('DOWN');
    expect(down.error).toMatch(/reached the down threshold of 40 ms/);
    // Two quiet windows later the slow spell has rolled out of the measurement.
    await eventually(
      () => getCheck(downUrl, 'event-loop'),
      (check) => check.status === 'UP',
      5000,
      200,
    );
  });
});

describe('built-ins switched on with `true`, and provided by the user', () => {
  it('registers disk, memory and event-loop under their check names with their defaults', async () => {
    const url = await start({ disk: true, memory: true, eventLoop: true });
    const report = await getReport(url);
    expect(Object.keys(report.details).sort()).toEqual(['disk', 'event-loop', 'memory']);
    expect(report.details['disk'].data).toMatchObject({ path: '/' });
    expect(report.details['event-loop'].data).toMatchObject({ windowMs: 10_000 });
  });

  it('takes probes, critical and timeoutMs from each section', async () => {
    const url = await start({ disk: { path: tmpdir(), downPercent: 0, critical: false, probes: ['readiness'] }, memory: { probes: ['startup'] } });
    const ready = await eventually(
      () => getReport(url, '/health/ready'),
      (report) => report.status !== 'STARTING',
      5000,
    );
    // A non-critical DOWN check makes the probe DEGRADED (200), not DOWN.
    expect(ready.details['disk']).toMatchObject({ status: 'DOWN', critical: false });
    expect(ready).toMatchObject({ status: 'DEGRADED', httpStatus: 200 });
    expect(ready.details['memory']).toBeUndefined();
    // The startup probe runs memory (and shows no details); the full report has both.
    expect((await getReport(url, '/health/startup')).httpStatus).toBe(200);
    expect(Object.keys((await getReport(url)).details).sort()).toEqual(['disk', 'memory']);
  });

  it('a subclass of a built-in is a @HealthIndicator like any other', async () => {
    @HealthIndicator('scratch-disk', { critical: false })
    class ScratchDiskIndicator extends DiskHealthIndicator {
      constructor() {
        super({ path: tmpdir(), warnPercent: 0, downPercent: 100 });
      }
    }
    const url = await start({}, [ScratchDiskIndicator]);
    const check = await getCheck(url, 'scratch-disk');
    expect(check).toMatchObject({ status: 'DEGRADED', critical: false, data: { path: tmpdir() } });
  });
});
