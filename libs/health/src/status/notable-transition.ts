import type { HealthStatus } from '../interfaces/health-status.interface.js';

/**
 * Whether a change is worth a log line and a count in `health_check_transitions_total`: every
 * change except a first result that is UP (a check or probe starting healthy is no news).
 */
export function isNotableTransition(change: { from: HealthStatus | undefined; to: HealthStatus }): boolean {
  return !(change.from === undefined && change.to === 'UP');
}
