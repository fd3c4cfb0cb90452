import type { HealthStatus, Probe } from '../interfaces/health-status.interface.js';
import { ServingStatus } from './grpc-health.codec.js';

/** What a gRPC health service name stands for: a probe, or one check by name. */
export type HealthTarget = { kind: 'probe'; probe: Probe } | { kind: 'check'; name: string };

const PROBE_OF_SERVICE: Record<string, Probe> = {
  '': 'readiness',
  readiness: 'readiness',
  liveness: 'liveness',
  startup: 'startup',
};

/** `''` and `'readiness'` are readiness, `'liveness'` and `'startup'` their probes; any other name is a check's. */
export function healthTargetOf(service: string): HealthTarget {
  const probe = Object.hasOwn(PROBE_OF_SERVICE, service) ? PROBE_OF_SERVICE[service] : undefined;
  return probe ? { kind: 'probe', probe } : { kind: 'check', name: service };
}

/** UP and DEGRADED serve; DOWN, STARTING and SHUTTING_DOWN do not. */
export function servingStatusOf(status: HealthStatus): ServingStatus {
  return status === 'UP' || status === 'DEGRADED' ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
}
