import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { Registry } from 'prom-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DependsOn, HealthModule, HealthProbeServer, HealthService, HealthSimulationError, type HealthModuleOptions } from 'nest-vitals';
import { simulateCheck } from 'nest-vitals/testing';
import { ADAPTERS, bootstrapError, startApp, type AdapterName } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput } from './support/processes.js';

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

const SIMULATION_KEY = 'game-day-key';
const API_KEY = 'details-key';

@Controller('orders')
class OrdersController {
  @Get()
  @DependsOn('database')
  list() {
    return { orders: [] };
  }
}

async function start(
  options: HealthModuleOptions,
  indicatorOptions = {},
  { adapter = 'express', probeServer = false }: { adapter?: AdapterName; probeServer?: boolean } = {},
) {
  const logger = new RecordingLogger();
  const registry = new Registry();
  const database = scriptedIndicator('database', indicatorOptions);
  const cache = scriptedIndicator('cache', { critical: false });
  const started = await startApp(
    {
      imports: [
        HealthModule.forRoot({ details: 'always', metrics: { registry }, ...options, ...(probeServer ? { server: { port: 0, host: '127.0.0.1' } } : {}) }),
      ],
      providers: [database, cache],
      controllers: [OrdersController],
    },
    { logger, adapter },
  );
  app = started.app;
  const base = probeServer ? `http://127.0.0.1:${started.app.get(HealthProbeServer).address().port}` : started.url;
  const get = async (path: string) => {
    const response = await fetch(`${path.startsWith('/health') ? base : started.url}${path}`);
    return { status: response.status, body: (await response.json()) as { status: string; details?: Record<string, Record<string, unknown>> } };
  };
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'x-health-key': SIMULATION_KEY }) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { ...started, logger, registry, database, get, send, health: started.app.get(HealthService) };
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

describe.each(ADAPTERS.flatMap((adapter) => [{ adapter, probeServer: false }, ...(adapter === 'express' ? [{ adapter, probeServer: true }] : [])]))(
  'PUT/DELETE {path}/checks/:name/simulation ($adapter, probe server: $probeServer)',
  (door) => {
    const options: HealthModuleOptions = { apiKey: API_KEY, simulation: { enabled: true, apiKey: SIMULATION_KEY }, dependsOn: { failFast: true } };

    it('simulates over HTTP: readiness 503, the dependent route fails fast, DELETE brings it back', async () => {
      const { get, send } = await start(options, {}, door);
      expect((await get('/health/ready')).status).toBe(200);
      expect((await get('/orders')).status).toBe(200);
      const put = await send('PUT', '/health/checks/database/simulation', { status: 'DOWN', ttlMs: 3000, error: 'game day' });
      expect(put).toMatchObject({ status: 200, body: { check: 'database', status: 'DOWN', error: 'game day', simulated: true } });
      expect((await get('/health/ready')).status).toBe(503);
      expect((await get('/orders')).status).toBe(503);
      expect(await send('DELETE', '/health/checks/database/simulation')).toEqual({ status: 200, body: { check: 'database', simulation: 'ended' } });
      expect((await get('/health/ready')).status).toBe(200);
      expect((await get('/orders')).status).toBe(200);
      expect(await send('DELETE', '/health/checks/database/simulation')).toEqual({ status: 200, body: { check: 'database', simulation: 'none' } });
    });

    it('refuses without the simulation key (401), a bad body naming the field (400), an unknown check (404)', async () => {
      const { send, get } = await start(options, {}, door);
      const down = { status: 'DOWN' };
      expect((await send('PUT', '/health/checks/database/simulation', down, {})).status).toBe(401);
      // The details key is not the simulation key.
      expect((await send('PUT', '/health/checks/database/simulation', down, { 'x-health-key': API_KEY })).status).toBe(401);
      expect((await send('DELETE', '/health/checks/database/simulation', undefined, { 'x-health-key': 'wrong' })).status).toBe(401);
      const bad = await send('PUT', '/health/checks/database/simulation', { status: 'BROKEN', ttlMs: 0 });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe(
        '"status" must be one of "UP", "DEGRADED", "DOWN"; got "BROKEN"; "ttlMs" must be an integer from 1 to 2147483647 (milliseconds); got 0',
      );
      const missing = await send('PUT', '/health/checks/database/simulation', {});
      expect(missing).toMatchObject({ status: 400, body: { message: '"status" is required: one of "UP", "DEGRADED", "DOWN"' } });
      const unknown = await send('PUT', '/health/checks/nope/simulation', down);
      expect(unknown).toMatchObject({ status: 404, body: { message: 'no health check named "nope"; known checks: database, cache' } });
      expect((await send('GET', '/health/checks/database/simulation')).status).toBe(405);
      expect((await get('/health/ready')).status).toBe(200);
    });

    it('answers 404 while simulation is off, or on without a simulation.apiKey', async () => {
      const off = await start({ apiKey: API_KEY }, {}, door);
      expect((await off.send('PUT', '/health/checks/database/simulation', { status: 'DOWN' })).status).toBe(404);
      await app!.close();
      app = undefined;
      const keyless = await start({ apiKey: API_KEY, simulation: { enabled: true } }, {}, door);
      expect((await keyless.send('PUT', '/health/checks/database/simulation', { status: 'DOWN' })).status).toBe(404);
    });

    it('serves GET {path}/settings to authorized callers only, as /checks/:name', async () => {
      const { get, send, health } = await start({ ...options, details: 'when-authorized' }, { timeoutMs: 1500 }, door);
      expect((await get('/health/settings')).status).toBe(401);
      health.simulate('database', { status: 'DOWN', ttlMs: 60_000 });
      const settings = await send('GET', '/health/settings', undefined, { 'x-health-key': API_KEY });
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({
        http: { server: door.probeServer ? 'probe-server' : 'app', path: '/health', routes: { settings: '/health/settings' } },
        probes: { readiness: { path: '/health/ready', checks: ['database', 'cache'], slowestCheckTimeoutMs: 1500 }, liveness: { checks: [] } },
        checks: { database: { timeoutMs: 1500, critical: true, probes: ['readiness'], simulated: { status: 'DOWN' } }, cache: { critical: false } },
        shutdown: { drainDelayMs: 5000, signals: ['SIGTERM'] },
        startup: { state: 'started', checks: [] },
        simulation: { enabled: true, routes: true, active: ['database'] },
      });
      expect(typeof (settings.body.http as { port: number }).port).toBe('number');
      // No secret: neither key appears.
      expect(JSON.stringify(settings.body)).not.toContain(API_KEY);
      expect(JSON.stringify(settings.body)).not.toContain(SIMULATION_KEY);
    });
  },
);

