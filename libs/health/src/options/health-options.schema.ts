import type { HealthIndicatorOptions, IndicatorExecutionOptions } from '../interfaces/health-indicator.interface.js';
import type {
  HealthGroupOptions,
  HealthModuleExtras,
  HealthModuleOptions,
  HealthProbeServerOptions,
  MetricsOptions,
  ServiceInfoOptions,
  GrpcHealthOptions,
  ShutdownOptions,
  DependsOnModuleOptions,
} from '../interfaces/health-module-options.interface.js';
import type { DatabaseIndicatorOptions } from '../interfaces/indicator-options/database-indicator.options.js';
import type { DiskIndicatorOptions } from '../interfaces/indicator-options/disk-indicator.options.js';
import type { EventLoopIndicatorOptions } from '../interfaces/indicator-options/event-loop-indicator.options.js';
import type { HttpIndicatorOptions } from '../interfaces/indicator-options/http-indicator.options.js';
import type { RemoteIndicatorOptions } from '../interfaces/indicator-options/remote-indicator.options.js';
import type { MemoryIndicatorOptions, MemoryThreshold } from '../interfaces/indicator-options/memory-indicator.options.js';
import type { RedisIndicatorOptions } from '../interfaces/indicator-options/redis-indicator.options.js';
import type { MqttIndicatorOptions } from '../interfaces/indicator-options/mqtt-indicator.options.js';
import type { NatsIndicatorOptions, NatsJetStreamOptions, NatsLagThreshold } from '../interfaces/indicator-options/nats-indicator.options.js';
import type { RabbitMqIndicatorOptions } from '../interfaces/indicator-options/rabbitmq-indicator.options.js';
import type { MicroservicesIndicatorOptions } from '../interfaces/indicator-options/microservices-indicator.options.js';
import type {
  DrizzleIndicatorOptions,
  MikroOrmIndicatorOptions,
  MongooseIndicatorOptions,
  PrismaIndicatorOptions,
} from '../interfaces/indicator-options/orm-indicator.options.js';
import type { TlsIndicatorOptions } from '../interfaces/indicator-options/tls-indicator.options.js';
import type { BullmqIndicatorOptions, QueueCountThreshold } from '../interfaces/indicator-options/bullmq-indicator.options.js';
import { DETAILS_ROUTES, HEALTH_ROUTES, RESERVED_GROUP_NAMES } from '../http/health-routes.js';
import { BUILTIN_DEFAULTS } from './health-options.defaults.js';
import { REDIRECT_POLICIES } from '../interfaces/indicator-options/redirect-policy.js';
import { HEALTH_STATUSES, PROBES } from '../interfaces/health-status.interface.js';
import { HEALTH_DEFAULTS } from './health-options.defaults.js';
import {
  describeValue,
  arrayOf,
  boolean,
  either,
  func,
  integer,
  isPlainObject,
  matching,
  nonEmptyString,
  number,
  oneOf,
  recordOf,
  shape,
  shapeOf,
  type OptionRule,
  type RulesFor,
} from './option-rules.js';

export const CHECK_NAME_PATTERN = /^[a-z0-9][a-z0-9-_.]*$/;
/** A fully-qualified protobuf service name: `package.Service`. */
const GRPC_SERVICE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
/** What a gRPC health service name may answer as: `''`, a probe or a check name, or `group:<name>`. */
const GRPC_HEALTH_TARGET_PATTERN = /^((group:)?[a-z0-9][a-z0-9-_.]*)?$/;
export const CHECK_NAME_ACCEPTED = 'a check name matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';
const MAX_TIMER_MS = 2 ** 31 - 1;

const checkName = matching(CHECK_NAME_PATTERN, CHECK_NAME_ACCEPTED);

/** A tag has the shape of a check name. */
export const TAG_ACCEPTED = 'a tag matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';
/** Prefix of a group selector that picks checks by tag rather than by name. */
export const TAG_SELECTOR_PREFIX = 'tag:';

/** Execution settings shared by the module and every indicator. */
const executionFields: RulesFor<IndicatorExecutionOptions> = {
  timeoutMs: integer(1, MAX_TIMER_MS, 'milliseconds'),
  cacheTtlMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  refreshIntervalMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  failureThreshold: integer(1, 1000, 'consecutive results'),
  successThreshold: integer(1, 1000, 'consecutive results'),
  slowCheckMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
};

