/** A server of the probes scenarios: (a) a bare Nest route, (b) plain @nestjs/terminus controllers, (c) nest-vitals. */
export interface ProbeServerConfig {
  variant: 'bare' | 'terminus' | 'vitals';
  /** What `/health/ready` checks: database + Redis + memory, five 50 ms checks, or one hung dependency. */
  checks: 'ready' | 'slow5' | 'hung';
  /** nest-vitals: the built-in indicators (`database: true, redis, memory`) or user-defined `@HealthIndicator` classes doing the same. */
  indicators?: 'builtin' | 'user';
  /** nest-vitals `details`: 'always' serialises the full report (as Terminus does); 'default' leaves the module default. */
  details?: 'always' | 'default';
  cacheTtlMs?: number;
  refreshIntervalMs?: number;
  timeoutMs?: number;
  databaseUrl: string;
  redisUrl: string;
  /** A server that accepts connections and never answers. */
  hungUrl?: string;
  /** The HTTP adapter of the app. @default 'express' */
  adapter?: 'express' | 'fastify';
  /** nest-vitals: serve the probes on a probe server of their own (`server: { port: 0 }`) instead of in the app. */
  probeServer?: boolean;
}

/** An ordinary app (a `/orders` route over TypeORM), with or without HealthModule and every built-in. */
export interface OrdersServerConfig {
  variant: 'orders';
  databaseUrl: string;
  /** Absent: the same app without HealthModule. */
  health?: {
    refreshIntervalMs: number;
    timeoutMs: number;
    redisUrl: string;
    /** The `http` built-in's dependency, checked as `dependency`; absent: no `http` indicator. */
    httpUrl?: string;
    /**
     * Route-aware health on: `dependsOn: { failFast: true }` and `GET /guarded-orders`, the same handler as
     * `GET /orders` behind `@DependsOn('database')`. Absent: no route carries `@DependsOn()`.
     */
    routeAware?: boolean;
  };
}

/** nest-vitals with `checks` in-memory user indicators and one `http` dependency, refreshing in the background. */
export interface ScaleServerConfig {
  variant: 'scale';
  checks: number;
  refreshIntervalMs: number;
  httpUrl: string;
  apiKey: string;
}

/** What one benchmark server runs; the harness passes it as JSON in argv[2]. */
export type ServerConfig = ProbeServerConfig | OrdersServerConfig | ScaleServerConfig;

/** Messages a benchmark server sends to the harness over IPC. */
export type ServerMessage =
  | { type: 'ready'; port: number; probePort?: number }
  | { type: 'heap'; heapUsed: number }
  | { type: 'cpu'; micros: number }
  | { type: 'loop-delay'; p99Ms: number; maxMs: number }
  | { type: 'error'; message: string };
/** Messages the harness sends to a benchmark server. `loop-delay` answers for the time since the last one, then resets. */
export type HarnessMessage = { type: 'heap' } | { type: 'cpu' } | { type: 'loop-delay' } | { type: 'stop' };

export const HEAP_THRESHOLD_BYTES = 1024 * 1024 * 1024;
export const SLOW_CHECK_MS = 50;
export const SLOW_CHECK_COUNT = 5;
