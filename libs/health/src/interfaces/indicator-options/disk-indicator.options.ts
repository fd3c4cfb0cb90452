import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

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