/** Settings of one indicator: execution settings plus probes and criticality. */
export const indicatorFields: RulesFor<HealthIndicatorOptions> = {
  ...executionFields,
  // `[]`: a route-scoped check, in no probe; it gates the routes that `@DependsOn()` it.
  probes: arrayOf(oneOf(PROBES), { unique: true }),
  critical: boolean,
  tags: arrayOf(matching(CHECK_NAME_PATTERN, TAG_ACCEPTED), { unique: true }),
};

const percent = number(0, 100, 'percent');
const megabytes = number(0, Number.MAX_SAFE_INTEGER, 'MB');

/** `warn` must not be above `down` when both are set. */
const warnNotAboveDown =
  (warnKey: string, downKey: string) =>
  (value: Record<string, unknown>, path: string): string[] =>
    typeof value[warnKey] === 'number' && typeof value[downKey] === 'number' && value[warnKey] > value[downKey]
      ? [`"${path}.${warnKey}" (${value[warnKey]}) must not be above "${path}.${downKey}" (${value[downKey]})`]
      : [];

const url =
  (protocols: string[]): OptionRule =>
  (value, path) => {
    const accepted = `a URL with protocol ${protocols.join(' or ')}`;
    if (typeof value !== 'string') return [`"${path}" must be ${accepted}; got ${typeof value}`];
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // The value itself may hold a password: never repeat it.
      return [`"${path}" must be ${accepted}; got a malformed URL`];
    }
    return protocols.includes(parsed.protocol.replace(/:$/, '')) ? [] : [`"${path}" must be ${accepted}; got protocol "${parsed.protocol.replace(/:$/, '')}"`];
  };

/** A broker section needs its `url`. */
const requiredUrl = (value: Record<string, unknown>, path: string): string[] => (value.url === undefined ? [`"${path}.url" is required`] : []);

/** `true`, or an options object for a built-in indicator. */
const enabledOr =
  (rule: OptionRule): OptionRule =>
  (value, path) =>
    value === true || value === false ? [] : rule(value, path);

const jobCount = integer(0, Number.MAX_SAFE_INTEGER, 'jobs');
const queueCountThreshold = shapeOf<QueueCountThreshold>()({ warn: jobCount, down: jobCount }, warnNotAboveDown('warn', 'down'));

const memoryThreshold = shapeOf<MemoryThreshold>()({ warn: megabytes, down: megabytes }, warnNotAboveDown('warn', 'down'));

const stringHeaders = recordOf(nonEmptyString, (v, p) => (typeof v === 'string' ? [] : [`"${p}" must be a string`]));

/** An injection token: a string, symbol or class. */
const injectionToken: OptionRule = (value, path) =>
  (typeof value === 'string' && value.length > 0) || typeof value === 'symbol' || typeof value === 'function'
    ? []
    : [`"${path}" must be an injection token (a string, symbol or class); got ${describeValue(value)}`];

/** One injection token, or tokens by name (each name a check name's suffix). */
const tokens: OptionRule = (value, path) =>
  isPlainObject(value)
    ? Object.keys(value).length === 0
      ? [`"${path}" must name at least one token`]
      : recordOf(checkName, injectionToken)(value, path)
    : injectionToken(value, path);

/** The built-in indicators' options: one rule per built-in key of `HealthModuleOptions`. */
const builtinFields: RulesFor<
  Pick<
    HealthModuleOptions,
    | 'database'
    | 'redis'
    | 'http'
    | 'disk'
    | 'memory'
    | 'eventLoop'
    | 'remote'
    | 'microservices'
    | 'rabbitmq'
    | 'nats'
    | 'mqtt'
    | 'tls'
    | 'bullmq'
    | 'drizzle'
    | 'prisma'
    | 'mikroOrm'
    | 'mongoose'
  >
