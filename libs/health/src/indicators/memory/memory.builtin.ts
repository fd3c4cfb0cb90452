import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { enabledOr, indicatorFields, megabytes, warnNotAboveDown } from '../../validation/indicator-option-rules.js';
import { shapeOf } from '../../validation/option-rules.js';
import { singleBuiltin } from '../builtin-kind.js';
import { MemoryHealthIndicator } from './memory.indicator.js';

/** A warn (DEGRADED) and a down (DOWN) threshold, in MB. @publicApi */
export interface MemoryThreshold {
  warn?: number;
  down?: number;
}

/** `memory` option of `HealthModule.forRoot`. @publicApi */
export interface MemoryIndicatorOptions extends HealthIndicatorOptions {
  heapUsedMb?: MemoryThreshold;
  rssMb?: MemoryThreshold;
}

const memoryThreshold = shapeOf<MemoryThreshold>()({ warn: megabytes, down: megabytes }, warnNotAboveDown('warn', 'down'));

/** `memory`: heap used and RSS of this process against thresholds. */
export const memoryBuiltin = singleBuiltin(
  'memory',
  'memory',
  enabledOr(shapeOf<MemoryIndicatorOptions>()({ ...indicatorFields, heapUsedMb: memoryThreshold, rssMb: memoryThreshold })),
  (section: MemoryIndicatorOptions) => new MemoryHealthIndicator(section),
);
