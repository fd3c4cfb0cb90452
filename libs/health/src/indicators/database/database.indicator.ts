import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { describeError } from '../../execution/check-outcome.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { pingDataSource } from './connection-releasing-ping.js';
import type { DatabaseIndicatorOptions } from './database.builtin.js';

/** The name of the unnamed DataSource (and Sequelize connection). */
export const DEFAULT_DATA_SOURCE_NAME = 'default';

/** What the `database` option needs installed. */
export const DATABASE_PEER = { option: 'database', packageName: 'typeorm', install: ['typeorm', '@nestjs/typeorm'] };

/**
 * A TypeORM `DataSource`, typed by the little the check needs to see, so that the declarations
 * of this package do not require typeorm to be installed.
 * @publicApi
 */
export interface TypeOrmDataSource {
  readonly isInitialized: boolean;
  readonly options: { readonly type: string };
}

/** What a `DatabaseHealthIndicator` is built with: one TypeORM DataSource. @publicApi */
export interface DatabaseHealthIndicatorConfig extends Pick<DatabaseIndicatorOptions, 'migrations'> {
  dataSource: TypeOrmDataSource;
  /** The DataSource's name, for messages. @default 'default' */
  dataSourceName?: string;
}

/**
 * Pings one TypeORM DataSource with the driver's cheapest read-only query (`SELECT 1` for
 * PostgreSQL, MariaDB/MySQL and SQLite; the check's timeout is the runner's), after checking that the DataSource is initialized.
 * On PostgreSQL and MariaDB/MySQL the ping runs on one connection of the pool, dropped when the run times out
 * (`connection-releasing-ping.ts`). With `migrations`, pending migrations make the check DOWN or DEGRADED and are listed.
 *
 * @publicApi
 */
@HealthIndicator('database')
export class DatabaseHealthIndicator implements HealthIndicatorCheck {
  private readonly dataSource: DataSource;
  private readonly dataSourceName: string;
  private wasInitialized: boolean;

  constructor(protected readonly config: DatabaseHealthIndicatorConfig) {
    this.dataSource = config.dataSource as DataSource;
    this.dataSourceName = config.dataSourceName ?? DEFAULT_DATA_SOURCE_NAME;
    this.wasInitialized = config.dataSource.isInitialized;
  }

  async check({ indicator: session, signal }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const dataSource = this.dataSource;
    const data = { driver: dataSource.options.type, database: databaseOf(dataSource) };
    if (!dataSource.isInitialized) {
      const state = this.wasInitialized ? 'has been destroyed' : 'is not initialized';
      return session.down({ ...data, message: `DataSource "${this.dataSourceName}" ${state}` });
    }
    this.wasInitialized = true;

    const started = performance.now();
    try {
      await pingDataSource(dataSource, signal);
    } catch (error) {
      return session.down({ ...data, message: describeError(error) });
    }
    const measured = { ...data, responseTimeMs: Math.round(performance.now() - started) };
    if (!this.config.migrations) return session.up(measured);

    const pendingMigrations = await pendingMigrationNames(dataSource);
    if (pendingMigrations.length === 0) return session.up({ ...measured, pendingMigrations });
    const message = `${pendingMigrations.length} pending migration${pendingMigrations.length === 1 ? '' : 's'}: ${pendingMigrations.join(', ')}`;
    return this.config.migrations === 'down'
      ? session.down({ ...measured, pendingMigrations, message })
      : session.degraded({ ...measured, pendingMigrations, message });
  }
}

/** The database name the driver resolved (from `database` or the URL), never the URL itself. */
function databaseOf(dataSource: DataSource): string | undefined {
  const resolved = (dataSource.driver as { database?: unknown } | undefined)?.database;
  if (typeof resolved === 'string' && resolved) return resolved;
  const configured = (dataSource.options as { database?: unknown }).database;
  return typeof configured === 'string' ? configured : undefined;
}

/** Names of the DataSource's migrations not yet run. Read-only: a missing migrations table means all are pending. */
async function pendingMigrationNames(dataSource: DataSource): Promise<string[]> {
  const { MigrationExecutor } = await loadOptionalPeer(DATABASE_PEER, () => import('typeorm'));
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
