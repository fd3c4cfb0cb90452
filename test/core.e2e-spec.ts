import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { HealthIndicator, HealthIndicatorService, HealthModule, type HealthIndicatorCheck } from 'nest-vitals';
import { ADAPTERS, httpServer, startApp } from './support/http-app.js';
import { bodyOf, type CheckBody } from './support/report.js';
import { requireService, SERVICES } from './support/services.js';

/** Names of the checks that ran, in order; reset by each test. */
const ran: string[] = [];

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const http = () => request(httpServer(app!));

async function timed(path: string) {
  const started = performance.now();
  const response = await http().get(path);
  return { response, elapsedMs: performance.now() - started };
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// ---------------------------------------------------------------- discovery in a feature module

@Injectable()
class InventoryService {
  stock(): number {
    return 12;
  }
}

@HealthIndicator('inventory')
class InventoryIndicator implements HealthIndicatorCheck {
  constructor(
    private readonly inventory: InventoryService,
    private readonly health: HealthIndicatorService,
  ) {}
  check() {
    ran.push('inventory');
    return this.health.check('inventory').up({ items: this.inventory.stock() });
  }
}

@HealthIndicator('warehouse-feed', { critical: false })
class WarehouseFeedIndicator implements HealthIndicatorCheck {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    ran.push('warehouse-feed');
    return this.health.check('warehouse-feed').up();
  }
}

/**
 * Two levels down from the root, exported nowhere: discovery must still find it. Like any module
 * with Terminus indicators, it imports TerminusModule for HealthIndicatorService.
 */
@Module({ imports: [TerminusModule], providers: [WarehouseFeedIndicator] })
class WarehouseModule {}

@Module({ imports: [WarehouseModule, TerminusModule], providers: [InventoryService, InventoryIndicator] })
class InventoryModule {}

// ------------------------------------------------------------------------- probe membership

function probeMember(name: string, probes?: ('liveness' | 'readiness' | 'startup')[]) {
  @HealthIndicator(name, probes ? { probes } : {})
  class ProbeMember implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    check() {
      ran.push(name);
      return this.health.check(name).up();
    }
  }
  return ProbeMember;
}

const LiveOnly = probeMember('live-only', ['liveness']);
const ReadyDefault = probeMember('ready-default');
const StartupOnly = probeMember('startup-only', ['startup']);
const LiveAndReady = probeMember('live-and-ready', ['liveness', 'readiness']);

// ---------------------------------------------------------------------- statuses and faults

type Answer = 'up' | 'degraded' | 'down';
const answers: Record<string, Answer> = {};

function steerable(name: string, critical: boolean) {
  @HealthIndicator(name, { critical })
  class Steerable implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    check() {
      const session = this.health.check(name);
      const answer = answers[name] ?? 'up';
      return answer === 'up'
        ? session.up()
        : answer === 'degraded'
          ? session.degraded({ message: `${name} is slow` })
          : session.down({ message: `${name} is gone` });
    }
  }
  return Steerable;
}

const CriticalDependency = steerable('critical-dep', true);
const OptionalDependency = steerable('optional-dep', false);

@HealthIndicator('throws')
class ThrowingIndicator implements HealthIndicatorCheck {
  check(): never {
    throw new Error('connection pool exhausted');
  }
}

@HealthIndicator('rejects-string')
class RejectingWithStringIndicator implements HealthIndicatorCheck {
  check() {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a check that rejects with a bare string is the case under test
    return Promise.reject('queue broker said no');
  }
}

@HealthIndicator('hangs')
class HangingIndicator implements HealthIndicatorCheck {
  check() {
    return new Promise<never>(() => undefined);
  }
}

@HealthIndicator('garbage')
class GarbageIndicator {
  check() {
    return 'all good' as unknown as Record<string, never>;
  }
}

