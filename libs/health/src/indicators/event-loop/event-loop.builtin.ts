import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { enabledOr, indicatorFields, warnNotAboveDown } from '../../validation/indicator-option-rules.js';
import { integer, number, shapeOf } from '../../validation/option-rules.js';
import { singleBuiltin } from '../builtin-kind.js';
import { EventLoopHealthIndicator } from './event-loop.indicator.js';

/** `eventLoop` option of `HealthModule.forRoot`: event-loop lag p99 over a window. Meant for liveness. @publicApi */
export interface EventLoopIndicatorOptions extends HealthIndicatorOptions {
  /** p99 lag at which the check is DEGRADED, in ms. */
  warnMs?: number;
  /** p99 lag at which the check is DOWN, in ms. */
  downMs?: number;
  /** Window the p99 is measured over. @default 10000 */
  windowMs?: number;
}

/** `eventLoop`: p99 event-loop lag over a window (defaults: `EVENT_LOOP_DEFAULTS` beside the indicator). */
export const eventLoopBuiltin = singleBuiltin(
  'eventLoop',
  'event-loop',
  enabledOr(
    shapeOf<EventLoopIndicatorOptions>()(
      {
        ...indicatorFields,
        warnMs: number(0, 60_000, 'milliseconds'),
        downMs: number(0, 60_000, 'milliseconds'),
        windowMs: integer(100, 600_000, 'milliseconds'),
      },
      warnNotAboveDown('warnMs', 'downMs'),
    ),
  ),
  (section: EventLoopIndicatorOptions) => new EventLoopHealthIndicator(section),
);
