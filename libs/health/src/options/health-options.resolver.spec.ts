import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthModuleOptions } from './health-module-options.js';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { HEALTH_DEFAULTS } from './health-options.defaults.js';
import { resolveHealthOptions } from './health-options.resolver.js';

function problemsOf(options: unknown): string[] {
  try {
    resolveHealthOptions(options as HealthModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(HealthOptionsError);
    return (error as HealthOptionsError).problems;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be rejected`);
}

describe('resolveHealthOptions defaults', () => {
  const saved = { ...process.env };
  let cwd: string;
  let dir: string;

  beforeEach(() => {
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'nest-vitals-options-'));
    delete process.env.npm_package_name;
    delete process.env.npm_package_version;
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  it('fills in every default', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'orders', version: '1.4.2' }));
    process.chdir(dir);
    process.env.NODE_ENV = 'staging';
    const resolved = resolveHealthOptions({});
    expect(resolved).toMatchObject({
      service: { name: 'orders', version: '1.4.2', environment: 'staging' },
      httpStatus: { UP: 200, DEGRADED: 200, DOWN: 503, STARTING: 503, SHUTTING_DOWN: 503 },
      details: 'when-authorized',
      timeoutMs: 1000,
      cacheTtlMs: 0,
      refreshIntervalMs: 0,
      failureThreshold: 1,
      successThreshold: 1,
      slowCheckMs: 0,
      shutdown: { drainDelayMs: 5000, signals: ['SIGTERM'] },
      apiKeys: [],
    });
    expect(resolveHealthOptions(undefined)).toEqual(resolved);
  });

  it('reads name and version from the app package.json in the working directory', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/payments', version: '3.0.0-rc.1' }));
    process.chdir(dir);
    expect(resolveHealthOptions({}).service).toMatchObject({ name: '@acme/payments', version: '3.0.0-rc.1' });
  });

  it('prefers npm_package_* when started through npm', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'from-file', version: '1.0.0' }));
    process.chdir(dir);
    process.env.npm_package_name = 'from-npm';
    process.env.npm_package_version = '2.0.0';
    expect(resolveHealthOptions({}).service).toMatchObject({ name: 'from-npm', version: '2.0.0' });
  });

  it('falls back to "app", "0.0.0" and "development" without package.json or NODE_ENV', () => {
    process.chdir(dir);
    delete process.env.NODE_ENV;
    expect(resolveHealthOptions({}).service).toEqual({ name: 'app', version: '0.0.0', environment: 'development' });
  });

  it('keeps given service fields and defaults the others', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'orders', version: '1.4.2' }));
    process.chdir(dir);
    process.env.NODE_ENV = 'production';
    expect(resolveHealthOptions({ service: { name: 'billing' } }).service).toEqual({ name: 'billing', version: '1.4.2', environment: 'production' });
  });

  it('merges a partial httpStatus over the defaults', () => {
    expect(resolveHealthOptions({ httpStatus: { DEGRADED: 207 } }).httpStatus).toEqual({ ...HEALTH_DEFAULTS.httpStatus, DEGRADED: 207 });
  });

  it('turns apiKey into a list', () => {
    expect(resolveHealthOptions({ apiKey: 'k1' }).apiKeys).toEqual(['k1']);
    expect(resolveHealthOptions({ apiKey: ['k1', 'k2'] }).apiKeys).toEqual(['k1', 'k2']);
  });

  it('keeps given execution settings and a partial shutdown', () => {
    const resolved = resolveHealthOptions({ timeoutMs: 250, cacheTtlMs: 0, failureThreshold: 3, shutdown: { drainDelayMs: 0 } });
    expect(resolved).toMatchObject({ timeoutMs: 250, cacheTtlMs: 0, failureThreshold: 3, shutdown: { drainDelayMs: 0, signals: ['SIGTERM'] } });
  });

  it('keeps shutdown.timeoutMs when set, and leaves it off by default', () => {
    expect(resolveHealthOptions({ shutdown: { drainDelayMs: 10_000, timeoutMs: 25_000 } }).shutdown).toEqual({
      drainDelayMs: 10_000,
      signals: ['SIGTERM'],
      timeoutMs: 25_000,
    });
    expect(resolveHealthOptions({}).shutdown).not.toHaveProperty('timeoutMs');
  });

  it('accepts undefined values as "not set"', () => {
    expect(resolveHealthOptions({ timeoutMs: undefined, cacheTtlMs: undefined }).timeoutMs).toBe(1000);
  });
});

describe('resolveHealthOptions validation', () => {
  it('lists every problem at once, in one error naming each option', () => {
    let error: unknown;
    try {
      resolveHealthOptions({ timeoutMs: -1, path: '', details: 'sometimes' } as unknown as HealthModuleOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HealthOptionsError);
    expect((error as Error).name).toBe('HealthOptionsError');
    expect((error as HealthOptionsError).problems).toHaveLength(3);
    expect((error as Error).message).toMatch(
      /^Invalid HealthModule options:\n {2}- "timeoutMs" must be an integer from 1 to 2147483647 \(milliseconds\); got number -1\n {2}- "path"/,
    );
    expect((error as Error).message).toContain('"details" must be one of "never", "when-authorized", "always"; got "sometimes"');
  });

  it.each([
    [{ timeoutMs: -5 }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number -5'],
    [{ timeoutMs: 0 }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number 0'],
    [{ timeoutMs: 1.5 }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number 1.5'],
    [{ timeoutMs: Number.NaN }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number NaN'],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number Infinity'],
    [{ timeoutMs: 2 ** 31 }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number 2147483648'],
    [{ timeoutMs: '1000' }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got "1000"'],
    [{ timeoutMs: null }, '"timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got null'],
    [{ cacheTtlMs: -1 }, '"cacheTtlMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number -1'],
    [{ refreshIntervalMs: 0.5 }, '"refreshIntervalMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number 0.5'],
    [{ failureThreshold: 0 }, '"failureThreshold" must be an integer from 1 to 1000 (consecutive results); got number 0'],
    [{ successThreshold: 1001 }, '"successThreshold" must be an integer from 1 to 1000 (consecutive results); got number 1001'],
    [{ slowCheckMs: -1 }, '"slowCheckMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number -1'],
    [{ path: '' }, '"path" must be a non-empty route path such as "health" or "ops/health"; got ""'],
    [{ path: '/' }, '"path" must be a non-empty route path such as "health" or "ops/health"; got "/"'],
    [{ path: 'has space' }, '"path" must be a non-empty route path such as "health" or "ops/health"; got "has space"'],
    [{ path: 42 }, '"path" must be a non-empty route path such as "health" or "ops/health"; got number 42'],
    [{ service: 'orders' }, '"service" must be an object; got "orders"'],
    [{ service: { name: '' } }, '"service.name" must be a non-empty string; got ""'],
    [{ service: { version: 1 } }, '"service.version" must be a non-empty string; got number 1'],
    [{ service: { environment: [] } }, '"service.environment" must be a non-empty string; got an array ([])'],
    [{ service: { team: 'x' } }, 'unknown option "service.team"; accepted: name, version, environment'],
    [{ httpStatus: 503 }, '"httpStatus" must be an object; got number 503'],
    [{ httpStatus: { DOWN: 600 } }, '"httpStatus.DOWN" must be an integer from 100 to 599 (HTTP status code); got number 600'],
    [{ httpStatus: { UP: '200' } }, '"httpStatus.UP" must be an integer from 100 to 599 (HTTP status code); got "200"'],
    [{ httpStatus: { FAIL: 500 } }, 'unknown option "httpStatus.FAIL"; accepted: UP, DEGRADED, DOWN, STARTING, SHUTTING_DOWN'],
    [{ details: true }, '"details" must be one of "never", "when-authorized", "always"; got boolean true'],
    [{ apiKey: '' }, '"apiKey" must be a non-empty string or a non-empty array of non-empty strings; got ""'],
    [{ apiKey: [] }, '"apiKey" must be a non-empty string or a non-empty array of non-empty strings; got an array ([])'],
    [{ apiKey: ['ok', ''] }, '"apiKey" must be a non-empty string or a non-empty array of non-empty strings; got an array (["ok",""])'],
    [{ authorize: true }, '"authorize" must be a function; got boolean true'],
    [{ shutdown: { drainDelayMs: -1 } }, '"shutdown.drainDelayMs" must be an integer from 0 to 2147483647 (milliseconds); got number -1'],
    [{ shutdown: { signals: ['TERM'] } }, '"shutdown.signals[0]" must be a signal name such as "SIGTERM"; got "TERM"'],
    [{ shutdown: { signals: [] } }, '"shutdown.signals" must be a non-empty array; got an array ([])'],
    [{ shutdown: { signals: ['SIGTERM', 'SIGTERM'] } }, '"shutdown.signals" must not repeat a value; got an array (["SIGTERM","SIGTERM"])'],
    [{ shutdown: { timeoutMs: 0 } }, '"shutdown.timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number 0'],
    [
      { shutdown: { timeoutMs: 4000 } },
      '"shutdown.timeoutMs" must be greater than "shutdown.drainDelayMs" (5000 ms), or every shutdown would time out; got 4000',
    ],
    [
      { shutdown: { drainDelayMs: 3000, timeoutMs: 3000 } },
      '"shutdown.timeoutMs" must be greater than "shutdown.drainDelayMs" (3000 ms), or every shutdown would time out; got 3000',
    ],
    [{ isGlobal: 'yes' }, '"isGlobal" must be true or false; got "yes"'],
  ])('rejects %p', (options, expected) => {
    expect(problemsOf(options)).toEqual([expected]);
  });

  it('names an unknown key and lists every accepted one', () => {
    const [problem] = problemsOf({ timeout: 1000 });
    expect(problem).toMatch(/^unknown option "timeout"; accepted: /);
    const accepted = problem.replace(/^.*accepted: /, '').split(', ');
    expect(accepted).toEqual(
      expect.arrayContaining([
        'timeoutMs',
        'cacheTtlMs',
        'refreshIntervalMs',
        'failureThreshold',
        'successThreshold',
        'slowCheckMs',
        'path',
        'service',
        'httpStatus',
        'details',
        'apiKey',
        'authorize',
        'shutdown',
        'metrics',
        'isGlobal',
      ]),
    );
  });

  it.each([
    ['a string', 'health'],
    ['an array', [{ path: 'health' }]],
    ['a number', 3],
  ])('rejects options that are %s, naming them as the HealthModule options', (_label, options) => {
    const problems = problemsOf(options);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^HealthModule options must be an object/);
  });

  it('never repeats a credential given in a malformed URL', () => {
    const problems = problemsOf({ redis: { url: 'redis//:hunter2@cache' } });
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
