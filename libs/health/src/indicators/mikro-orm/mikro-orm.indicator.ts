import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { isKnownSqlClient, pingSqlPool } from '../database/sql-pool-ping.js';

/** The connection of a MikroORM driver, as far as the check uses it. */
interface MikroOrmConnection {
  getNativeClient?(): Promise<unknown>;
  checkConnection(): Promise<{ ok: boolean; reason?: string }>;
}

/**
 * A `MikroORM` instance (`@mikro-orm/core` 7), typed by the little the check uses, so that the
 * declarations of this package do not require MikroORM.
 * @publicApi
 */
export interface MikroOrmInstance {
  isConnected(): Promise<boolean>;
  readonly config: { get(key: 'contextName' | 'dbName'): unknown };
  readonly driver: { getConnection(type?: 'read' | 'write'): MikroOrmConnection };
}

/** The context name of a MikroORM instance (`default` for the unnamed one). */
export function mikroOrmContextName(orm: MikroOrmInstance): string {
  const name = orm.config.get('contextName');
  return typeof name === 'string' && name ? name : 'default';
}

/** What a `MikroOrmHealthIndicator` is built with. @publicApi */
export interface MikroOrmHealthIndicatorConfig {
  orm: MikroOrmInstance;
}

/**
 * Pings one of the app's MikroORM instances: `SELECT 1` on one connection of the driver's own pool
 * (PostgreSQL, MySQL, MariaDB: `getNativeClient()`, which opens MikroORM's connection if it has not
 * yet: MikroORM 7 connects on first use), dropped if the run times out; other drivers through MikroORM's
 * `checkConnection()` (what `isConnected()` runs). `isConnected()` itself is not called: it is a
 * `select 1` through Kysely that cannot be taken back, and it answers false until the first query.
 * @publicApi
 */
@HealthIndicator('mikro-orm')
export class MikroOrmHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: MikroOrmHealthIndicatorConfig) {}

  async check({ indicator, signal }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { orm } = this.config;
    const data = { orm: 'mikro-orm', context: mikroOrmContextName(orm), database: orm.config.get('dbName') };
    const connection = orm.driver.getConnection('write');
    const started = performance.now();
    try {
      const client = typeof connection.getNativeClient === 'function' ? await connection.getNativeClient().catch(() => undefined) : undefined;
      if (isKnownSqlClient(client)) await pingSqlPool(client, signal);
      else {
        const outcome = await connection.checkConnection();
        if (!outcome.ok) throw new Error(outcome.reason ?? 'checkConnection() failed');
      }
    } catch (error) {
      return indicator.down({ ...data, message: describeError(error) });
    }
    return indicator.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
  }
}
