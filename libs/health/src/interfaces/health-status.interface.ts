/** Status of one check. @publicApi */
export type CheckStatus = 'UP' | 'DEGRADED' | 'DOWN';

/** Status of a probe or report: a check status, or a lifecycle state of readiness. @publicApi */
export type HealthStatus = CheckStatus | 'STARTING' | 'SHUTTING_DOWN';

/** The Kubernetes probes an indicator can take part in. @publicApi */
export type Probe = 'liveness' | 'readiness' | 'startup';

/** What the routes can be asked for: a probe, or every indicator (`all`, the `/health` report). */
export type ProbeSelector = Probe | 'all';

export const CHECK_STATUSES: readonly CheckStatus[] = ['UP', 'DEGRADED', 'DOWN'];
export const HEALTH_STATUSES: readonly HealthStatus[] = ['UP', 'DEGRADED', 'DOWN', 'STARTING', 'SHUTTING_DOWN'];
export const PROBES: readonly Probe[] = ['liveness', 'readiness', 'startup'];

/** The result of one check, as it appears in a report. @publicApi */
export interface HealthCheckResult {
  status: CheckStatus;
  critical: boolean;
  /** How long the run that produced this result took. */
  durationMs: number;
  /** When the run that produced this result finished (ISO 8601). */
  checkedAt: string;
  /** True when the result was reused from the cache or the background refresh rather than run for this request. */
  cached: boolean;
  data?: Record<string, unknown>;
  /** Why a DEGRADED check is degraded. */
  message?: string;
  /** Why a DOWN check is down. */
  error?: string;
  /** Present (true) while the status comes from a simulation (`HealthService.simulate`, `PUT {path}/checks/:name/simulation`), not from the check. */
  simulated?: true;
}

/** Service information included in detailed reports. @publicApi */
export interface ServiceInfo {
  name: string;
  version: string;
  environment: string;
  uptimeSeconds: number;
  timestamp: string;
}

/** A probe's or the full report's answer. @publicApi */
export interface HealthReport {
  status: HealthStatus;
  /** Why readiness or liveness is not UP when no check explains it (manual state, startup, shutdown). */
  reason?: string;
  details?: Record<string, HealthCheckResult>;
  serviceInfo?: ServiceInfo;
  /** Remarks about the request itself, such as excluded names that match no check. */
  notes?: string[];
}
