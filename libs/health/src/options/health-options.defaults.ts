import type { Probe, HealthStatus } from '../interfaces/health-status.interface.js';

/**
 * Every default of the library, in one place: module options, indicator settings and the
 * thresholds of built-ins switched on with `true`.
 */
export const HEALTH_DEFAULTS = {
  path: 'health',
  details: 'when-authorized',
  timeoutMs: 1000,
  cacheTtlMs: 0,
  refreshIntervalMs: 0,
  failureThreshold: 1,
  successThreshold: 1,
  shutdown: { drainDelayMs: 5000, signals: ['SIGTERM'] },
  service: { name: 'app', version: '0.0.0', environment: 'development' },
  httpStatus: { UP: 200, DEGRADED: 200, DOWN: 503, STARTING: 503, SHUTTING_DOWN: 503 } satisfies Record<HealthStatus, number>,
  /** Probes an indicator takes part in when it names none. */
  probes: ['readiness'] as Probe[],
  critical: true,
} as const;

/** Built-in settings used when a built-in is switched on without them. */
export const BUILTIN_DEFAULTS = {
  redisCheckName: 'redis',
  /** `disk: true`: thresholds when none is set. */
  disk: { warnPercent: 90, downPercent: 95 },
  /** `eventLoop: true`: thresholds when neither `warnMs` nor `downMs` is set. */
  eventLoop: { warnMs: 200, downMs: 1000 },
  eventLoopWindowMs: 10_000,
  dataSourceName: 'default',
  httpMethod: 'GET',
  /** `tls` entries: days left below which a certificate is DEGRADED / DOWN. */
  tls: { warnDays: 21, downDays: 3 },
} as const;
