import type { CheckStatus } from '../interfaces/health-status.interface.js';

/** What the aggregator needs of a check. */
export interface AggregatableCheck {
  status: CheckStatus;
  critical: boolean;
}

/**
 * The status model: DOWN if any critical check is DOWN; else DEGRADED if any check is DEGRADED
 * or a non-critical check is DOWN; else UP. No checks at all is UP.
 */
export function aggregateStatus(checks: Iterable<AggregatableCheck>): CheckStatus {
  let degraded = false;
  for (const check of checks) {
    if (check.status === 'DOWN') {
      if (check.critical) return 'DOWN';
      degraded = true;
    } else if (check.status === 'DEGRADED') {
      degraded = true;
    }
  }
  return degraded ? 'DEGRADED' : 'UP';
}
