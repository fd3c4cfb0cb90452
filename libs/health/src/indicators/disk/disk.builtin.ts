import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { enabledOr, indicatorFields, megabytes, percent, warnNotAboveDown } from '../../validation/indicator-option-rules.js';
import { nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { singleBuiltin } from '../builtin-kind.js';
import { DiskHealthIndicator } from './disk.indicator.js';

/** `disk` option of `HealthModule.forRoot`. @publicApi */
export interface DiskIndicatorOptions extends HealthIndicatorOptions {
  /** Path whose file system is checked. @default '/' */
  path?: string;
  /** Used percentage at which the check is DEGRADED. */
  warnPercent?: number;
  /** Used percentage at which the check is DOWN. */
  downPercent?: number;
  /** Free space below which the check is DOWN, in MB. */
  minFreeMb?: number;
}

/** `disk`: used space of one file system (defaults: `DISK_DEFAULTS` beside the indicator). */
export const diskBuiltin = singleBuiltin(
  'disk',
  'disk',
  enabledOr(
    shapeOf<DiskIndicatorOptions>()(
      { ...indicatorFields, path: nonEmptyString, warnPercent: percent, downPercent: percent, minFreeMb: megabytes },
      warnNotAboveDown('warnPercent', 'downPercent'),
    ),
  ),
  (section: DiskIndicatorOptions) => new DiskHealthIndicator(section),
);
