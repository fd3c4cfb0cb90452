import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { resolveCheckName } from '../check-name.js';
import type { DatabaseIndicatorOptions } from '../../interfaces/indicator-options/database-indicator.options.js';

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
  /** Check name. @default 'database' */
  name?: string;
  /** The DataSource's name, for messages. @default 'default' */
  dataSourceName?: string;
  /** Timeout of the ping query. @default 1000 */
  timeoutMs?: number;
}

/**
 * Terminus' TypeORM indicator looks the default DataSource up through its ModuleRef only when no
 * connection is given; this indicator always gives one, so it never reads it.
 */
const UNUSED_MODULE_REF = null as unknown as ModuleRef;

/**
 * Pings one TypeORM DataSource with Terminus' `TypeOrmHealthIndicator` (the driver's cheapest
 * read-only query, `SELECT 1` for PostgreSQL, MariaDB/MySQL and SQLite, under
 * `attempt().withTimeout()`), after checking that the DataSource is initialized. With
 * `migrations`, pending migrations make the check DOWN or DEGRADED and are listed.
 *
 * @publicApi
 */
@HealthIndicator('database')
export class DatabaseHealthIndicator implements HealthIndicatorCheck {
  protected readonly key: string;
  private readonly dataSource: DataSource;
  private readonly dataSourceName: string;
  private readonly ping: TypeOrmHealthIndicator;
  private wasInitialized: boolean;

  constructor(
    protected readonly health: HealthIndicatorService,
    protected readonly config: DatabaseHealthIndicatorConfig,
  ) {
    this.key = resolveCheckName(new.target, config.name);
    this.dataSource = config.dataSource as DataSource;
    this.dataSourceName = config.dataSourceName ?? 'default';
    this.ping = new TypeOrmHealthIndicator(UNUSED_MODULE_REF, health);
    this.wasInitialized = config.dataSource.isInitialized;
  }

  async check(): Promise<HealthIndicatorResult> {
    const session = this.health.check(this.key);
    const dataSource = this.dataSource;
    const data = { driver: dataSource.options.type, database: databaseOf(dataSource) };
    if (!dataSource.isInitialized) {
      const state = this.wasInitialized ? 'has been destroyed' : 'is not initialized';
      return session.down({ ...data, message: `DataSource "${this.dataSourceName}" ${state}` });
    }
    this.wasInitialized = true;

    const attempt = this.ping.pingCheck(this.key, { connection: dataSource }).withTimeout(this.config.timeoutMs ?? 1000);
    const ping = (await attempt)[this.key] as {
      status: string;
      message?: string;
      responseTime?: number;
    };
    if (ping.status !== 'up') return session.down({ ...data, message: ping.message ?? 'ping failed' });
    const measured = { ...data, responseTimeMs: ping.responseTime };
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
  const { MigrationExecutor } = await import('typeorm');
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