> = {
  drizzle: shapeOf<DrizzleIndicatorOptions>()({ ...indicatorFields, db: tokens }, (value, path) =>
    value.db === undefined ? [`"${path}.db" is required: the injection token of the app's Drizzle database, or tokens by name`] : [],
  ),
  prisma: shapeOf<PrismaIndicatorOptions>()({ ...indicatorFields, client: tokens }, (value, path) =>
    value.client === undefined ? [`"${path}.client" is required: the PrismaClient class or injection token the app provides it under, or several by name`] : [],
  ),
  mikroOrm: enabledOr(shapeOf<MikroOrmIndicatorOptions>()({ ...indicatorFields, contexts: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }) })),
  mongoose: enabledOr(shapeOf<MongooseIndicatorOptions>()({ ...indicatorFields, connections: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }) })),
  database: enabledOr(
    shapeOf<DatabaseIndicatorOptions>()({
      ...indicatorFields,
      dataSources: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }),
      migrations: oneOf(['down', 'degraded']),
    }),
  ),
  redis: shapeOf<RedisIndicatorOptions>()(
    {
      ...indicatorFields,
      name: checkName,
      url: url(['redis', 'rediss']),
      client: either('an injection token (string, symbol or class)', nonEmptyString, func, (v, p) => (typeof v === 'symbol' ? [] : [`"${p}"`])),
      maxUsedMemoryMb: megabytes,
    },
    (value, path) => ((value.url === undefined) === (value.client === undefined) ? [`"${path}" needs exactly one of "url" or "client"`] : []),
  ),
  http: recordOf(
    checkName,
    shapeOf<HttpIndicatorOptions>()(
      {
        ...indicatorFields,
        url: url(['http', 'https']),
        method: oneOf(['GET', 'HEAD']),
        expectedStatus: either(
          'a status code (100-599), a list of codes, or a range like "200-399"',
          integer(100, 599),
          arrayOf(integer(100, 599), { nonEmpty: true }),
          matching(/^\s*[1-5]\d\d(\s*-\s*[1-5]\d\d)?\s*(,\s*[1-5]\d\d(\s*-\s*[1-5]\d\d)?\s*)*$/, 'a range'),
        ),
        headers: recordOf(nonEmptyString, (v, p) => (typeof v === 'string' ? [] : [`"${p}" must be a string`])),
        bodyPredicate: func,
        redirect: oneOf(REDIRECT_POLICIES),
      },
      (value, path) => {
        if (value.url === undefined) return [`"${path}.url" is required`];
        const ranges = typeof value.expectedStatus === 'string' ? value.expectedStatus.split(',').map((item) => item.split('-').map(Number)) : [];
        return ranges.some((range) => range.length === 2 && range[0] > range[1])
          ? [`"${path}.expectedStatus" must be a range from low to high such as "200-399"; got ${JSON.stringify(value.expectedStatus)}`]
          : [];
      },
    ),
  ),
  remote: recordOf(
    checkName,
    shapeOf<RemoteIndicatorOptions>()(
      { ...indicatorFields, url: url(['http', 'https']), apiKey: nonEmptyString, headers: stringHeaders, redirect: oneOf(REDIRECT_POLICIES) },
      (value, path) => (value.url === undefined ? [`"${path}.url" is required`] : []),
    ),
  ),
  disk: enabledOr(
    shapeOf<DiskIndicatorOptions>()(
      { ...indicatorFields, path: nonEmptyString, warnPercent: percent, downPercent: percent, minFreeMb: megabytes },
      warnNotAboveDown('warnPercent', 'downPercent'),
    ),
  ),
  memory: enabledOr(shapeOf<MemoryIndicatorOptions>()({ ...indicatorFields, heapUsedMb: memoryThreshold, rssMb: memoryThreshold })),
  eventLoop: enabledOr(
    shapeOf<EventLoopIndicatorOptions>()(
      {
        ...indicatorFields,
        warnMs: number(0, 60_000, 'milliseconds'),
        downMs: number(0, 60_000, 'milliseconds'),
        windowMs: integer(100, 600_000, 'milliseconds'),
      },
      warnNotAboveDown('warnMs', 'downMs'),
    ),
  ),
  microservices: enabledOr(
    shapeOf<MicroservicesIndicatorOptions>()({ ...indicatorFields, servers: boolean, clients: boolean }, (value, path) =>
      value.servers === false && value.clients === false
        ? [`"${path}" checks nothing with both "servers" and "clients" false; set one to true or remove "${path}"`]
        : [],
    ),
  ),
  rabbitmq: shapeOf<RabbitMqIndicatorOptions>()({ ...indicatorFields, name: checkName, url: url(['amqp', 'amqps']) }, requiredUrl),
  nats: shapeOf<NatsIndicatorOptions>()(
    {
      ...indicatorFields,
      name: checkName,
      url: url(['nats', 'tls']),
      jetstream: shapeOf<NatsJetStreamOptions>()(
        {
          stream: nonEmptyString,
          consumer: nonEmptyString,
          lag: shapeOf<NatsLagThreshold>()(
            { warn: integer(0, undefined, 'messages'), down: integer(0, undefined, 'messages') },
            warnNotAboveDown('warn', 'down'),
          ),
        },
        (value, path) => (['stream', 'consumer'] as const).flatMap((key) => (value[key] === undefined ? [`"${path}.${key}" is required`] : [])),
      ),
    },
    requiredUrl,
  ),
  mqtt: shapeOf<MqttIndicatorOptions>()({ ...indicatorFields, name: checkName, url: url(['mqtt', 'mqtts', 'ws', 'wss']) }, requiredUrl),
  bullmq: enabledOr(
    shapeOf<BullmqIndicatorOptions>()({
      ...indicatorFields,
      queues: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }),
      waiting: queueCountThreshold,
      failed: queueCountThreshold,
      stalled: queueCountThreshold,
    }),
  ),
  tls: recordOf(
    checkName,
    shapeOf<TlsIndicatorOptions>()(
      {
        ...indicatorFields,
        host: nonEmptyString,
        port: integer(1, 65535, 'TCP port'),
        servername: nonEmptyString,
        warnDays: integer(0, 3650, 'days'),
        downDays: integer(0, 3650, 'days'),
      },
      (value, path) => {
        const problems = [
          ...(value.host === undefined ? [`"${path}.host" is required`] : []),
          ...(value.port === undefined ? [`"${path}.port" is required`] : []),
        ];
        // Either side may be the default.
        const downDays = (value.downDays as number | undefined) ?? BUILTIN_DEFAULTS.tls.downDays;
        const warnDays = (value.warnDays as number | undefined) ?? BUILTIN_DEFAULTS.tls.warnDays;
        if (downDays > warnDays) problems.push(`"${path}.downDays" (${downDays}) must not be above "${path}.warnDays" (${warnDays})`);
        return problems;
      },
    ),
  ),
};

