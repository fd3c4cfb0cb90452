import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { BYTES_PER_MB, evaluateThresholds, resultFor, roundTo2 } from '../threshold-check.js';
import type { MemoryIndicatorOptions } from './memory.builtin.js';

/** What a `MemoryHealthIndicator` is built with. @publicApi */
export type MemoryHealthIndicatorConfig = Pick<MemoryIndicatorOptions, 'heapUsedMb' | 'rssMb'>;

/**
 * Heap used and resident set size of this process against warn (DEGRADED) and down (DOWN)
 * thresholds in MB. Reads `process.memoryUsage()` rather than using Terminus' memory indicator,
 * which knows only up and down and one threshold per check.
 *
 * @example HealthModule.forRoot({ memory: { heapUsedMb: { warn: 512, down: 1024 }, rssMb: { down: 2048 } } })
 * @publicApi
 */
@HealthIndicator('memory')
export class MemoryHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: MemoryHealthIndicatorConfig = {}) {}

  check({ indicator }: HealthCheckContext): HealthIndicatorResult {
    const usage = process.memoryUsage();
    const heapUsedMb = roundTo2(usage.heapUsed / BYTES_PER_MB);
    const rssMb = roundTo2(usage.rss / BYTES_PER_MB);
    const verdict = evaluateThresholds([
      { label: 'heap used', value: heapUsedMb, unit: 'MB', ...this.config.heapUsedMb },
      { label: 'RSS', value: rssMb, unit: 'MB', ...this.config.rssMb },
    ]);
    return resultFor(indicator, verdict, {
      heapUsedMb,
      heapTotalMb: roundTo2(usage.heapTotal / BYTES_PER_MB),
      rssMb,
    });
  }
}
