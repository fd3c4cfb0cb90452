import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import { enabledOr, indicatorFields, warnNotAboveDown } from '../../validation/indicator-option-rules.js';
import { arrayOf, integer, nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin, sectionOf } from '../builtin-kind.js';
import { BullmqHealthIndicator } from './bullmq.indicator.js';
import { findBullmqQueues, queueCheckName } from './bullmq-queue-finder.js';

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

const jobCount = integer(0, Number.MAX_SAFE_INTEGER, 'jobs');
const queueCountThreshold = shapeOf<QueueCountThreshold>()({ warn: jobCount, down: jobCount }, warnNotAboveDown('warn', 'down'));

/** `bullmq`: the app's `@nestjs/bullmq` queues, one check `queue-<name>` each, found at module init. */
export const bullmqBuiltin = defineBuiltin({
  option: 'bullmq',
  rule: enabledOr(
    shapeOf<BullmqIndicatorOptions>()({
      ...indicatorFields,
      queues: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }),
      waiting: queueCountThreshold,
      failed: queueCountThreshold,
      stalled: queueCountThreshold,
    }),
  ),
  // The queues are the app's providers: found at module init, when they exist.
  create: (value: boolean | BullmqIndicatorOptions | undefined) => sectionOf(value) ?? null,
  register: async (section, _value, moduleRef) => {
    const { queues, workersOf } = await findBullmqQueues(moduleRef);
    const known = queues.map((queue) => queue.name);
    if (queues.length === 0) {
      throw new HealthOptionsError([
        '"bullmq" is switched on, but the app registers no bullmq Queue; register one with BullModule.registerQueue({ name }) or provide a Queue',
      ]);
    }
    const problems = (section.queues ?? []).flatMap((name, index) =>
      known.includes(name)
        ? []
        : [`"bullmq.queues[${index}]" is ${JSON.stringify(name)}, but the app registers no queue of that name; registered: ${known.join(', ')}`],
    );
    if (problems.length > 0) throw new HealthOptionsError(problems);
    return queues
      .filter((queue) => !section.queues || section.queues.includes(queue.name))
      .map((queue) =>
        builtinEntry(
          new BullmqHealthIndicator({
            queue,
            workers: () => workersOf(queue.name),
            waiting: section.waiting,
            failed: section.failed,
            stalled: section.stalled,
          }),
          queueCheckName(queue.name),
          section,
          `HealthModule.forRoot({ bullmq }) for queue "${queue.name}"`,
        ),
      );
  },
});
