import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HealthIndicator, HealthModule, HealthOptionsError, HealthService, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError, httpServer, startApp } from './support/http-app.js';
import { bodyOf } from './support/report.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

@HealthIndicator('probe-me')
class ProbeMeIndicator {
  check() {
    return { 'probe-me': { status: 'up' } };
  }
}

/** Boots with the given options; returns the HealthOptionsError startup failed with. */
async function optionsError(options: unknown): Promise<HealthOptionsError> {
  // Route settings (path, openapi, decorators, isGlobal) are checked by forRoot itself, the others at bootstrap.
  const error = await (async () => bootstrapError({ imports: [HealthModule.forRoot(options as HealthModuleOptions)], providers: [ProbeMeIndicator] }))().catch(
    (thrown: unknown) => thrown as Error,
  );
  expect(error).toBeInstanceOf(HealthOptionsError);
  expect(error.name).toBe('HealthOptionsError');
  return error as HealthOptionsError;
}

const TIMER = 'an integer from 1 to 2147483647 (milliseconds)';
const PATH = 'a non-empty route path such as "health" or "ops/health"';

describe('bad options stop startup with an error naming the option and what is accepted', () => {
  it.each([
    // timeouts
    [{ timeoutMs: -1 }, `"timeoutMs" must be ${TIMER}; got number -1`],
    [{ timeoutMs: 0 }, `"timeoutMs" must be ${TIMER}; got number 0`],
    [{ timeoutMs: 2.5 }, `"timeoutMs" must be ${TIMER}; got number 2.5`],
    [{ timeoutMs: '1000' }, `"timeoutMs" must be ${TIMER}; got "1000"`],
    [{ timeoutMs: Number.NaN }, `"timeoutMs" must be ${TIMER}; got number NaN`],
    [{ cacheTtlMs: -100 }, '"cacheTtlMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number -100'],
    [{ refreshIntervalMs: '5s' }, '"refreshIntervalMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got "5s"'],
    [{ failureThreshold: 0 }, '"failureThreshold" must be an integer from 1 to 1000 (consecutive results); got number 0'],
    [{ successThreshold: true }, '"successThreshold" must be an integer from 1 to 1000 (consecutive results); got boolean true'],
    [{ slowCheckMs: '500ms' }, '"slowCheckMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got "500ms"'],
    [{ memory: { slowCheckMs: 2.5 } }, '"memory.slowCheckMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number 2.5'],
    // path
    [{ path: '' }, `"path" must be ${PATH}; got ""`],
    [{ path: '   ' }, `"path" must be ${PATH}; got "   "`],
    [{ path: 'health/' }, `"path" must be ${PATH}; got "health/"`],
    [{ path: ['health'] }, `"path" must be ${PATH}; got an array (["health"])`],
    // service
    [{ service: 'orders' }, '"service" must be an object; got "orders"'],
    [{ service: { name: '' } }, '"service.name" must be a non-empty string; got ""'],
    [{ service: { version: 1.4 } }, '"service.version" must be a non-empty string; got number 1.4'],
    [{ service: { environment: null } }, '"service.environment" must be a non-empty string; got null'],
    [{ service: { env: 'prod' } }, 'unknown option "service.env"; accepted: name, version, environment'],
    // httpStatus
    [{ httpStatus: [200] }, '"httpStatus" must be an object; got an array ([200])'],
    [{ httpStatus: { DOWN: 99 } }, '"httpStatus.DOWN" must be an integer from 100 to 599 (HTTP status code); got number 99'],
    [{ httpStatus: { DEGRADED: 503.5 } }, '"httpStatus.DEGRADED" must be an integer from 100 to 599 (HTTP status code); got number 503.5'],
    [{ httpStatus: { STARTING: '503' } }, '"httpStatus.STARTING" must be an integer from 100 to 599 (HTTP status code); got "503"'],
    [{ httpStatus: { down: 503 } }, 'unknown option "httpStatus.down"; accepted: UP, DEGRADED, DOWN, STARTING, SHUTTING_DOWN'],
    // details, access
    [{ details: 'sometimes' }, '"details" must be one of "never", "when-authorized", "always"; got "sometimes"'],
    [{ apiKey: '' }, '"apiKey" must be a non-empty string or a non-empty array of non-empty strings; got ""'],
    [{ apiKey: 1234 }, '"apiKey" must be a non-empty string or a non-empty array of non-empty strings; got number 1234'],
    [{ authorize: 'admin' }, '"authorize" must be a function; got "admin"'],
    // shutdown
    [{ shutdown: 5000 }, '"shutdown" must be an object; got number 5000'],
    [{ shutdown: { drainDelayMs: -1 } }, '"shutdown.drainDelayMs" must be an integer from 0 to 2147483647 (milliseconds); got number -1'],
    [{ shutdown: { signals: 'SIGTERM' } }, '"shutdown.signals" must be a non-empty array; got "SIGTERM"'],
    [{ shutdown: { signals: ['sigterm'] } }, '"shutdown.signals[0]" must be a signal name such as "SIGTERM"; got "sigterm"'],
    // openapi, decorators
    [{ openapi: 'no' }, '"openapi" must be true or false; got "no"'],
    [{ decorators: 'Public' }, '"decorators" must be an array of class decorators; got "Public"'],
    [{ decorators: [() => undefined, 'ApiTags'] }, '"decorators[1]" must be a class decorator (a function); got "ApiTags"'],
  ])('%p', async (options, problem) => {
    const error = await optionsError(options);
    expect(error.problems).toEqual([problem]);
    expect(error.message).toBe(`Invalid HealthModule options:\n  - ${problem}`);
  });

  it('names an unknown key and lists the accepted keys', async () => {
    const error = await optionsError({ timeout: 1000 });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^unknown option "timeout"; accepted: timeoutMs, cacheTtlMs, refreshIntervalMs, failureThreshold, successThreshold, slowCheckMs, path, service, httpStatus, details, /,
    );
    for (const key of ['apiKey', 'authorize', 'shutdown', 'metrics', 'database', 'redis', 'http', 'disk', 'memory', 'eventLoop']) {
      expect(error.problems[0]).toContain(key);
    }
  });

  it('names "probes" as unknown at module level: probes belong to an indicator', async () => {
    const error = await optionsError({ probes: ['readiness'] });
    expect(error.problems[0]).toMatch(/^unknown option "probes"; accepted: /);
  });

  it('rejects bad probes of a built-in indicator, naming the accepted probes', async () => {
    const error = await optionsError({ memory: { probes: ['ready'] } });
    expect(error.problems).toEqual(['"memory.probes[0]" must be one of "liveness", "readiness", "startup"; got "ready"']);
  });

  it.each([
    [{ database: 'yes' }, '"database"'],
    [{ redis: true }, '"redis"'],
    [{ http: ['http://x'] }, '"http"'],
    [{ disk: '/' }, '"disk"'],
    [{ memory: 512 }, '"memory"'],
    [{ eventLoop: 'on' }, '"eventLoop"'],
    [{ metrics: 'prometheus' }, '"metrics"'],
  ])('rejects the wrong type for %p', async (options, name) => {
    const error = await optionsError(options);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`${name} must be`);
  });

  it('checks the route settings when the module is defined, in the same words', () => {
    expect(() => HealthModule.forRoot({ path: 'health/', openapi: 'no' } as never)).toThrow(
      new HealthOptionsError([`"path" must be ${PATH}; got "health/"`, '"openapi" must be true or false; got "no"']),
    );
    expect(() => HealthModule.forRootAsync({ path: '', useFactory: () => ({}) })).toThrow(`"path" must be ${PATH}; got ""`);
  });

  it('lists every bad option at once', async () => {
    const error = await optionsError({ timeoutMs: -1, httpStatus: { DOWN: 99 }, details: 'all', extra: 1 });
    expect(error.problems).toHaveLength(4);
    expect(error.message.split('\n')).toHaveLength(5);
  });
});