/** A Terminus-style indicator moved over by adding the decorator: attempt() with its own timeout. */
@HealthIndicator('terminus-attempt', { critical: false })
class TerminusAttemptIndicator implements HealthIndicatorCheck {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health
      .check('terminus-attempt')
      .attempt(async ({ signal }) => {
        await sleep(5_000, undefined, { signal });
      })
      .withTimeout(50);
  }
}

function sleeper(name: string, delayMs: number) {
  @HealthIndicator(name)
  class Sleeper implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    async check() {
      await sleep(delayMs);
      return this.health.check(name).up({ sleptMs: delayMs });
    }
  }
  return Sleeper;
}

describe.each(ADAPTERS)('core on %s', (adapter) => {
  it('discovers @HealthIndicator providers declared in feature modules, wired by nobody', async () => {
    ({ app } = await startApp({ imports: [InventoryModule, HealthModule.forRoot({ details: 'always' })] }, { adapter }));

    const response = await http().get('/health').expect(200);
    expect(Object.keys(bodyOf(response).details).sort()).toEqual(['inventory', 'warehouse-feed']);
    expect(bodyOf(response).details.inventory).toMatchObject({ status: 'UP', critical: true, data: { items: 12 } });
    expect(bodyOf(response).details['warehouse-feed']).toMatchObject({ status: 'UP', critical: false });
  });

  describe('probes', () => {
    beforeAll(() => {
      ran.length = 0;
    });

    it('runs each probe with only its members; liveness answers {"status":"UP"} alone', async () => {
      ({ app } = await startApp(
        { imports: [HealthModule.forRoot({ details: 'always' })], providers: [LiveOnly, ReadyDefault, StartupOnly, LiveAndReady] },
        { adapter },
      ));
      await sleep(20);
      expect(ran).toEqual(['startup-only']); // the startup gate ran at bootstrap, and nothing else did

      ran.length = 0;
      const live = await http().get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'UP' });
      expect(ran.sort()).toEqual(['live-and-ready', 'live-only']);

      ran.length = 0;
      const ready = await http().get('/health/ready').expect(200);
      expect(Object.keys(bodyOf(ready).details).sort()).toEqual(['live-and-ready', 'ready-default']);
      expect(ran.sort()).toEqual(['live-and-ready', 'ready-default']);

      ran.length = 0;
      const startup = await http().get('/health/startup').expect(200);
      expect(bodyOf(startup).status).toBe('UP');
      expect(ran.filter((name) => name !== 'startup-only')).toEqual([]);

      ran.length = 0;
      const all = await http().get('/health').expect(200);
      expect(Object.keys(bodyOf(all).details).sort()).toEqual(['live-and-ready', 'live-only', 'ready-default', 'startup-only']);
      expect(ran.sort()).toEqual(['live-and-ready', 'live-only', 'ready-default', 'startup-only']);

      ran.length = 0;
      const one = await http().get('/health/checks/live-only').expect(200);
      expect(one.body).toMatchObject({ status: 'UP', critical: true });
      expect(ran).toEqual(['live-only']);
    });

    it('answers liveness UP with no liveness indicators and never runs readiness checks for it', async () => {
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [ReadyDefault] }, { adapter }));
      ran.length = 0;
      const live = await http().get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'UP' });
      expect(ran).toEqual([]);
    });
  });

  describe('status model and HTTP mapping', () => {
    it('UP → 200, DEGRADED (non-critical DOWN) → 200, DEGRADED check → 200, critical DOWN → 503', async () => {
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [CriticalDependency, OptionalDependency] }, { adapter }));

      answers['critical-dep'] = 'up';
      answers['optional-dep'] = 'up';
      let response = await http().get('/health/ready').expect(200);
      expect(bodyOf(response).status).toBe('UP');

      answers['optional-dep'] = 'down';
      response = await http().get('/health/ready').expect(200);
      expect(bodyOf(response).status).toBe('DEGRADED');
      expect(bodyOf(response).details['optional-dep']).toMatchObject({ status: 'DOWN', critical: false, error: 'optional-dep is gone' });
      expect(bodyOf(response).details['critical-dep']).toMatchObject({ status: 'UP', critical: true });

      answers['optional-dep'] = 'up';
      answers['critical-dep'] = 'degraded';
      response = await http().get('/health/ready').expect(200);
      expect(bodyOf(response).status).toBe('DEGRADED');
      expect(bodyOf(response).details['critical-dep']).toMatchObject({ status: 'DEGRADED', message: 'critical-dep is slow' });

      answers['critical-dep'] = 'down';
      answers['optional-dep'] = 'down';
      response = await http().get('/health/ready').expect(503);
      expect(bodyOf(response).status).toBe('DOWN');
      expect(bodyOf(response).details['critical-dep']).toMatchObject({ status: 'DOWN', critical: true, error: 'critical-dep is gone' });

      // The same mapping for the full report and for one check.
      await http().get('/health').expect(503);
      await http().get('/health/checks/critical-dep').expect(503);
      const optional = await http().get('/health/checks/optional-dep').expect(503);
      expect(optional.body).toMatchObject({ status: 'DOWN', critical: false });
      answers['critical-dep'] = 'up';
      await http().get('/health/checks/critical-dep').expect(200);
    });

    it('uses a configured httpStatus mapping', async () => {
      ({ app } = await startApp(
        {
          imports: [HealthModule.forRoot({ details: 'always', httpStatus: { DEGRADED: 207, DOWN: 500 } })],
          providers: [CriticalDependency, OptionalDependency],
        },
        { adapter },
      ));
      answers['critical-dep'] = 'up';
      answers['optional-dep'] = 'down';
      await http().get('/health/ready').expect(207);
      answers['critical-dep'] = 'down';
      await http().get('/health/ready').expect(500);
    });

    it('shapes the report as DESIGN.md: details per check and serviceInfo', async () => {
      ({ app } = await startApp(
        {
          imports: [HealthModule.forRoot({ details: 'always', service: { name: 'orders', version: '1.4.2', environment: 'production' } })],
          providers: [CriticalDependency, OptionalDependency],
        },
        { adapter },
      ));
      answers['critical-dep'] = 'up';
      answers['optional-dep'] = 'degraded';
      const response = await http()
        .get('/health')
        .expect(200)
        .expect('Content-Type', /^application\/json/);
      expect(Object.keys(bodyOf(response)).sort()).toEqual(['details', 'serviceInfo', 'status']);
      expect(bodyOf(response).status).toBe('DEGRADED');
      for (const result of Object.values(bodyOf(response).details)) {
        expect(result).toMatchObject({
          critical: expect.any(Boolean),
          durationMs: expect.any(Number),
          checkedAt: expect.stringMatching(ISO_DATE),
          cached: false,
        });
        expect(Number.isInteger(result.durationMs)).toBe(true);
      }
      expect(bodyOf(response).details['optional-dep']).toMatchObject({ status: 'DEGRADED', critical: false, message: 'optional-dep is slow' });
      expect(bodyOf(response).details['optional-dep']).not.toHaveProperty('error');
      expect(bodyOf(response).serviceInfo).toEqual({
        name: 'orders',
        version: '1.4.2',
        environment: 'production',
        uptimeSeconds: expect.any(Number),
        timestamp: expect.stringMatching(ISO_DATE),
      });
    });

    it('defaults the service info to the app package.json and NODE_ENV', async () => {
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [CriticalDependency] }, { adapter }));
      const response = await http().get('/health').expect(200);
      expect(bodyOf(response).serviceInfo).toMatchObject({
        name: 'nest-vitals-workspace',
        version: '0.0.0',
        environment: process.env.NODE_ENV ?? 'development',
      });
    });
  });

  describe('faulty checks', () => {
    const timeoutMs = 300;
    const faulty = [ThrowingIndicator, RejectingWithStringIndicator, HangingIndicator, GarbageIndicator, TerminusAttemptIndicator, CriticalDependency];

    it.each([
      ['throws', 'connection pool exhausted'],
      ['rejects-string', 'queue broker said no'],
      ['hangs', `timed out after ${timeoutMs} ms`],
      ['garbage', 'check() returned an invalid result; expected a HealthIndicatorResult such as { "garbage": { "status": "up" } }'],
      ['terminus-attempt', 'timeout of 50ms exceeded'],
    ])('a check that %s is DOWN with its reason, within timeout + 100 ms, never a 500', async (name, reason) => {
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs })], providers: faulty }, { adapter }));
      answers['critical-dep'] = 'up';

      const { response, elapsedMs } = await timed(`/health/checks/${name}`);
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'DOWN', error: reason });
      expect(bodyOf<CheckBody>(response).durationMs).toBeLessThanOrEqual(timeoutMs + 100);
      expect(elapsedMs).toBeLessThanOrEqual(timeoutMs + 100);
    });

    it('reports every fault at once in one report, within timeout + 100 ms, and keeps healthy checks UP', async () => {
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs })], providers: faulty }, { adapter }));
      answers['critical-dep'] = 'up';

      const { response, elapsedMs } = await timed('/health/ready');
      expect(response.status).toBe(503);
      expect(elapsedMs).toBeLessThanOrEqual(timeoutMs + 100);
      const { details } = bodyOf(response);
      expect(details.throws).toMatchObject({ status: 'DOWN', error: 'connection pool exhausted' });
      expect(details['rejects-string']).toMatchObject({ status: 'DOWN', error: 'queue broker said no' });
      expect(details.hangs).toMatchObject({ status: 'DOWN', error: `timed out after ${timeoutMs} ms` });
      expect(details.hangs.durationMs).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(details.garbage.status).toBe('DOWN');
      expect(details['terminus-attempt']).toMatchObject({ status: 'DOWN', critical: false });
      expect(details['critical-dep']).toMatchObject({ status: 'UP' });

      // The app is unharmed: the next request is answered the same way.
      const again = await timed('/health/ready');
      expect(again.response.status).toBe(503);
      expect(again.elapsedMs).toBeLessThanOrEqual(timeoutMs + 100);
    });

    it('uses the decorator timeoutMs over the module default', async () => {
      @HealthIndicator('quick-timeout', { timeoutMs: 100 })
      class QuickTimeout implements HealthIndicatorCheck {
        check() {
          return new Promise<never>(() => undefined);
        }
      }
      ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: 5000 })], providers: [QuickTimeout] }, { adapter }));
      const { response, elapsedMs } = await timed('/health/checks/quick-timeout');
      expect(response.status).toBe(503);
      expect(bodyOf<CheckBody>(response).error).toBe('timed out after 100 ms');
      expect(elapsedMs).toBeLessThanOrEqual(200);
    });
  });

  it('runs checks concurrently: three 200 ms checks answer in about 200 ms, not 600', async () => {
    ({ app } = await startApp(
      { imports: [HealthModule.forRoot({ details: 'always' })], providers: [sleeper('slow-a', 200), sleeper('slow-b', 200), sleeper('slow-c', 200)] },
      { adapter },
    ));
    const { response, elapsedMs } = await timed('/health/ready');
    expect(response.status).toBe(200);
    expect(Object.keys(bodyOf(response).details)).toHaveLength(3);
    expect(elapsedMs).toBeGreaterThanOrEqual(195);
    expect(elapsedMs).toBeLessThan(400);
  });

  it('answers Cache-Control: no-store on every route and status, and a JSON 404 for an unknown check', async () => {
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [CriticalDependency] }, { adapter }));
    answers['critical-dep'] = 'up';
    for (const path of ['/health/live', '/health/ready', '/health/startup', '/health', '/health/checks/critical-dep']) {
      const response = await http().get(path).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
    }
    answers['critical-dep'] = 'down';
    for (const path of ['/health/ready', '/health', '/health/checks/critical-dep']) {
      const response = await http().get(path).expect(503);
      expect(response.headers['cache-control']).toBe('no-store');
    }
    const missing = await http()
      .get('/health/checks/nope')
      .expect(404)
      .expect('Content-Type', /^application\/json/);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'No health check named "nope"; known checks: critical-dep' });
  });

  it('mounts the routes under a custom path', async () => {
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ path: '/ops/vitals', details: 'always' })], providers: [ReadyDefault] }, { adapter }));
    await http().get('/ops/vitals/ready').expect(200);
    await http().get('/ops/vitals/live').expect(200, { status: 'UP' });
    await http().get('/health/ready').expect(404);
  });
});

