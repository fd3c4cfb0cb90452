import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { resolveCheckName } from '../check-name.js';
import { BYTES_PER_MB, evaluateThresholds, resultFor, roundTo2 } from '../threshold-check.js';
import type { MemoryIndicatorOptions } from '../../interfaces/indicator-options/memory-indicator.options.js';

/** What a `MemoryHealthIndicator` is built with. @publicApi */
export interface MemoryHealthIndicatorConfig extends Pick<MemoryIndicatorOptions, 'heapUsedMb' | 'rssMb'> {
  /** Check name. @default 'memory' */
  name?: string;
}

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
  protected readonly key: string;

  constructor(
    protected readonly health: HealthIndicatorService,
    protected readonly config: MemoryHealthIndicatorConfig = {},
  ) {
    this.key = resolveCheckName(new.target, config.name);
  }

  check(): HealthIndicatorResult {
    const usage = process.memoryUsage();
    const heapUsedMb = roundTo2(usage.heapUsed / BYTES_PER_MB);
    const rssMb = roundTo2(usage.rss / BYTES_PER_MB);
    const verdict = evaluateThresholds([
      { label: 'heap used', value: heapUsedMb, unit: 'MB', ...this.config.heapUsedMb },
      { label: 'RSS', value: rssMb, unit: 'MB', ...this.config.rssMb },
    ]);
    return resultFor(this.health.check(this.key), verdict, {
      heapUsedMb,
      heapTotalMb: roundTo2(usage.heapTotal / BYTES_PER_MB),
      rssMb,
    });
  }
}
