import { statfs } from 'node:fs/promises';
import { parse, resolve } from 'node:path';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { BYTES_PER_MB, evaluateThresholds, resultFor, roundTo2 } from '../threshold-check.js';
import type { DiskIndicatorOptions } from './disk.builtin.js';

/** `disk: true`: thresholds when none is set. */
export const DISK_DEFAULTS = { warnPercent: 90, downPercent: 95 } as const;

/** What a `DiskHealthIndicator` is built with. @publicApi */
export type DiskHealthIndicatorConfig = Pick<DiskIndicatorOptions, 'path' | 'warnPercent' | 'downPercent' | 'minFreeMb'>;

/**
 * Space on the file system holding `path`: used percentage against `warnPercent` (DEGRADED) and
 * `downPercent` (DOWN), free MB against `minFreeMb` (DOWN). Reads `fs.promises.statfs` rather than
 * using Terminus' disk indicator, which needs the `check-disk-space` package and has no DEGRADED.
 * Used percent is computed as `df` does: used / (used + available to unprivileged users).
 *
 * @publicApi
 */
@HealthIndicator('disk')
export class DiskHealthIndicator implements HealthIndicatorCheck {
  protected readonly path: string;
  private readonly thresholds: Pick<DiskIndicatorOptions, 'warnPercent' | 'downPercent' | 'minFreeMb'>;

  constructor(config: DiskHealthIndicatorConfig = {}) {
    this.path = resolve(config.path ?? parse(process.cwd()).root);
    const { warnPercent, downPercent, minFreeMb } = config;
    this.thresholds =
      warnPercent === undefined && downPercent === undefined && minFreeMb === undefined ? DISK_DEFAULTS : { warnPercent, downPercent, minFreeMb };
  }

  async check({ indicator: session }: HealthCheckContext): Promise<HealthIndicatorResult> {
    let stats: Awaited<ReturnType<typeof statfs>>;
    try {
      stats = await statfs(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return session.down({ path: this.path, message: `cannot read the file system of ${this.path}: ${code ?? (error as Error).message}` });
    }
    const used = (stats.blocks - stats.bfree) * stats.bsize;
    const available = stats.bavail * stats.bsize;
    const usedPercent = used + available === 0 ? 100 : roundTo2((used / (used + available)) * 100);
    const freeMb = roundTo2(available / BYTES_PER_MB);
    const verdict = evaluateThresholds([
      { label: 'used space', value: usedPercent, unit: '%', warn: this.thresholds.warnPercent, down: this.thresholds.downPercent },
      { label: 'free space', value: freeMb, unit: 'MB', down: this.thresholds.minFreeMb, bad: 'below' },
    ]);
    return resultFor(session, verdict, {
      path: this.path,
      usedPercent,
      freeMb,
      totalMb: roundTo2((stats.blocks * stats.bsize) / BYTES_PER_MB),
    });
  }
}