// ------------------------------------------------------------------------------ forRootAsync

const HEALTH_CONFIG = Symbol('HEALTH_CONFIG');

@Module({ providers: [{ provide: HEALTH_CONFIG, useValue: { name: 'from-config' } }], exports: [HEALTH_CONFIG] })
class HealthConfigModule {}

describe('forRootAsync', () => {
  it('takes the same options from a factory with imports and inject', async () => {
    ({ app } = await startApp({
      imports: [
        HealthModule.forRootAsync({
          path: 'ops/health',
          imports: [HealthConfigModule],
          inject: [HEALTH_CONFIG],
          useFactory: (config: { name: string }) =>
            Promise.resolve({
              service: { name: config.name },
              details: 'always' as const,
              timeoutMs: 250,
            }),
        }),
      ],
      providers: [ProbeMeIndicator],
    }));
    const response = await request(httpServer(app)).get('/ops/health').expect(200);
    expect(bodyOf(response).serviceInfo.name).toBe('from-config');
    await request(httpServer(app)).get('/ops/health/ready').expect(200);
    await request(httpServer(app)).get('/health').expect(404);
  });

  it.each([
    ['a negative timeout', { timeoutMs: -5 }, [`"timeoutMs" must be ${TIMER}; got number -5`]],
    ['an unknown key', { pth: 'health' }, [expect.stringMatching(/^unknown option "pth"; accepted: timeoutMs, /)]],
    [
      'a path (it goes beside useFactory)',
      { path: 'ops/health' },
      [
        '"path" is read when the module is defined: give it beside useFactory, HealthModule.forRootAsync({ path: ..., useFactory }), not in the options the factory returns',
      ],
    ],
    [
      'openapi and isGlobal',
      { openapi: false, isGlobal: true },
      [
        '"isGlobal" is read when the module is defined: give it beside useFactory, HealthModule.forRootAsync({ isGlobal: ..., useFactory }), not in the options the factory returns',
        '"openapi" is read when the module is defined: give it beside useFactory, HealthModule.forRootAsync({ openapi: ..., useFactory }), not in the options the factory returns',
      ],
    ],
    ['a string', 'health', [`HealthModule options must be an object such as { path: 'health', timeoutMs: 1000 }; got "health"`]],
    ['an array', [{ path: 'health' }], [expect.stringMatching(/^HealthModule options must be an object such as .*; got an array/)]],
    ['nothing (a forgotten return)', undefined, ['HealthModule.forRootAsync: the factory returned undefined; return an options object ({} for the defaults)']],
    ['null', null, ['HealthModule.forRootAsync: the factory returned null; return an options object ({} for the defaults)']],
  ])('stops startup when the factory returns %s', async (_label, result, problems) => {
    const error = await bootstrapError({ imports: [HealthModule.forRootAsync({ useFactory: () => result as HealthModuleOptions })] });
    expect(error).toBeInstanceOf(HealthOptionsError);
    expect((error as HealthOptionsError).problems).toEqual(problems);
  });

  it('stops startup with the factory error when the factory rejects', async () => {
    const error = await bootstrapError({
      imports: [
        HealthModule.forRootAsync({
          useFactory: () => Promise.reject(new Error('config service unavailable')),
        }),
      ],
    });
    expect(error.message).toBe('config service unavailable');
  });
});

