import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorCheck, HealthIndicatorMetadata, HealthIndicatorOptions } from '../interfaces/health-indicator.interface.js';
import { HealthOptionsError } from '../errors/health-options.error.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { BuiltinIndicatorLifecycle } from './builtin-indicator.lifecycle.js';
import { databaseCheckName, findDataSources, type NamedDataSource } from './database/data-source-finder.js';
import type { DatabaseIndicatorOptions } from '../interfaces/indicator-options/database-indicator.options.js';
import { DatabaseHealthIndicator } from './database/database.indicator.js';
import { DiskHealthIndicator } from './disk/disk.indicator.js';
import { EventLoopHealthIndicator } from './event-loop/event-loop.indicator.js';
import { HttpHealthIndicator } from './http/http.indicator.js';
import { MemoryHealthIndicator } from './memory/memory.indicator.js';
import type { RedisIndicatorOptions } from '../interfaces/indicator-options/redis-indicator.options.js';
import { RedisHealthIndicator, type RedisHealthClient } from './redis/redis.indicator.js';

/** A built-in indicator switched on from the module options, ready to register. */
export interface BuiltinIndicator {
  instance: HealthIndicatorCheck;
  metadata: HealthIndicatorMetadata;
  /** e.g. `HealthModule.forRoot({ redis })`, for error messages. */
  source: string;
}

/** The settings of an options section that go to the registry (the rest configures the indicator). */
const REGISTRY_SETTINGS = ['probes', 'critical', 'timeoutMs', 'cacheTtlMs', 'refreshIntervalMs', 'failureThreshold', 'successThreshold'] as const;

function metadataFor(name: string, section: HealthIndicatorOptions): HealthIndicatorMetadata {
  const metadata: HealthIndicatorMetadata = { name };
  for (const key of REGISTRY_SETTINGS) {
    if (section[key] !== undefined) Object.assign(metadata, { [key]: section[key] });
  }
  return metadata;
}

/** `true` switches a built-in on with its defaults; `false`/absent leaves it off. */
function sectionOf<T extends HealthIndicatorOptions>(value: boolean | T | undefined): T | undefined {
  if (value === true) return {} as T;
  return value === false || value === undefined ? undefined : value;
}

/**
 * Creates the built-in indicators the options switch on. Each is a `@HealthIndicator` class; its
 * optional peer (typeorm, ioredis) is imported only here, only when switched on. Problems only
 * the running app can reveal (an unknown DataSource name, a missing client provider or package)
 * throw `HealthOptionsError` naming the option.
 */
export async function createBuiltinIndicators(options: ResolvedHealthOptions, moduleRef: ModuleRef): Promise<BuiltinIndicator[]> {
  const health = moduleRef.get(HealthIndicatorService, { strict: false });
  const lifecycle = moduleRef.get(BuiltinIndicatorLifecycle, { strict: false });
  const builtins: BuiltinIndicator[] = [];
  const add = (instance: HealthIndicatorCheck, name: string, section: HealthIndicatorOptions, source: string): void => {
    builtins.push({ instance, metadata: metadataFor(name, section), source });
    lifecycle.track(instance);
  };
  const timeoutOf = (section: HealthIndicatorOptions): number => section.timeoutMs ?? options.timeoutMs;

  const database = sectionOf(options.database);
  if (database) {
    for (const { name, dataSource } of await selectDataSources(database, moduleRef)) {
      const checkName = databaseCheckName(name);
      const indicator = withPeerCheck(
        'database',
        () =>
          new DatabaseHealthIndicator(health, {
            dataSource,
            dataSourceName: name,
            name: checkName,
            migrations: database.migrations,
            timeoutMs: timeoutOf(database),
          }),
      );
      add(indicator, checkName, database, `HealthModule.forRoot({ database }) for DataSource "${name}"`);
    }
  }

  if (options.redis) {
    const redis = options.redis;
    const name = redis.name ?? 'redis';
    const client = redis.client === undefined ? undefined : resolveRedisClient(redis.client, moduleRef);
    const indicator = new RedisHealthIndicator(health, { name, url: redis.url, client, maxUsedMemoryMb: redis.maxUsedMemoryMb, timeoutMs: timeoutOf(redis) });
    try {
      await indicator.onModuleInit();
    } catch (error) {
      throw new HealthOptionsError([`"redis.url": ${(error as Error).message}`]);
    }
    add(indicator, name, redis, 'HealthModule.forRoot({ redis })');
  }

  for (const [name, section] of Object.entries(options.http ?? {})) {
    add(new HttpHealthIndicator(health, { ...section, name, timeoutMs: timeoutOf(section) }), name, section, `HealthModule.forRoot({ http: { ${name} } })`);
  }

  const disk = sectionOf(options.disk);
  if (disk) add(new DiskHealthIndicator(health, { ...disk, name: 'disk' }), 'disk', disk, 'HealthModule.forRoot({ disk })');

  const memory = sectionOf(options.memory);
  if (memory) add(new MemoryHealthIndicator(health, { ...memory, name: 'memory' }), 'memory', memory, 'HealthModule.forRoot({ memory })');

  const eventLoop = sectionOf(options.eventLoop);
  if (eventLoop)
    add(new EventLoopHealthIndicator(health, { ...eventLoop, name: 'event-loop' }), 'event-loop', eventLoop, 'HealthModule.forRoot({ eventLoop })');

  return builtins;
}