// ------------------------------------------------------------------ real databases through TypeORM

/** The kind of indicator a user writes for their own database: a real query through the injected DataSource. */
@HealthIndicator('orders-db')
class OrdersDatabaseIndicator implements HealthIndicatorCheck {
  static query = 'SELECT 1 AS one';
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}
  check() {
    return this.health.check('orders-db').attempt(async () => {
      const rows: { one: number }[] = await this.dataSource.query(OrdersDatabaseIndicator.query);
      return { driver: this.dataSource.options.type, rows: rows.length };
    });
  }
}

@Module({ imports: [TerminusModule], providers: [OrdersDatabaseIndicator] })
class OrdersModule {}

describe('indicators querying real databases', () => {
  let sqliteDir: string;
  beforeAll(() => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'nest-vitals-core-'));
  });
  afterAll(() => {
    rmSync(sqliteDir, { recursive: true, force: true });
  });
  afterEach(() => {
    OrdersDatabaseIndicator.query = 'SELECT 1 AS one';
  });

  const databases = {
    sqlite: () => TypeOrmModule.forRoot({ type: 'better-sqlite3', database: join(sqliteDir, 'orders.sqlite') }),
    postgres: () => TypeOrmModule.forRoot({ type: 'postgres', url: SERVICES.postgres.url }),
  };

  it.each(Object.keys(databases) as (keyof typeof databases)[])('%s: UP through a real query, DOWN with the driver error', async (driver) => {
    if (driver === 'postgres') await requireService('postgres');
    ({ app } = await startApp({ imports: [databases[driver](), OrdersModule, HealthModule.forRoot({ details: 'always' })] }));

    const up = await http().get('/health/ready').expect(200);
    expect(bodyOf(up).details['orders-db']).toMatchObject({ status: 'UP', data: { driver: driver === 'sqlite' ? 'better-sqlite3' : 'postgres', rows: 1 } });

    OrdersDatabaseIndicator.query = 'SELECT * FROM table_that_does_not_exist';
    const down = await http().get('/health/ready').expect(503);
    expect(bodyOf(down).status).toBe('DOWN');
    expect(bodyOf(down).details['orders-db'].error).toMatch(/table_that_does_not_exist/);
  });

  it('postgres: a query slower than the timeout is DOWN "timed out" within timeout + 100 ms', async () => {
    await requireService('postgres');
    ({ app } = await startApp({ imports: [databases.postgres(), OrdersModule, HealthModule.forRoot({ details: 'always', timeoutMs: 300 })] }));
    OrdersDatabaseIndicator.query = 'SELECT 1 AS one, pg_sleep(1)';

    const { response, elapsedMs } = await timed('/health/ready');
    expect(response.status).toBe(503);
    expect(bodyOf(response).details['orders-db']).toMatchObject({ status: 'DOWN', error: 'timed out after 300 ms' });
    expect(elapsedMs).toBeLessThanOrEqual(400);
    await sleep(800); // let the sleeping query finish before the pool closes
  });
});
