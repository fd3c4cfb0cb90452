import type { IndicatorExecutionOptions } from './health-indicator.interface.js';
import type { HealthStatus } from './health-status.interface.js';
import type { DatabaseIndicatorOptions } from './indicator-options/database-indicator.options.js';
import type { RedisIndicatorOptions } from './indicator-options/redis-indicator.options.js';
import type { HttpIndicatorOptions } from './indicator-options/http-indicator.options.js';
import type { DiskIndicatorOptions } from './indicator-options/disk-indicator.options.js';
import type { MemoryIndicatorOptions } from './indicator-options/memory-indicator.options.js';
import type { EventLoopIndicatorOptions } from './indicator-options/event-loop-indicator.options.js';
import type { TlsIndicatorOptions } from './indicator-options/tls-indicator.options.js';
import type { BullmqIndicatorOptions } from './indicator-options/bullmq-indicator.options.js';

/** Who may see details, error text and `/checks/:name`. @publicApi */
export type DetailsPolicy = 'never' | 'when-authorized' | 'always';

/** Routes whose details policy can be set on its own (liveness never shows details). @publicApi */
export type DetailsRoute = 'ready' | 'startup' | 'report' | 'checks';

/** Exposure settings of one route. @publicApi */
export interface RouteExposureOptions {
  /** Overrides the module's `details` for this route. */
  details?: DetailsPolicy;
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
}

/** Prometheus metrics through prom-client. @publicApi */
export interface MetricsOptions {
  /**
   * A prom-client `Registry` to register the metrics in (e.g. the one your `/metrics` route serves).
   * @default prom-client's default registry (`register`), which `@willsoto/nestjs-prometheus` serves too
   */
  registry?: unknown;
}

/** Options of `HealthModule.forRoot` / `forRootAsync`. @publicApi */
export interface HealthModuleOptions extends IndicatorExecutionOptions {
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
  /** Check TypeORM DataSources. */
  database?: boolean | DatabaseIndicatorOptions;
  /** Check Redis. */
  redis?: RedisIndicatorOptions;
  /** HTTP dependencies, keyed by check name. */
  http?: Record<string, HttpIndicatorOptions>;
  disk?: boolean | DiskIndicatorOptions;
  memory?: boolean | MemoryIndicatorOptions;
  eventLoop?: boolean | EventLoopIndicatorOptions;
  /** TLS peers whose certificate expiry is watched, keyed by check name. */
  tls?: Record<string, TlsIndicatorOptions>;
  /** Check the app's `@nestjs/bullmq` queues, one check `queue-<name>` each. */
  bullmq?: boolean | BullmqIndicatorOptions;
  shutdown?: ShutdownOptions;
  /**
   * Prometheus metrics (`health_check_status`, `health_check_duration_seconds`, `health_status`,
   * `health_check_transitions_total`). `false` turns them off; `{ registry }` picks the registry.
   * @default on, in prom-client's default registry, when prom-client is installed
   */
  metrics?: boolean | MetricsOptions;
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
}