/** The DataSources `database` checks: every registered one, or those named in `dataSources`. */
async function selectDataSources(section: DatabaseIndicatorOptions, moduleRef: ModuleRef): Promise<NamedDataSource[]> {
  const registered = await withPeerCheckAsync('database', () => findDataSources(moduleRef));
  if (registered.length === 0) {
    throw new HealthOptionsError([
      '"database" is switched on, but the app registers no TypeORM DataSource; import TypeOrmModule.forRoot(...) or provide a DataSource',
    ]);
  }
  if (!section.dataSources) return registered;
  const known = registered.map(({ name }) => name);
  const problems = section.dataSources.flatMap((name, index) =>
    known.includes(name)
      ? []
      : [`"database.dataSources[${index}]" is ${JSON.stringify(name)}, but no DataSource has that name; registered: ${known.join(', ')}`],
  );
  if (problems.length > 0) throw new HealthOptionsError(problems);
  return section.dataSources.map((name) => registered.find((candidate) => candidate.name === name)!);
}

function missingPeer(option: string, error: unknown): HealthOptionsError {
  return new HealthOptionsError([
    `"${option}" needs the "typeorm" and "@nestjs/typeorm" packages (npm install typeorm @nestjs/typeorm): ${(error as Error).message}`,
  ]);
}

function withPeerCheck<T>(option: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    throw missingPeer(option, error);
  }
}

async function withPeerCheckAsync<T>(option: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof HealthOptionsError) throw error;
    throw missingPeer(option, error);
  }
}

/** The ioredis client provided under `redis.client`; a missing provider or another kind of value stops startup. */
function resolveRedisClient(token: NonNullable<RedisIndicatorOptions['client']>, moduleRef: ModuleRef): RedisHealthClient {
  const described = typeof token === 'function' ? token.name : String(token);
  let client: unknown;
  try {
    client = moduleRef.get(token as InjectionToken, { strict: false });
  } catch {
    throw new HealthOptionsError([
      `"redis.client": no provider is registered under ${described}; provide your ioredis client (Redis or Cluster) under that token in a module the app imports`,
    ]);
  }
  const candidate = client as Partial<Record<'status' | 'on' | 'ping' | 'nodes', unknown>> | null;
  if (
    !candidate ||
    typeof candidate.status !== 'string' ||
    typeof candidate.on !== 'function' ||
    (typeof candidate.ping !== 'function' && typeof candidate.nodes !== 'function')
  ) {
    throw new HealthOptionsError([`"redis.client": the provider ${described} is not an ioredis Redis or Cluster client`]);
  }
  return client as RedisHealthClient;
}
