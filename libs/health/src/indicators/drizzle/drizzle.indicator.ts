import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { isKnownSqlClient, pingSqlPool } from '../database/sql-pool-ping.js';

/**
 * A Drizzle database object (what `drizzle(...)` returns), typed by the little the check uses, so that
 * the declarations of this package do not require `drizzle-orm`.
 * @publicApi
 */
export interface DrizzleDatabase {
  /** The driver client the database was made with (Drizzle ≥ 0.33): a node-postgres Pool or Client, a mysql2 pool, ... */
  readonly $client?: unknown;
  /** `PgDialect`, `MySqlDialect`, `SQLiteDialect`: tells the SQL flavour. */
  readonly dialect?: object;
  execute?(query: unknown): unknown;
  run?(query: unknown): unknown;
}

/** The `sql` template tag of `drizzle-orm`, for drivers without a pool of their own to ping. */
export type DrizzleSqlTag = (strings: TemplateStringsArray, ...values: unknown[]) => unknown;

/** What a `DrizzleHealthIndicator` is built with. @publicApi */
export interface DrizzleHealthIndicatorConfig {
  db: DrizzleDatabase;
  /** `sql` of `drizzle-orm`; needed only for drivers other than node-postgres and mysql2. */
  sql?: DrizzleSqlTag;
}

const DIALECTS: Record<string, string> = { PgDialect: 'postgresql', MySqlDialect: 'mysql', SQLiteDialect: 'sqlite', SingleStoreDialect: 'singlestore' };

function dialectOf(db: DrizzleDatabase): string {
  const name = db.dialect?.constructor?.name ?? '';
  return DIALECTS[name] ?? (name.replace(/Dialect$/, '').toLowerCase() || 'unknown');
}

/**
 * Pings one of the app's Drizzle databases with `SELECT 1`, through the app's own driver client: on a
 * node-postgres or mysql2 pool, on one of its connections, dropped if the run times out; on other drivers
 * through Drizzle itself (`db.execute`, or `db.run` on SQLite).
 * @publicApi
 */
@HealthIndicator('drizzle')
export class DrizzleHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: DrizzleHealthIndicatorConfig) {}

  async check({ indicator, signal }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { db } = this.config;
    const data = { orm: 'drizzle', dialect: dialectOf(db) };
    const started = performance.now();
    try {
      await this.ping(signal);
    } catch (error) {
      return indicator.down({ ...data, message: describeError(error) });
    }
    return indicator.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
  }

  private async ping(signal: AbortSignal): Promise<void> {
    const { db, sql } = this.config;
    if (isKnownSqlClient(db.$client)) return pingSqlPool(db.$client, signal);
    if (!sql) throw new Error('this Drizzle driver has no node-postgres or mysql2 client to ping, and drizzle-orm was not loaded');
    const query = sql`select 1`;
    if (dialectOf(db) === 'sqlite' && typeof db.run === 'function') await db.run(query);
    else if (typeof db.execute === 'function') await db.execute(query);
    else throw new Error(`cannot ping a Drizzle database of dialect ${dialectOf(db)}: it has neither execute() nor run()`);
  }
}
