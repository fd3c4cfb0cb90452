import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** `database` option of `HealthModule.forRoot`: checks TypeORM DataSources. @publicApi */
export interface DatabaseIndicatorOptions extends HealthIndicatorOptions {
  /** DataSource names to check (`'default'` for the unnamed one). Default: every registered DataSource. */
  dataSources?: string[];
  /** What pending migrations do to the check. Default: ignored. */
  migrations?: 'down' | 'degraded';
}
