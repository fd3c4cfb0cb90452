import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

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
