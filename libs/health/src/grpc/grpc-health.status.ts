import type { HealthStatus, Probe } from '../interfaces/health-status.interface.js';
import { ServingStatus } from './grpc-health.codec.js';

/** What a gRPC health service name stands for: a probe, a health group, or one check by name. */
export type HealthTarget = { kind: 'probe'; probe: Probe } | { kind: 'group'; group: string } | { kind: 'check'; name: string };

const PROBE_OF_SERVICE: Record<string, Probe> = {
  '': 'readiness',
  readiness: 'readiness',
  liveness: 'liveness',
  startup: 'startup',
};

/** The prefix of a health group's service name, as its metric series names it (`group:payments`). */
export const GROUP_SERVICE_PREFIX = 'group:';

/** The service names of the probes, in the order `List` shows them. */
export const PROBE_SERVICE_NAMES = Object.keys(PROBE_OF_SERVICE);

/**
 * `''` and `'readiness'` are readiness, `'liveness'` and `'startup'` their probes, `group:<name>` a
 * health group; any other name is a check's (check and group names cannot contain `:`).
 */
export function healthTargetOf(service: string): HealthTarget {
  const probe = Object.hasOwn(PROBE_OF_SERVICE, service) ? PROBE_OF_SERVICE[service] : undefined;
  if (probe) return { kind: 'probe', probe };
  if (service.startsWith(GROUP_SERVICE_PREFIX)) return { kind: 'group', group: service.slice(GROUP_SERVICE_PREFIX.length) };
  return { kind: 'check', name: service };
}

/** UP and DEGRADED serve; DOWN, STARTING and SHUTTING_DOWN do not. */
export function servingStatusOf(status: HealthStatus): ServingStatus {
  return status === 'UP' || status === 'DEGRADED' ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
}