const httpStatusCode = integer(100, 599, 'HTTP status code');
const httpStatusMap = shape(Object.fromEntries(HEALTH_STATUSES.map((status) => [status, httpStatusCode])));

const detailsPolicy = oneOf(['never', 'when-authorized', 'always']);

/** A group selector: a check name or `tag:<tag>`. */
const groupSelector: OptionRule = (value, path) =>
  typeof value === 'string' && value.startsWith(TAG_SELECTOR_PREFIX)
    ? matching(CHECK_NAME_PATTERN, TAG_ACCEPTED)(value.slice(TAG_SELECTOR_PREFIX.length), path)
    : matching(CHECK_NAME_PATTERN, `${CHECK_NAME_ACCEPTED}, or "tag:<tag>"`)(value, path);

/** `groups`: names shaped like check names and not clashing with a route; each a non-empty `include`. */
const groups: OptionRule = (value, path) => {
  const clashes = isPlainObject(value)
    ? Object.keys(value)
        .filter((name) => RESERVED_GROUP_NAMES.includes(name))
        .map(
          (name) =>
            `"${path}.${name}": the group name ${JSON.stringify(name)} clashes with a health route; choose another name (reserved: ${RESERVED_GROUP_NAMES.join(', ')})`,
        )
    : [];
  const group = shapeOf<HealthGroupOptions>()(
    {
      include: arrayOf(groupSelector, { nonEmpty: true, unique: true }),
      exclude: arrayOf(groupSelector, { unique: true }),
      details: detailsPolicy,
      httpStatus: httpStatusMap,
    },
    (entry, entryPath) => (entry.include === undefined ? [`"${entryPath}.include" is required: the check names or "tag:<tag>" selectors of the group`] : []),
  );
  return [...clashes, ...recordOf(matching(CHECK_NAME_PATTERN, `a group name matching [a-z0-9][a-z0-9-_.]*`), group)(value, path)];
};
const routeExposure = shape({ details: detailsPolicy });
/** Routes that never show details: named in `routes`, they are refused with the reason rather than as unknown keys. */
const NEVER_DETAILS_ROUTES = HEALTH_ROUTES.filter((route) => route.details === 'never').map((route) => route.name);

/** Per-route exposure; liveness is refused with the reason rather than as an unknown key. */
const routes: OptionRule = (value, path) => {
  const refused = isPlainObject(value) ? NEVER_DETAILS_ROUTES.find((name) => name in value) : undefined;
  return refused !== undefined
    ? [`"${path}.${refused}" is not accepted: liveness never shows details; "${path}" accepts ${DETAILS_ROUTES.join(', ')}`]
    : shape(Object.fromEntries(DETAILS_ROUTES.map((route) => [route, routeExposure])))(value, path);
};

