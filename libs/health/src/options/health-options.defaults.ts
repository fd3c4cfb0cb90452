import { EXECUTION_SETTINGS, type ExecutionSettings, type IndicatorExecutionOptions } from '../interfaces/health-indicator.interface.js';
import type { Probe, HealthStatus } from '../interfaces/health-status.interface.js';

/** The module's execution settings when the options set none (each indicator inherits the module's). */
const EXECUTION_DEFAULTS = {
  timeoutMs: 1000,
  cacheTtlMs: 0,
  refreshIntervalMs: 0,
  failureThreshold: 1,
  successThreshold: 1,
  /** Slow-check warnings are off unless asked for. */
  slowCheckMs: 0,
} as const satisfies ExecutionSettings;

/**
 * Every default of the library, in one place: module options, indicator settings and the
 * thresholds of built-ins switched on with `true`.
 */
export const HEALTH_DEFAULTS = {
  path: 'health',
  details: 'when-authorized',
  ...EXECUTION_DEFAULTS,
  shutdown: { drainDelayMs: 5000, signals: ['SIGTERM'] },
  service: { name: 'app', version: '0.0.0', environment: 'development' },
  httpStatus: { UP: 200, DEGRADED: 200, DOWN: 503, STARTING: 503, SHUTTING_DOWN: 503 } satisfies Record<HealthStatus, number>,
  /** Probes an indicator takes part in when it names none. */
  probes: ['readiness'] as Probe[],
  /** Refresh interval of a check in no probe (`probes: []`) that sets none: no probe would ever run it. */
  routeScopedRefreshIntervalMs: 5000,
  critical: true,
  /** Runs of each check the HTML status page shows (kept in memory, per check). */
  historyRuns: 30,
  /** `grpc`: the health service's listener and `Watch` re-evaluation; on shutdown, how long open calls may take before they are cut. */
  grpc: { host: '0.0.0.0', watchIntervalMs: 5000, maxWatchStreams: 100, closeTimeoutMs: 2000 },
} as const;

/** The execution settings of `settings`, each one it leaves out taken from `defaults` (the module's for an indicator, the library's for the module). */
export function withExecutionDefaults(settings: IndicatorExecutionOptions, defaults: ExecutionSettings): ExecutionSettings {
  const resolved = {} as ExecutionSettings;
  for (const key of EXECUTION_SETTINGS) resolved[key] = settings[key] ?? defaults[key];
  return resolved;
}
