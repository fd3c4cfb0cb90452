import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Registry } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService, HealthSimulationError, type HealthModuleOptions } from 'nest-vitals';
import { simulateCheck } from 'nest-vitals/testing';
import { bootstrapError, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';

/** Keeps every line the app logs. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown) {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown) {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown) {
    this.lines.push({ level: 'error', message: String(message) });
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: HealthModuleOptions, indicatorOptions = {}) {
  const logger = new RecordingLogger();
  const registry = new Registry();
  const database = scriptedIndicator('database', indicatorOptions);
  const cache = scriptedIndicator('cache', { critical: false });
  const started = await startApp(
    { imports: [HealthModule.forRoot({ details: 'always', metrics: { registry }, ...options })], providers: [database, cache] },
    { logger },
  );
  app = started.app;
  const get = async (path: string) => {
    const response = await fetch(`${started.url}${path}`);
    return { status: response.status, body: (await response.json()) as { status: string; details?: Record<string, Record<string, unknown>> } };
  };
  return { ...started, logger, registry, database, get, health: started.app.get(HealthService) };
}

/** The health_check_status lines of one check. */
async function statusSeries(registry: Registry, check: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line.startsWith('health_check_status{') && line.includes(`check="${check}"`));
}

describe('simulation', () => {
  it('is refused when off, with the option named', async () => {
    const { health } = await start({});
    expect(() => health.simulate('database', { status: 'DOWN' })).toThrow(HealthSimulationError);
    expect(() => health.simulate('database', { status: 'DOWN' })).toThrow(/"simulation": \{ "enabled": true \}/);
  });

  it('is refused at startup under NODE_ENV=production unless allowInProduction', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const error = await bootstrapError({ imports: [HealthModule.forRoot({ simulation: { enabled: true } })] });
      expect(error.message).toContain('"simulation.enabled" is true under NODE_ENV=production');
      expect(error.message).toContain('"simulation.allowInProduction": true');
      const allowed = await startApp({ imports: [HealthModule.forRoot({ simulation: { enabled: true, allowInProduction: true } })] });
      await allowed.app.close();
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  it('makes a check DOWN everywhere at once, marked simulated, and ends by itself after ttlMs', async () => {
    const { get, health, registry, logger, database } = await start({ simulation: { enabled: true }, refreshIntervalMs: 200 });
    await sleep(50);
    expect((await get('/health/ready')).status).toBe(200);
    const runsBefore = database.runs;

    const started = performance.now();
    health.simulate('database', { status: 'DOWN', error: 'game day: database unreachable', ttlMs: 1500 });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details?.database).toMatchObject({ status: 'DOWN', simulated: true, error: 'game day: database unreachable' });
    expect((await get('/health/checks/database')).body).toMatchObject({ status: 'DOWN', simulated: true });
    expect(await statusSeries(registry, 'database')).toEqual(['health_check_status{check="database",critical="true",simulated="true"} 0']);
    const transition = logger.lines.find((line) => line.message.includes('health check transition check=database from=UP to=DOWN'));
    expect(transition?.level).toBe('warn');
    expect(transition?.message).toContain('simulated=true');
    expect(transition?.message).toContain('reason="game day: database unreachable"');
    expect(logger.lines.some((line) => line.message.startsWith('health check simulation started check=database status=DOWN ttlMs=1500'))).toBe(true);

    // The real check is not run while simulated, though the refresh goes on.
    await sleep(600);
    expect(database.runs).toBe(runsBefore);
    expect((await get('/health/ready')).status).toBe(503);

    // Back to real results once ttlMs has passed, with no restore().
    while ((await get('/health/ready')).status !== 200) {
      expect(performance.now() - started).toBeLessThan(4000);
      await sleep(50);
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500);
    const after = await get('/health/checks/database');
    expect(after.body).toMatchObject({ status: 'UP' });
    expect(after.body).not.toHaveProperty('simulated');
    expect(await statusSeries(registry, 'database')).toEqual(['health_check_status{check="database",critical="true"} 1']);
    expect(logger.lines.some((line) => line.message.includes('health check transition check=database from=DOWN to=UP'))).toBe(true);
    expect(logger.lines.some((line) => line.message.startsWith('health check simulation ended check=database'))).toBe(true);
  });

  it('bypasses flap damping both ways and restore() brings the real result back at once', async () => {
    const { get, health } = await start({ simulation: { enabled: true } }, { failureThreshold: 3, successThreshold: 3 });
    expect((await get('/health/ready')).status).toBe(200);
    const restore = health.simulate('database', { status: 'DOWN' });
    const down = await get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.details?.database).toMatchObject({ status: 'DOWN', error: 'simulated DOWN', simulated: true });
    await restore();
    expect((await get('/health/ready')).status).toBe(200);
    // A second restore() does nothing.
    await restore();
  });

  it('simulates DEGRADED and UP too; rejects bad fields and unknown checks naming them', async () => {
    const { get, health, database } = await start({ simulation: { enabled: true } });
    database.answer = 'down';
    expect((await get('/health/ready')).status).toBe(503);
    const restore = health.simulate('database', { status: 'UP' });
    expect((await get('/health/ready')).status).toBe(200);
    await restore();
    expect((await get('/health/ready')).status).toBe(503);
    health.simulate('database', { status: 'DEGRADED', error: 'slow replica' });
    expect((await get('/health/ready')).body).toMatchObject({ status: 'DEGRADED', details: { database: { message: 'slow replica', simulated: true } } });

    expect(() => health.simulate('database', { status: 'SICK' as 'DOWN' })).toThrow('"status" must be one of "UP", "DEGRADED", "DOWN"; got "SICK"');
    expect(() => health.simulate('database', { status: 'DOWN', ttlMs: -1 })).toThrow('"ttlMs" must be an integer from 1 to 2147483647');
    expect(() => health.simulate('nope', { status: 'DOWN' })).toThrow('no health check named "nope"; known checks: database, cache');
  });

  it('nest-vitals/testing simulates in one call, without simulation.enabled', async () => {
    const { get } = await start({});
    const restore = await simulateCheck(app!, 'database', { status: 'DOWN', error: 'connection refused' });
    expect((await get('/health/ready')).status).toBe(503);
    await restore();
    expect((await get('/health/ready')).status).toBe(200);
  });
});
