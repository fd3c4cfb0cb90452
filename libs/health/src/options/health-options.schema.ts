import type { HealthIndicatorOptions, IndicatorExecutionOptions } from '../interfaces/health-indicator.interface.js';
import type {
  HealthModuleExtras,
  HealthModuleOptions,
  MetricsOptions,
  ServiceInfoOptions,
  ShutdownOptions,
} from '../interfaces/health-module-options.interface.js';
import type { DatabaseIndicatorOptions } from '../interfaces/indicator-options/database-indicator.options.js';
import type { DiskIndicatorOptions } from '../interfaces/indicator-options/disk-indicator.options.js';
import type { EventLoopIndicatorOptions } from '../interfaces/indicator-options/event-loop-indicator.options.js';
import type { HttpIndicatorOptions } from '../interfaces/indicator-options/http-indicator.options.js';
import type { MemoryIndicatorOptions, MemoryThreshold } from '../interfaces/indicator-options/memory-indicator.options.js';
import type { RedisIndicatorOptions } from '../interfaces/indicator-options/redis-indicator.options.js';
import type { TlsIndicatorOptions } from '../interfaces/indicator-options/tls-indicator.options.js';
import type { BullmqIndicatorOptions, QueueCountThreshold } from '../interfaces/indicator-options/bullmq-indicator.options.js';
import { BUILTIN_DEFAULTS } from './health-options.defaults.js';
import { HEALTH_STATUSES, PROBES } from '../interfaces/health-status.interface.js';
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
export const CHECK_NAME_ACCEPTED = 'a check name matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';
const MAX_TIMER_MS = 2 ** 31 - 1;

const checkName = matching(CHECK_NAME_PATTERN, CHECK_NAME_ACCEPTED);

/** Execution settings shared by the module and every indicator. */
const executionFields: RulesFor<IndicatorExecutionOptions> = {
  timeoutMs: integer(1, MAX_TIMER_MS, 'milliseconds'),
  cacheTtlMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  refreshIntervalMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  failureThreshold: integer(1, 1000, 'consecutive results'),
  successThreshold: integer(1, 1000, 'consecutive results'),
};

/** Settings of one indicator: execution settings plus probes and criticality. */
export const indicatorFields: RulesFor<HealthIndicatorOptions> = {
  ...executionFields,
  probes: arrayOf(oneOf(PROBES), { nonEmpty: true, unique: true }),
  critical: boolean,
};

const percent = number(0, 100, 'percent');
const megabytes = number(0, Number.MAX_SAFE_INTEGER, 'MB');

/** `warn` must not be above `down` when both are set. */
const warnNotAboveDown =
  (warnKey: string, downKey: string) =>
  (value: Record<string, unknown>, path: string): string[] =>
    typeof value[warnKey] === 'number' && typeof value[downKey] === 'number' && (value[warnKey] as number) > (value[downKey] as number)
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

/** `true`, or an options object for a built-in indicator. */
const enabledOr =
  (rule: OptionRule): OptionRule =>
  (value, path) =>
    value === true || value === false ? [] : rule(value, path);

const jobCount = integer(0, Number.MAX_SAFE_INTEGER, 'jobs');
const queueCountThreshold = shapeOf<QueueCountThreshold>()({ warn: jobCount, down: jobCount }, warnNotAboveDown('warn', 'down'));

const memoryThreshold = shapeOf<MemoryThreshold>()({ warn: megabytes, down: megabytes }, warnNotAboveDown('warn', 'down'));

/** The built-in indicators' options: one rule per built-in key of `HealthModuleOptions`. */
const builtinFields: RulesFor<Pick<HealthModuleOptions, 'database' | 'redis' | 'http' | 'disk' | 'memory' | 'eventLoop' | 'tls' | 'bullmq'>> = {
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
      },
      (value, path) => {
        if (value.url === undefined) return [`"${path}.url" is required`];
        const ranges = typeof value.expectedStatus === 'string' ? value.expectedStatus.split(',').map((item) => item.split('-').map(Number)) : [];
        return ranges.some((range) => range.length === 2 && range[0]! > range[1]!)
          ? [`"${path}.expectedStatus" must be a range from low to high such as "200-399"; got "${value.expectedStatus}"`]
          : [];
      },
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

const detailsPolicy = oneOf(['never', 'when-authorized', 'always']);
const routeExposure = shape({ details: detailsPolicy });
const DETAILS_ROUTES = ['ready', 'startup', 'report', 'checks'] as const;

/** Per-route exposure; `live` is refused with the reason rather than as an unknown key. */
const routes: OptionRule = (value, path) =>
  isPlainObject(value) && 'live' in value
    ? [`"${path}.live" is not accepted: liveness never shows details; "${path}" accepts ${DETAILS_ROUTES.join(', ')}`]
    : shape(Object.fromEntries(DETAILS_ROUTES.map((route) => [route, routeExposure])))(value, path);

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
 * The extras (`isGlobal`, `path`, `openapi`) are read when the module is defined and stripped from the
 * options; they are validated with the same rules. `decorators` is checked where it is read.
 */
type ValidatedOptions = HealthModuleOptions & Omit<HealthModuleExtras, 'decorators'>;

export const healthModuleOptionsSchema: OptionRule = shapeOf<ValidatedOptions>()({
  ...executionFields,
  path: matching(/^\/?[A-Za-z0-9._~\-/:]*[A-Za-z0-9._~\-:]$/, 'a non-empty route path such as "health" or "ops/health"'),
  service: shapeOf<ServiceInfoOptions>()({ name: nonEmptyString, version: nonEmptyString, environment: nonEmptyString }),
  httpStatus: shape(Object.fromEntries(HEALTH_STATUSES.map((status) => [status, httpStatusCode]))),
  details: detailsPolicy,
  routes,
  apiKey: either('a non-empty string or a non-empty array of non-empty strings', nonEmptyString, arrayOf(nonEmptyString, { nonEmpty: true })),
  authorize: func,
  ...builtinFields,
  shutdown: shapeOf<ShutdownOptions>()({
    drainDelayMs: integer(0, MAX_TIMER_MS, 'milliseconds'),
    signals: arrayOf(matching(/^SIG[A-Z0-9]+$/, 'a signal name such as "SIGTERM"'), { nonEmpty: true, unique: true }),
  }),
  metrics: (value, path) =>
    typeof value === 'boolean'
      ? []
      : isPlainObject(value)
        ? shapeOf<MetricsOptions>()({ registry: promRegistry })(value, path)
        : [`"${path}" must be true, false or { registry }; got ${describeValue(value)}`],
  openapi: boolean,
  isGlobal: boolean,
});