// ----------------------------------------------------------------------------------- isGlobal

@Injectable()
class ReadinessSwitch {
  constructor(readonly health: HealthService) {}
}

/** A feature module that uses HealthService without importing HealthModule. */
@Module({ providers: [ReadinessSwitch], exports: [ReadinessSwitch] })
class MaintenanceModule {}

describe('isGlobal', () => {
  it('with isGlobal: true, HealthService is injectable in modules that do not import HealthModule', async () => {
    ({ app } = await startApp({ imports: [MaintenanceModule, HealthModule.forRoot({ isGlobal: true, details: 'always' })], providers: [ProbeMeIndicator] }));
    const readinessSwitch = app.get(ReadinessSwitch);
    expect(readinessSwitch.health).toBeInstanceOf(HealthService);
    readinessSwitch.health.setReadiness('refusing', 'maintenance window');
    const response = await request(httpServer(app)).get('/health/ready').expect(503);
    expect(response.body).toMatchObject({ status: 'DOWN', reason: 'maintenance window' });
  });

  it('forRootAsync accepts isGlobal too', async () => {
    ({ app } = await startApp({
      imports: [MaintenanceModule, HealthModule.forRootAsync({ isGlobal: true, useFactory: () => ({ details: 'always' as const }) })],
    }));
    expect(app.get(ReadinessSwitch).health).toBeInstanceOf(HealthService);
  });

  it('without isGlobal, such a module cannot resolve HealthService', async () => {
    const error = await bootstrapError({ imports: [MaintenanceModule, HealthModule.forRoot()] });
    expect(error.message).toMatch(/ReadinessSwitch.*HealthService|HealthService.*ReadinessSwitch/s);
  });

  it('treats isGlobal: undefined as not set', async () => {
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ isGlobal: undefined })], providers: [ProbeMeIndicator] }));
    await request(httpServer(app)).get('/health/ready').expect(200);
  });

  it.each([['yes'], [1], [null]])('rejects isGlobal: %p, naming the option', async (isGlobal) => {
    const expected = `"isGlobal" must be true or false; got ${isGlobal === null ? 'null' : typeof isGlobal === 'string' ? '"yes"' : 'number 1'}`;
    const attempt = async () => bootstrapError({ imports: [HealthModule.forRoot({ isGlobal } as never)] });
    const attemptAsync = async () => bootstrapError({ imports: [HealthModule.forRootAsync({ isGlobal, useFactory: () => ({}) } as never)] });
    for (const bootstrap of [attempt, attemptAsync]) {
      const error = await bootstrap().catch((thrown: unknown) => thrown as Error);
      expect(error).toBeInstanceOf(HealthOptionsError);
      expect((error as HealthOptionsError).problems).toEqual([expected]);
    }
  });
});
