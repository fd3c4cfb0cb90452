import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** `eventLoop` option of `HealthModule.forRoot`: event-loop lag p99 over a window. Meant for liveness. @publicApi */
export interface EventLoopIndicatorOptions extends HealthIndicatorOptions {
  /** p99 lag at which the check is DEGRADED, in ms. */
  warnMs?: number;
  /** p99 lag at which the check is DOWN, in ms. */
  downMs?: number;
  /** Window the p99 is measured over. @default 10000 */
  windowMs?: number;
}
