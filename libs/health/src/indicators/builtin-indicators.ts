/*
 * The built-in indicators, one kind per option (`database`, `redis`, `http`, `disk`, ...).
 *
 * Each kind is a factory provider: Nest creates its value from the resolved options (so
 * `forRootAsync` works) and calls the lifecycle hooks of that value (`onModuleInit`,
 * `onApplicationBootstrap`, `onApplicationShutdown`). The explorer then asks every kind for the
 * indicators to register.
 *
 * Adding a built-in:
 *   1. `interfaces/indicator-options/<kind>-indicator.options.ts`: its options (extends `HealthIndicatorOptions`),
 *      and the key in `HealthModuleOptions`.
 *   2. `options/health-options.schema.ts`: its rule under `builtinFields` (`tsc` fails until it exists).
 *   3. `indicators/<kind>/<kind>.indicator.ts`: a `@HealthIndicator('<kind>')` class, `check({ signal, indicator })`;
 *      a timeout is the runner's (pass `signal` to the I/O); an optional peer goes through `loadOptionalPeer`;
 *      defaults go in `options/health-options.defaults.ts`. When the client tells of its connection (ioredis
 *      `close`/`end`/`ready`, a broker's disconnect/reconnect, a transport's status stream), keep the context's
 *      `recheck` from the last run and call it from those events: the check re-runs at once (DOWN within
 *      milliseconds of a loss, UP as soon as the connection is back) instead of waiting for the next refresh.
 *   4. Here: one entry in `BUILTIN_KINDS` (`create` returns the instance, or null when off).
 *   5. Export the class and its options type from `index.ts`; README section and CHANGELOG line.
 */
