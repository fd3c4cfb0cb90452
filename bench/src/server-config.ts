/** What one benchmark server runs; the harness passes it as JSON in argv[2]. */
export interface ServerConfig {
  /** (a) a bare Nest route, (b) plain @nestjs/terminus controllers, (c) nest-vitals. */
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
}

/** Messages a benchmark server sends to the harness over IPC. */
export type ServerMessage =
  { type: 'ready'; port: number } | { type: 'heap'; heapUsed: number } | { type: 'cpu'; micros: number } | { type: 'error'; message: string };
/** Messages the harness sends to a benchmark server. */
export type HarnessMessage = { type: 'heap' } | { type: 'cpu' } | { type: 'stop' };

export const HEAP_THRESHOLD_BYTES = 1024 * 1024 * 1024;
export const SLOW_CHECK_MS = 50;
export const SLOW_CHECK_COUNT = 5;