describe('the sample app under a game day', () => {
  it('simulates database DOWN for 3 s: readiness 503, its routes fail fast, metric 0 with simulated="true", logged as simulated; real again without DELETE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-simulation-'));
    const port = await allocatePort();
    const sample = startNode(['dist/apps/sample/apps/sample/src/main.js'], {
      PORT: String(port),
      SQLITE_PATH: join(dir, 'sample.sqlite'),
      HEALTH_SIMULATION_KEY: SIMULATION_KEY,
      NODE_ENV: 'development',
    });
    try {
      await waitForOutput(sample, /listening on/);
      const base = `http://127.0.0.1:${port}`;
      const status = async (path: string) => (await fetch(`${base}${path}`)).status;
      while ((await status('/health/ready')) !== 200) await sleep(50);
      const metric = async () =>
        (await (await fetch(`${base}/metrics`)).text()).split('\n').filter((line) => line.startsWith('health_check_status{check="database"'));

      const put = await fetch(`${base}/health/checks/database/simulation`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-health-key': SIMULATION_KEY },
        body: JSON.stringify({ status: 'DOWN', ttlMs: 3000, error: 'game day: database unreachable' }),
      });
      const started = performance.now();
      expect(put.status).toBe(200);
      expect(await status('/health/ready')).toBe(503);
      // The notes routes depend on the database (@DependsOn, failFast): they fail fast at once.
      expect(await status('/notes')).toBe(503);
      expect(await metric()).toEqual(['health_check_status{check="database",critical="true",simulated="true"} 0']);
      await waitForOutput(sample, /health check transition check=database from=UP to=DOWN .*reason="game day: database unreachable" simulated=true/, 2000);

      while ((await status('/health/ready')) !== 200) {
        expect(performance.now() - started).toBeLessThan(6000);
        await sleep(50);
      }
      expect(performance.now() - started).toBeGreaterThanOrEqual(2900);
      expect(await metric()).toEqual(['health_check_status{check="database",critical="true"} 1']);
      expect(await status('/notes')).toBe(200);
      await waitForOutput(sample, /health check transition check=database from=DOWN to=UP/, 2000);
    } finally {
      await sample.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start under NODE_ENV=production with simulation on, naming the option', async () => {
    const sample = startNode(['dist/apps/sample/apps/sample/src/main.js'], {
      PORT: String(await allocatePort()),
      HEALTH_SIMULATION_KEY: SIMULATION_KEY,
      NODE_ENV: 'production',
    });
    try {
      await waitForOutput(sample, /simulation\.allowInProduction/);
      expect((await sample.exited).code).not.toBe(0);
    } finally {
      await sample.stop();
    }
  });
});