import type { InjectionToken, Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../errors/health-options.error.js';
import type { HealthIndicatorCheck, HealthIndicatorMetadata, HealthIndicatorOptions } from '../interfaces/health-indicator.interface.js';
import type { DatabaseIndicatorOptions } from '../interfaces/indicator-options/database-indicator.options.js';
import type { DiskIndicatorOptions } from '../interfaces/indicator-options/disk-indicator.options.js';
import type { EventLoopIndicatorOptions } from '../interfaces/indicator-options/event-loop-indicator.options.js';
import type { MemoryIndicatorOptions } from '../interfaces/indicator-options/memory-indicator.options.js';
import type { MicroservicesIndicatorOptions } from '../interfaces/indicator-options/microservices-indicator.options.js';
import type { RedisIndicatorOptions } from '../interfaces/indicator-options/redis-indicator.options.js';
import type { RabbitMqIndicatorOptions } from '../interfaces/indicator-options/rabbitmq-indicator.options.js';
import type { NatsIndicatorOptions } from '../interfaces/indicator-options/nats-indicator.options.js';
import type { MqttIndicatorOptions } from '../interfaces/indicator-options/mqtt-indicator.options.js';
import { BUILTIN_DEFAULTS } from '../options/health-options.defaults.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import { databaseCheckName, findDataSources, type NamedDataSource } from './database/data-source-finder.js';
import { DatabaseHealthIndicator } from './database/database.indicator.js';
import { SequelizeDatabaseHealthIndicator } from './database/sequelize.indicator.js';
import { findSequelizeInstances, type NamedSequelize } from './database/sequelize-finder.js';
import { OptionalPeerError } from '../errors/optional-peer.error.js';
import { DiskHealthIndicator } from './disk/disk.indicator.js';
import { EventLoopHealthIndicator } from './event-loop/event-loop.indicator.js';
import { HttpHealthIndicator } from './http/http.indicator.js';
import { MemoryHealthIndicator } from './memory/memory.indicator.js';
import { RemoteHealthIndicator } from './remote/remote.indicator.js';
import { findTransports } from './microservices/transport-finder.js';
import { drizzleChecks } from './drizzle/drizzle.builtin.js';
import { mikroOrmChecks, mikroOrmNodeProblem } from './mikro-orm/mikro-orm.builtin.js';
import { mongooseChecks } from './mongoose/mongoose.builtin.js';
import type { OrmCheck } from './orm-objects.js';
import { prismaChecks } from './prisma/prisma.builtin.js';
import { TransportStatusHealthIndicator } from './microservices/transport-status.indicator.js';
import { RedisHealthIndicator, type RedisHealthClient } from './redis/redis.indicator.js';
import { RabbitMqHealthIndicator } from './rabbitmq/rabbitmq.indicator.js';
import { NatsHealthIndicator } from './nats/nats.indicator.js';
import { MqttHealthIndicator } from './mqtt/mqtt.indicator.js';
import { TlsHealthIndicator } from './tls/tls.indicator.js';
import { BullmqHealthIndicator } from './bullmq/bullmq.indicator.js';
import { findBullmqQueues, queueCheckName } from './bullmq/bullmq-queue-finder.js';
import type { BullmqIndicatorOptions } from '../interfaces/indicator-options/bullmq-indicator.options.js';

/** A built-in indicator switched on from the module options, ready to register. */
export interface BuiltinIndicator {
  instance: HealthIndicatorCheck;
  metadata: HealthIndicatorMetadata;
  /** e.g. `HealthModule.forRoot({ redis })`, for error messages. */
  source: string;
}

/**
 * One kind of built-in. `create` runs in its factory provider, so Nest owns the value and its
 * lifecycle hooks; `register` runs at module init, when every provider of the app exists (a
 * DataSource or a client provider to look up).
 */
interface BuiltinKind<T> {
  token: symbol;
  create(options: ResolvedHealthOptions): T | null;
  register(value: T, options: ResolvedHealthOptions, moduleRef: ModuleRef): BuiltinIndicator[] | Promise<BuiltinIndicator[]>;
}

/** The settings of an options section that go to the registry (the rest configures the indicator). */
const REGISTRY_SETTINGS = [
  'probes',
  'critical',
  'tags',
  'timeoutMs',
  'cacheTtlMs',
  'refreshIntervalMs',
  'failureThreshold',
  'successThreshold',
  'slowCheckMs',
] as const;

function entry(instance: HealthIndicatorCheck, name: string, section: HealthIndicatorOptions, source: string): BuiltinIndicator {
  const metadata: HealthIndicatorMetadata = { name };
  for (const key of REGISTRY_SETTINGS) {
    if (section[key] !== undefined) Object.assign(metadata, { [key]: section[key] });
  }
  return { instance, metadata, source };
}

/** `true` switches a built-in on with its defaults; `false`/absent leaves it off. */
function sectionOf<T extends HealthIndicatorOptions>(value: boolean | T | undefined): T | undefined {
  if (value === true) return {} as T;
  return value === false || value === undefined ? undefined : value;
}

/** A kind with one indicator under a fixed name, configured by its whole section. */
function singleKind<S extends HealthIndicatorOptions, T extends HealthIndicatorCheck>(
  option: Extract<keyof ResolvedHealthOptions, string>,
  name: string,
  create: (section: S) => T,
): BuiltinKind<T> {
  const sectionIn = (options: ResolvedHealthOptions) => sectionOf(options[option] as boolean | S | undefined);
  return {
    token: Symbol(`nest-vitals:builtin:${option}`),
    create: (options) => {
      const section = sectionIn(options);
      return section ? create(section) : null;
    },
    register: (instance, options) => [entry(instance, name, sectionIn(options)!, `HealthModule.forRoot({ ${option} })`)],
  };
}

/** A kind with one indicator of its own connection, named by the section's `name` or a default. */
function connectionKind<S extends HealthIndicatorOptions & { name?: string }, T extends HealthIndicatorCheck>(
  option: Extract<keyof ResolvedHealthOptions, string>,
  defaultName: string,
  create: (section: S) => T,
): BuiltinKind<T> {
  const sectionIn = (options: ResolvedHealthOptions) => options[option] as S | undefined;
  return {
    token: Symbol(`nest-vitals:builtin:${option}`),
    create: (options) => {
      const section = sectionIn(options);
      return section ? create(section) : null;
    },
    register: (instance, options) => {
      const section = sectionIn(options)!;
      return [entry(instance, section.name ?? defaultName, section, `HealthModule.forRoot({ ${option} })`)];
    },
  };
}

const database: BuiltinKind<DatabaseIndicatorOptions> = {
  token: Symbol('nest-vitals:builtin:database'),
  // The DataSources are the app's providers: found at module init, when they exist.
  create: (options) => sectionOf(options.database) ?? null,
  register: async (section, _options, moduleRef) => {
    const { dataSources, sequelizes } = await selectDatabases(section, moduleRef);
    const typeormNames = new Set(dataSources.map(({ name }) => name));
    return [
      ...dataSources.map(({ name, dataSource }) =>
        entry(
          new DatabaseHealthIndicator({ dataSource, dataSourceName: name, migrations: section.migrations }),
          databaseCheckName(name),
          section,
          `HealthModule.forRoot({ database }) for DataSource "${name}"`,
        ),
      ),
      // A Sequelize connection named like a TypeORM DataSource gets a check name of its own.
      ...sequelizes.map(({ name, sequelize }) =>
        entry(
          new SequelizeDatabaseHealthIndicator({ sequelize, connectionName: name, moduleRef }),
          typeormNames.has(name) ? databaseCheckName(`sequelize-${name}`) : databaseCheckName(name),
          section,
          `HealthModule.forRoot({ database }) for Sequelize "${name}"`,
        ),
      ),
    ];
  },
};

const redis: BuiltinKind<RedisHealthIndicator | RedisIndicatorOptions> = {
  token: Symbol('nest-vitals:builtin:redis'),
  // A `url` client is the indicator's own (opened at bootstrap, closed at shutdown); a `client` is the app's provider, looked up at module init.
  create: ({ redis: section }) => {
    if (!section) return null;
    return section.url === undefined ? section : new RedisHealthIndicator({ url: section.url, maxUsedMemoryMb: section.maxUsedMemoryMb });
  },
  register: (value, { redis: section }, moduleRef) => {
    const instance =
      value instanceof RedisHealthIndicator
        ? value
        : new RedisHealthIndicator({ client: resolveRedisClient(section!.client!, moduleRef), maxUsedMemoryMb: section!.maxUsedMemoryMb });
    return [entry(instance, section!.name ?? BUILTIN_DEFAULTS.redisCheckName, section!, 'HealthModule.forRoot({ redis })')];
  },
};

const http: BuiltinKind<BuiltinIndicator[]> = {
  token: Symbol('nest-vitals:builtin:http'),
  create: (options) =>
    options.http
      ? Object.entries(options.http).map(([name, section]) =>
          entry(new HttpHealthIndicator(section), name, section, `HealthModule.forRoot({ http: { ${name} } })`),
        )
      : null,
  register: (entries) => entries,
};

const remote: BuiltinKind<BuiltinIndicator[]> = {
  token: Symbol('nest-vitals:builtin:remote'),
  create: (options) =>
    options.remote
      ? Object.entries(options.remote).map(([name, section]) =>
          entry(
            new RemoteHealthIndicator(section),
            name,
            { ...section, critical: section.critical ?? BUILTIN_DEFAULTS.remoteCritical },
            `HealthModule.forRoot({ remote: { ${name} } })`,
          ),
        )
      : null,
  register: (entries) => entries,
};

const tls: BuiltinKind<BuiltinIndicator[]> = {
  token: Symbol('nest-vitals:builtin:tls'),
  create: (options) =>
    options.tls
      ? Object.entries(options.tls).map(([name, section]) =>
          entry(new TlsHealthIndicator(section), name, section, `HealthModule.forRoot({ tls: { ${name} } })`),
        )
      : null,
  register: (entries) => entries,
};

/** The `microservices` checks of one app: created at module init, unsubscribed at shutdown. */
class MicroserviceWatches {
  readonly indicators: TransportStatusHealthIndicator[] = [];
  constructor(readonly section: MicroservicesIndicatorOptions) {}
  onApplicationShutdown(): void {
    for (const indicator of this.indicators) indicator.onApplicationShutdown();
  }
}

const microservices: BuiltinKind<MicroserviceWatches> = {
  token: Symbol('nest-vitals:builtin:microservices'),
  create: (options) => {
    const section = sectionOf(options.microservices);
    return section ? new MicroserviceWatches(section) : null;
  },
  // The servers and clients exist once the app is created (servers are registered as RPC targets by Nest).
  register: (watches, _options, moduleRef) => {
    const { section } = watches;
    const found = findTransports(moduleRef, { servers: section.servers ?? true, clients: section.clients ?? true });
    if (found.length === 0) {
      throw new HealthOptionsError([
        `"microservices" is switched on, but the app has no transport server (createMicroservice, or connectMicroservice before init) with a status stream${section.clients === false ? '' : ' and no ClientProxy provider (ClientsModule)'}; gRPC clients report no status and are not checked`,
      ]);
    }
    return found.map(({ name, transport, role, source }) => {
      const indicator = new TransportStatusHealthIndicator({ source, transport, role });
      watches.indicators.push(indicator);
      // The check only reads a state the status stream keeps current: a cached result would only delay a change.
      return entry(
        indicator,
        name,
        { ...section, cacheTtlMs: section.cacheTtlMs ?? 0 },
        `HealthModule.forRoot({ microservices }) for the ${transport} ${role} "${name}"`,
      );
    });
  },
};

const bullmq: BuiltinKind<BullmqIndicatorOptions> = {
  token: Symbol('nest-vitals:builtin:bullmq'),
  // The queues are the app's providers: found at module init, when they exist.
  create: (options) => sectionOf(options.bullmq) ?? null,
  register: async (section, _options, moduleRef) => {
    const { queues, workersOf } = await findBullmqQueues(moduleRef);
    const known = queues.map((queue) => queue.name);
    if (queues.length === 0) {
      throw new HealthOptionsError([
        '"bullmq" is switched on, but the app registers no bullmq Queue; register one with BullModule.registerQueue({ name }) or provide a Queue',
      ]);
    }
    const problems = (section.queues ?? []).flatMap((name, index) =>
      known.includes(name)
        ? []
        : [`"bullmq.queues[${index}]" is ${JSON.stringify(name)}, but the app registers no queue of that name; registered: ${known.join(', ')}`],
    );
    if (problems.length > 0) throw new HealthOptionsError(problems);
    return queues
      .filter((queue) => !section.queues || section.queues.includes(queue.name))
      .map((queue) =>
        entry(
          new BullmqHealthIndicator({
            queue,
            workers: () => workersOf(queue.name),
            waiting: section.waiting,
            failed: section.failed,
            stalled: section.stalled,
          }),
          queueCheckName(queue.name),
          section,
          `HealthModule.forRoot({ bullmq }) for queue "${queue.name}"`,
        ),
      );
  },
};

/** An ORM built-in: the app's own objects, found or resolved at module init (`orm-objects.ts`). */
function ormKind<S extends HealthIndicatorOptions>(
  option: 'drizzle' | 'prisma' | 'mikroOrm' | 'mongoose',
  checks: (section: S, moduleRef: ModuleRef) => OrmCheck[] | Promise<OrmCheck[]>,
  refuse?: () => string | undefined,
): BuiltinKind<S> {
  return {
    token: Symbol(`nest-vitals:builtin:${option}`),
    create: (options) => {
      const section = sectionOf(options[option] as boolean | S | undefined);
      if (!section) return null;
      const problem = refuse?.();
      if (problem) throw new HealthOptionsError([problem]);
      return section;
    },
    register: async (section, _options, moduleRef) =>
      (await checks(section, moduleRef)).map(({ instance, name, source }) => entry(instance, name, section, source)),
  };
}

/** A kind with its value type erased, so that kinds of different values fit in one list. */
function erased<T>(kind: BuiltinKind<T>): BuiltinKind<unknown> {
  return {
    token: kind.token,
    create: (options) => kind.create(options),
    register: (value, options, moduleRef) => kind.register(value as T, options, moduleRef),
  };
}

/** Every built-in kind, in the order their checks are reported. */
const BUILTIN_KINDS: BuiltinKind<unknown>[] = [
  erased(database),
  erased(ormKind('drizzle', drizzleChecks)),
  erased(ormKind('prisma', prismaChecks)),
  erased(ormKind('mikroOrm', mikroOrmChecks, () => mikroOrmNodeProblem())),
  erased(ormKind('mongoose', mongooseChecks)),
  erased(redis),
  erased(http),
  erased(remote),
  erased(singleKind('disk', 'disk', (section: DiskIndicatorOptions) => new DiskHealthIndicator(section))),
  erased(singleKind('memory', 'memory', (section: MemoryIndicatorOptions) => new MemoryHealthIndicator(section))),
  erased(singleKind('eventLoop', 'event-loop', (section: EventLoopIndicatorOptions) => new EventLoopHealthIndicator(section))),
  erased(microservices),
  erased(
    connectionKind('rabbitmq', BUILTIN_DEFAULTS.rabbitmqCheckName, (section: RabbitMqIndicatorOptions) => new RabbitMqHealthIndicator({ url: section.url })),
  ),
  erased(
    connectionKind(
      'nats',
      BUILTIN_DEFAULTS.natsCheckName,
      (section: NatsIndicatorOptions) => new NatsHealthIndicator({ url: section.url, jetstream: section.jetstream }),
    ),
  ),
  erased(connectionKind('mqtt', BUILTIN_DEFAULTS.mqttCheckName, (section: MqttIndicatorOptions) => new MqttHealthIndicator({ url: section.url }))),
  erased(tls),
  erased(bullmq),
];

/** Whether a provider token is a built-in kind's: the explorer registers those from the options, not as `@HealthIndicator` providers. */
export const isBuiltinIndicatorToken = (token: unknown): boolean => BUILTIN_KINDS.some((kind) => kind.token === token);

/** The factory providers of every kind; each holds its indicator (Nest calls its lifecycle hooks), or null when off. */
export const builtinIndicatorProviders: Provider[] = BUILTIN_KINDS.map((kind) => ({
  provide: kind.token,
  useFactory: (options: ResolvedHealthOptions) => kind.create(options),
  inject: [RESOLVED_HEALTH_OPTIONS],
}));

/**
 * The built-ins the options switch on, read from their providers. Problems only the running app
 * can reveal (an unknown DataSource name, a missing client provider or package) throw
 * `HealthOptionsError` naming the option.
 */
export async function builtinIndicators(options: ResolvedHealthOptions, moduleRef: ModuleRef): Promise<BuiltinIndicator[]> {
  const found: BuiltinIndicator[] = [];
  for (const kind of BUILTIN_KINDS) {
    const value: unknown = moduleRef.get(kind.token);
    if (value !== null) found.push(...(await kind.register(value, options, moduleRef)));
  }
  return found;
}

/** The TypeORM DataSources and Sequelize instances `database` checks: every registered one, or those named in `dataSources`. */
async function selectDatabases(
  section: DatabaseIndicatorOptions,
  moduleRef: ModuleRef,
): Promise<{ dataSources: NamedDataSource[]; sequelizes: NamedSequelize[] }> {
  const sequelizes = await findSequelizeInstances(moduleRef);
  let dataSources: NamedDataSource[];
  try {
    dataSources = await findDataSources(moduleRef);
  } catch (error) {
    // typeorm is needed only when the app has no Sequelize instance to check instead.
    if (!(error instanceof OptionalPeerError && error.problem === 'missing' && sequelizes.length > 0)) throw error;
    dataSources = [];
  }
  if (dataSources.length === 0 && sequelizes.length === 0) {
    throw new HealthOptionsError([
      '"database" is switched on, but the app registers no TypeORM DataSource nor Sequelize instance; import TypeOrmModule.forRoot(...) or SequelizeModule.forRoot(...), or provide a DataSource',
    ]);
  }
  if (!section.dataSources) return { dataSources, sequelizes };
  const known = [...new Set([...dataSources, ...sequelizes].map(({ name }) => name))];
  const problems = section.dataSources.flatMap((name, index) =>
    known.includes(name)
      ? []
      : [`"database.dataSources[${index}]" is ${JSON.stringify(name)}, but no DataSource has that name; registered: ${known.join(', ')}`],
  );
  if (problems.length > 0) throw new HealthOptionsError(problems);
  const wanted = (name: string) => section.dataSources!.includes(name);
  return { dataSources: dataSources.filter(({ name }) => wanted(name)), sequelizes: sequelizes.filter(({ name }) => wanted(name)) };
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
