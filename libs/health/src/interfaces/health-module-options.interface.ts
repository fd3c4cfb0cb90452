import type { DetailsRouteName } from '../http/health-routes.js';
import type { IndicatorExecutionOptions } from './health-indicator.interface.js';
import type { HealthStatus } from './health-status.interface.js';

/** Who may see details, error text and `/checks/:name`. @publicApi */
export type DetailsPolicy = 'never' | 'when-authorized' | 'always';

/** Routes whose details policy can be set on its own (liveness never shows details). @publicApi */
export type DetailsRoute = DetailsRouteName;

/** Exposure settings of one route. @publicApi */
export interface RouteExposureOptions {
  /** Overrides the module's `details` for this route. */
  details?: DetailsPolicy;
}

/**
 * A health group: a named subset of the checks served at `GET {path}/groups/<name>`, with the same
 * representations, status rules and `?exclude` as the other routes.
 * @publicApi
 */
export interface HealthGroupOptions {
  /** Check names and `'tag:<tag>'` selectors; a check is a member when it matches any. Non-empty. */
  include: string[];
  /** Check names and `'tag:<tag>'` selectors taken out of what `include` selects. */
  exclude?: string[];
  /** Who sees this group's details. Defaults to the module's `details`. */
  details?: DetailsPolicy;
  /** HTTP status per report status for this group, over the module's `httpStatus`. */
  httpStatus?: Partial<Record<HealthStatus, number>>;
}

/** Service information shown in reports. @publicApi */
export interface ServiceInfoOptions {
  /** Default: `name` of the app's package.json. */
  name?: string;
  /** Default: `version` of the app's package.json. */
  version?: string;
  /** Default: `NODE_ENV`, else `'development'`. */
  environment?: string;
}

/** Graceful shutdown. @publicApi */
export interface ShutdownOptions {
  /** After a shutdown signal, readiness answers 503 for this long before Nest closes. @default 5000 */
  drainDelayMs?: number;
  /** Signals that start the drain (with `app.enableShutdownHooks()`). @default ['SIGTERM'] */
  signals?: string[];
  /**
   * Bounds the whole shutdown: this long after the signal, if the process is still shutting down, one
   * ERROR line names what is pending (shutdown holds, shutdown hooks that have not returned) and the
   * process exits with code 1. Set it a few seconds under the pod's `terminationGracePeriodSeconds`;
   * it must exceed `drainDelayMs`. @default undefined (off)
   */
  timeoutMs?: number;
}

/** Prometheus metrics through prom-client. @publicApi */
export interface MetricsOptions {
  /**
   * A prom-client `Registry` to register the metrics in (e.g. the one your `/metrics` route serves).
   * @default prom-client's default registry (`register`), which `@willsoto/nestjs-prometheus` serves too
   */
  registry?: unknown;
}

/**
 * A probe server of the module's own: a `node:http` listener outside Nest's router that serves the
 * health routes (under `path`) on its own port. @publicApi
 */
export interface HealthProbeServerOptions {
  /** TCP port, an integer from 0 to 65535 (0 picks a free port; the log line names it). */
  port: number;
  /** Address to listen on, e.g. `'0.0.0.0'` or `'127.0.0.1'`. @default all interfaces, as `app.listen(port)` */
  host?: string;
}

/**
 * Simulation: making a check report a chosen status for a while, on purpose (a game day, an e2e test),
 * through `HealthService.simulate()` or `PUT {path}/checks/:name/simulation`. Off by default.
 * @publicApi
 */
export interface SimulationOptions {
  /** Allow simulations. @default false */
  enabled: boolean;
  /**
   * Key(s) the simulation routes accept in `X-Health-Key` (compared in constant time); without one the
   * routes answer 404 and only `HealthService.simulate()` simulates. Use a key other than `apiKey`.
   */
  apiKey?: string | string[];
  /** Under `NODE_ENV=production` startup refuses `enabled: true` unless this is true. @default false */
  allowInProduction?: boolean;
}

/** Route-aware health: what routes carrying `@DependsOn()` do while a check they depend on is DOWN. @publicApi */
export interface DependsOnModuleOptions {
  /**
   * Answer 503 with `Retry-After` (gRPC: `UNAVAILABLE`) at once while a check the route depends on is DOWN,
   * without running its handler; the latest result decides, the check is not run for the request.
   * `@DependsOn(..., { failFast })` overrides it per class or method.
   * @default false
   */
  failFast?: boolean;
}

/**
 * The options of `HealthModule.forRoot` / `forRootAsync` other than the built-ins' (`HealthModuleOptions` adds
 * those, from `indicators/builtin-indicators.ts`).
 */