/** Duck-typed, so a Registry from another copy of prom-client is accepted too. */
const promRegistry: OptionRule = (value, path) => {
  const looksLikeRegistry =
    typeof value === 'object' &&
    value !== null &&
    ['registerMetric', 'getSingleMetric', 'metrics'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
  return looksLikeRegistry
    ? []
    : [`"${path}" must be a prom-client Registry (such as new Registry() or register from 'prom-client'); got ${describeValue(value)}`];
};

/**
 * The extras (`isGlobal`, `path`, `openapi`, `server`) are read when the module is defined and stripped from the
 * options; they are validated with the same rules. `decorators` is checked where it is read.
 */
/** `shutdown.timeoutMs` must leave room for the drain, or every shutdown would end in exit code 1. */
function shutdownTimeoutAfterDrain(value: Record<string, unknown>, path: string): string[] {
  const { timeoutMs, drainDelayMs = HEALTH_DEFAULTS.shutdown.drainDelayMs } = value;
  if (typeof timeoutMs !== 'number' || typeof drainDelayMs !== 'number' || timeoutMs > drainDelayMs) return [];
  return [`"${path}.timeoutMs" must be greater than "${path}.drainDelayMs" (${drainDelayMs} ms), or every shutdown would time out; got ${timeoutMs}`];
}

type ValidatedOptions = HealthModuleOptions & Omit<HealthModuleExtras, 'decorators'>;

export const healthModuleOptionsSchema: OptionRule = shapeOf<ValidatedOptions>()({
  ...executionFields,
  path: matching(/^\/?[A-Za-z0-9._~\-/:]*[A-Za-z0-9._~\-:]$/, 'a non-empty route path such as "health" or "ops/health"'),
  service: shapeOf<ServiceInfoOptions>()({ name: nonEmptyString, version: nonEmptyString, environment: nonEmptyString }),
  httpStatus: httpStatusMap,
  details: detailsPolicy,
  groups,
  routes,
  apiKey: either('a non-empty string or a non-empty array of non-empty strings', nonEmptyString, arrayOf(nonEmptyString, { nonEmpty: true })),
  authorize: func,
  ...builtinFields,
  shutdown: shapeOf<ShutdownOptions>()(
    {
      drainDelayMs: integer(0, MAX_TIMER_MS, 'milliseconds'),
      signals: arrayOf(matching(/^SIG[A-Z0-9]+$/, 'a signal name such as "SIGTERM"'), { nonEmpty: true, unique: true }),
      timeoutMs: integer(1, MAX_TIMER_MS, 'milliseconds'),
    },
    shutdownTimeoutAfterDrain,
  ),
  metrics: (value, path) =>
    typeof value === 'boolean'
      ? []
      : isPlainObject(value)
        ? shapeOf<MetricsOptions>()({ registry: promRegistry })(value, path)
        : [`"${path}" must be true, false or { registry }; got ${describeValue(value)}`],
  dependsOn: shapeOf<DependsOnModuleOptions>()({ failFast: boolean }),
  openapi: boolean,
  isGlobal: boolean,
  grpc: (value, path) =>
    isPlainObject(value)
      ? shapeOf<GrpcHealthOptions>()(
          {
            port: integer(1, 65535, 'TCP port'),
            host: matching(/^(\[?[0-9A-Fa-f:.]+\]?|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/, 'a host name or IP address such as "0.0.0.0" or "::"'),
            watchIntervalMs: integer(100, MAX_TIMER_MS, 'milliseconds'),
            attach: boolean,
            services: recordOf(
              matching(GRPC_SERVICE_NAME_PATTERN, 'a fully-qualified gRPC service name such as "hero.HeroService"'),
              matching(GRPC_HEALTH_TARGET_PATTERN, `'', 'readiness', 'liveness', 'startup', a check name or "group:<name>"`),
            ),
          },
          (grpc, grpcPath) => [
            ...(grpc.port === undefined && grpc.attach !== true
              ? [`"${grpcPath}.port" is required, e.g. { port: 50051 }, unless "${grpcPath}.attach" is true (health on the app's own gRPC server)`]
              : []),
            ...(grpc.services !== undefined && grpc.attach !== true
              ? [`"${grpcPath}.services" names the app's own gRPC services and needs "${grpcPath}.attach": true`]
              : []),
          ],
        )(value, path)
      : [`"${path}" must be an object such as { port: 50051, host: '0.0.0.0' }; got ${describeValue(value)}`],
  server: shapeOf<HealthProbeServerOptions>()({ port: integer(0, 65535, 'a TCP port; 0 picks a free one'), host: nonEmptyString }, (value, path) =>
    value.port === undefined ? [`"${path}.port" is required: an integer from 0 to 65535 (a TCP port; 0 picks a free one)`] : [],
  ),
});
