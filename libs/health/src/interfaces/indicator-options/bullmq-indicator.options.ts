import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** A count and the levels at which it makes a queue's check DEGRADED (`warn`) or DOWN (`down`). @publicApi */
export interface QueueCountThreshold {
  /** At or above this many jobs the check is DEGRADED. */
  warn?: number;
  /** At or above this many jobs the check is DOWN. */
  down?: number;
}

/** `bullmq` option of `HealthModule.forRoot`: checks the app's `@nestjs/bullmq` queues, one check `queue-<name>` each. @publicApi */
export interface BullmqIndicatorOptions extends HealthIndicatorOptions {
  /** Queue names to check. Default: every queue the app registers (`BullModule.registerQueue`). */
  queues?: string[];
  /** Jobs waiting to be processed (`wait` + `prioritized`). Default: no threshold. */
  waiting?: QueueCountThreshold;
  /** Jobs in the failed set (keep it bounded with `removeOnFail`). Default: no threshold. */
  failed?: QueueCountThreshold;
  /** Active jobs whose lock has expired: their worker died or hangs, and no worker has moved them back yet. Default: no threshold. */
  stalled?: QueueCountThreshold;
}
