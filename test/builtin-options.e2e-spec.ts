import { describe, expect, it } from '@jest/globals';
import type { ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, HealthOptionsError, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError } from './support/http-app.js';

/** Boots an app that must fail, and returns its error message. */
async function failure(options: HealthModuleOptions, metadata: ModuleMetadata = {}): Promise<Error> {
  return bootstrapError({ ...metadata, imports: [...(metadata.imports ?? []), HealthModule.forRoot(options)] });
}

const sqlite = (name?: string) => TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', name, retryAttempts: 0 });

describe('bad built-in options stop startup, naming the option and what is accepted', () => {
  it.each<[string, Record<string, unknown>, string]>([
    // thresholds outside 0-100, warn above down
    ['disk percent above 100', { disk: { warnPercent: 120 } }, '"disk.warnPercent" must be a number from 0 to 100 (percent); got number 120'],
    ['disk percent below 0', { disk: { downPercent: -1 } }, '"disk.downPercent" must be a number from 0 to 100 (percent); got number -1'],
    ['disk warn above down', { disk: { warnPercent: 95, downPercent: 90 } }, '"disk.warnPercent" (95) must not be above "disk.downPercent" (90)'],
    ['disk minFreeMb negative', { disk: { minFreeMb: -5 } }, '"disk.minFreeMb" must be a number from 0 to any (MB); got number -5'],
    ['disk path empty', { disk: { path: '' } }, '"disk.path" must be a non-empty string; got ""'],
    [
      'memory warn above down',
      { memory: { heapUsedMb: { warn: 600, down: 500 } } },
      '"memory.heapUsedMb.warn" (600) must not be above "memory.heapUsedMb.down" (500)',
    ],
    ['memory threshold not a number', { memory: { rssMb: { down: '1G' } } }, '"memory.rssMb.down" must be a number from 0 to any (MB); got "1G"'],
    [
      'memory unknown threshold',
      { memory: { heap: { warn: 1 } } },
      'unknown option "memory.heap"; accepted: timeoutMs, cacheTtlMs, refreshIntervalMs, failureThreshold, successThreshold, slowCheckMs, probes, critical, tags, heapUsedMb, rssMb',
    ],
    ['event loop warn above down', { eventLoop: { warnMs: 500, downMs: 100 } }, '"eventLoop.warnMs" (500) must not be above "eventLoop.downMs" (100)'],
    [
      'event loop window too short',
      { eventLoop: { windowMs: 50 } },
      '"eventLoop.windowMs" must be an integer from 100 to 600000 (milliseconds); got number 50',
    ],
    // URLs
    ['redis URL malformed', { redis: { url: 'redis://:pw@[not a host' } }, '"redis.url" must be a URL with protocol redis or rediss; got a malformed URL'],
    [
      'redis URL of another protocol',
      { redis: { url: 'http://127.0.0.1:6379' } },
      '"redis.url" must be a URL with protocol redis or rediss; got protocol "http"',
    ],
    ['redis without url or client', { redis: { name: 'cache' } }, '"redis" needs exactly one of "url" or "client"'],
    ['redis with url and client', { redis: { url: 'redis://127.0.0.1:6379', client: 'REDIS' } }, '"redis" needs exactly one of "url" or "client"'],
    [
      'redis maxUsedMemoryMb negative',
      { redis: { url: 'redis://127.0.0.1:6379', maxUsedMemoryMb: -1 } },
      '"redis.maxUsedMemoryMb" must be a number from 0 to any (MB); got number -1',
    ],
    ['http URL malformed', { http: { payments: { url: 'not a url' } } }, '"http.payments.url" must be a URL with protocol http or https; got a malformed URL'],
    [
      'http URL of another protocol',
      { http: { payments: { url: 'ftp://files.example' } } },
      '"http.payments.url" must be a URL with protocol http or https; got protocol "ftp"',
    ],
    ['http without url', { http: { payments: { method: 'GET' } } }, '"http.payments.url" is required'],
    ['http method', { http: { payments: { url: 'http://127.0.0.1', method: 'POST' } } }, '"http.payments.method" must be one of "GET", "HEAD"; got "POST"'],
    [
      'http status out of range',
      { http: { payments: { url: 'http://127.0.0.1', expectedStatus: 700 } } },
      '"http.payments.expectedStatus" must be a status code (100-599), a list of codes, or a range like "200-399"; got number 700',
    ],
    [
      'http status range reversed',
      { http: { payments: { url: 'http://127.0.0.1', expectedStatus: '399-200' } } },
      '"http.payments.expectedStatus" must be a range from low to high such as "200-399"; got "399-200"',
    ],
    ['http check name', { http: { 'Payments API': { url: 'http://127.0.0.1' } } }, '"http key" must be a check name matching [a-z0-9][a-z0-9-_.]*'],
    ['http header value', { http: { payments: { url: 'http://127.0.0.1', headers: { 'x-key': 42 } } } }, '"http.payments.headers.x-key" must be a string'],
    ['database migrations', { database: { migrations: 'fail' } }, '"database.migrations" must be one of "down", "degraded"; got "fail"'],
    ['database dataSources empty', { database: { dataSources: [] } }, '"database.dataSources" must be a non-empty array; got an array ([])'],
  ])('%s', async (_label, options, expected) => {
    const error = await failure(options);
    expect(error).toBeInstanceOf(HealthOptionsError);
    expect(error.message).toContain(expected);
  });

  it('a malformed URL is never repeated in the error (it may hold a password)', async () => {
    const error = await failure({ redis: { url: 'redis://user:Sup3rSecret@[::1' } });
    expect(error.message).not.toContain('Sup3rSecret');
  });

  it('an unknown DataSource name, listing the registered ones', async () => {
    const error = await failure({ database: { dataSources: ['default', 'reporting'] } }, { imports: [sqlite(), sqlite('orders')] });
    expect(error).toBeInstanceOf(HealthOptionsError);
    expect(error.message).toContain('"database.dataSources[1]" is "reporting", but no DataSource has that name; registered: default, orders');
  });

  it('`database` switched on in an app without any DataSource', async () => {
    const error = await failure({ database: true });
    expect(error).toBeInstanceOf(HealthOptionsError);
    expect(error.message).toContain('"database" is switched on, but the app registers no TypeORM DataSource');
  });

  it('a redis client token nobody provides, or one that is not an ioredis client', async () => {
    const missing = await failure({ redis: { client: 'CACHE_REDIS' } });
    expect(missing).toBeInstanceOf(HealthOptionsError);
    expect(missing.message).toContain('"redis.client": no provider is registered under CACHE_REDIS');

    const wrong = await failure({ redis: { client: 'CACHE_REDIS' } }, { providers: [{ provide: 'CACHE_REDIS', useValue: { get: () => null } }] });
    expect(wrong.message).toContain('"redis.client": the provider CACHE_REDIS is not an ioredis Redis or Cluster client');
  });

  it('two built-ins with the same check name as a user indicator', async () => {
    const error = await failure({ http: { disk: { url: 'http://127.0.0.1:17049' } }, disk: true });
    expect(error.message).toContain('two health indicators are named "disk"');
  });
});
