import type {
  HealthGroupOptions,
  HealthModuleExtras,
  HealthProbeServerOptions,
  MetricsOptions,
  ServiceInfoOptions,
  GrpcHealthOptions,
  ShutdownOptions,
  SimulationOptions,
  DependsOnModuleOptions,
} from '../interfaces/health-module-options.interface.js';
import { DETAILS_ROUTES, HEALTH_ROUTES, RESERVED_GROUP_NAMES } from '../http/health-routes.js';
import { BUILTIN_OPTION_RULES } from '../indicators/builtin-indicators.js';
import { HEALTH_STATUSES } from '../interfaces/health-status.interface.js';
import {
  CHECK_NAME_ACCEPTED,
  CHECK_NAME_PATTERN,
  executionFields,
  MAX_TIMER_MS,
  TAG_ACCEPTED,
  TAG_SELECTOR_PREFIX,
} from '../validation/indicator-option-rules.js';
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
  oneOf,
  recordOf,
  shape,
  shapeOf,
  type OptionRule,
} from '../validation/option-rules.js';
import type { HealthModuleOptions } from './health-module-options.js';
import { HEALTH_DEFAULTS } from './health-options.defaults.js';

export { CHECK_NAME_ACCEPTED, CHECK_NAME_PATTERN, indicatorFields, TAG_ACCEPTED, TAG_SELECTOR_PREFIX } from '../validation/indicator-option-rules.js';
/** A fully-qualified protobuf service name: `package.Service`. */
const GRPC_SERVICE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
/** What a gRPC health service name may answer as: `''`, a probe or a check name, or `group:<name>`. */
const GRPC_HEALTH_TARGET_PATTERN = /^((group:)?[a-z0-9][a-z0-9-_.]*)?$/;

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
  ...BUILTIN_OPTION_RULES,
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
            maxWatchStreams: integer(1, 100_000, 'streams'),
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
  simulation: shapeOf<SimulationOptions>()(
    {
      enabled: boolean,
      apiKey: either('a non-empty string or a non-empty array of non-empty strings', nonEmptyString, arrayOf(nonEmptyString, { nonEmpty: true })),
      allowInProduction: boolean,
    },
    (value, path) => (value.enabled === undefined ? [`"${path}.enabled" is required: true or false`] : []),
  ),
  server: shapeOf<HealthProbeServerOptions>()({ port: integer(0, 65535, 'a TCP port; 0 picks a free one'), host: nonEmptyString }, (value, path) =>
    value.port === undefined ? [`"${path}.port" is required: an integer from 0 to 65535 (a TCP port; 0 picks a free one)`] : [],
  ),
});