export interface HealthModuleCoreOptions extends IndicatorExecutionOptions {
  service?: ServiceInfoOptions;
  /** HTTP status per report status. @default { UP: 200, DEGRADED: 200, DOWN: 503, STARTING: 503, SHUTTING_DOWN: 503 } */
  httpStatus?: Partial<Record<HealthStatus, number>>;
  /**
   * Who sees details, error text and `/checks/:name`: `'never'`, `'when-authorized'` (a valid
   * `apiKey` or `authorize` returning true) or `'always'`. Liveness never shows details.
   * @default 'when-authorized'
   */
  details?: DetailsPolicy;
  /**
   * Per-route overrides of `details`: `ready` (`/ready`), `startup` (`/startup`), `report` (`/`)
   * and `checks` (`/checks/:name`), e.g. `{ report: { details: 'always' } }`.
   */
  routes?: Partial<Record<DetailsRoute, RouteExposureOptions>>;
  /** Key(s) accepted in `X-Health-Key` or `Authorization: Bearer …`, compared in constant time. */
  apiKey?: string | string[];
  /**
   * Decides whether a request may see details; receives the platform request (Express `Request`
   * or Fastify `FastifyRequest`). Consulted when no configured `apiKey` matches.
   */
  authorize?: (request: unknown) => boolean | Promise<boolean>;
  /**
   * Health groups by name, each served at `GET {path}/groups/<name>`, e.g.
   * `{ payments: { include: ['database', 'tag:payments'] } }`. A group that selects no check, an include or
   * exclude naming no check, or a name clashing with a route stops startup.
   */
  groups?: Record<string, HealthGroupOptions>;
  shutdown?: ShutdownOptions;
  /**
   * Prometheus metrics (`health_check_status`, `health_check_duration_seconds`, `health_status`,
   * `health_check_transitions_total`). `false` turns them off; `{ registry }` picks the registry.
   * @default on, in prom-client's default registry, when prom-client is installed
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Serve the standard gRPC health service (`grpc.health.v1.Health`: `Check`, `Watch`, `List`) on a port
   * of its own and/or (`attach`) on the app's own Nest gRPC server, for Kubernetes' native `grpc:` probes,
   * `grpc_health_probe` and gRPC clients' health checking. Needs `@grpc/grpc-js`.
   */
  grpc?: GrpcHealthOptions;
  /**
   * Simulated check results for game days and tests (`HealthService.simulate`, `PUT {path}/checks/:name/simulation`).
   * Refused at startup under `NODE_ENV=production` unless `allowInProduction` is true.
   * @default undefined (off)
   */
  simulation?: SimulationOptions;
  /** Routes carrying `@DependsOn()`: `{ failFast: true }` refuses them while a check they depend on is DOWN. */
  dependsOn?: DependsOnModuleOptions;
}

/**
 * The gRPC health service. Service `''` and `'readiness'` are readiness, `'liveness'` and `'startup'`
 * the other probes, `'group:<name>'` a health group, any other name a check; UP and DEGRADED are
 * `SERVING`, anything else `NOT_SERVING`.
 * @publicApi
 */
export interface GrpcHealthOptions {
  /** TCP port of a gRPC listener of the health service's own (1-65535); required unless `attach` is set. */
  port?: number;
  /** Interface to listen on; `'::'` for every IPv6 and IPv4 address. @default '0.0.0.0' */
  host?: string;
  /**
   * How often a `Watch` stream re-evaluates its service besides reacting to status changes, for
   * checks without `refreshIntervalMs` (whose status changes only when they run). @default 5000
   */
  watchIntervalMs?: number;
  /**
   * Concurrent `Watch` streams kept at most on each door (the health listener, each attached gRPC server), over every
   * service name; one more is refused with
   * `RESOURCE_EXHAUSTED` (service names over 1 KiB are refused with `INVALID_ARGUMENT` on `Check` and `Watch`).
   * @default 100
   */
  maxWatchStreams?: number;
  /**
   * Serve `grpc.health.v1.Health` on the app's own Nest gRPC server(s) (`Transport.GRPC`, in
   * `createMicroservice` or `connectMicroservice`), on their port, beside the app's services. It also
   * answers for each of the app's fully-qualified service names (`package.Service`). @default false
   */
  attach?: boolean;
  /**
   * With `attach`: what a service name answers as, e.g. `{ 'billing.Billing': 'group:payments' }`: `''`,
   * a probe, a check or `group:<name>`. Every service of the server's packages not named here answers
   * as readiness. @default {}
   */
  services?: Record<string, string>;
}

/**
 * Settings that shape the routes, read when the module is defined, before any options factory runs.
 * `forRoot({ path, ...options })` takes them beside the options; `forRootAsync({ path, useFactory })`
 * beside the factory (a factory returning them is rejected).
 * @publicApi
 */
export interface HealthModuleExtras {
  /** Registers the module globally. @default false */
  isGlobal?: boolean;
  /** Route prefix of the health controller. @default 'health' */
  path?: string;
  /**
   * Document the routes and DTOs for Swagger. `@nestjs/swagger` is loaded only when it is installed;
   * `false` skips it (an app that has it installed but builds no document saves its load time).
   * @default true
   */
  openapi?: boolean;
  /**
   * Class decorators applied to this import's health controller, e.g. `[Public(), SkipThrottle(), ApiTags('ops')]`,
   * so a global guard, a throttler or a Swagger grouping treats the probes as the app decides.
   * @default []
   */
  decorators?: ClassDecorator[];
  /**
   * Serve the routes on a probe server of their own (`{ port, host }`) instead of in the app: no global
   * guard, interceptor, pipe, filter, prefix or versioning touches them, and apps without HTTP
   * (`createMicroservice`, `createApplicationContext`) get probes too. The in-app routes are then not mounted.
   * @default undefined (the routes are served in the app)
   */
  server?: HealthProbeServerOptions;
}
