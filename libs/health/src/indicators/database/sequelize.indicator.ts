import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, SequelizeHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { DEFAULT_DATA_SOURCE_NAME } from './database.indicator.js';
import { describeError } from '../../execution/check-outcome.js';
import { pingSequelize, releasesSequelizeConnection } from './connection-releasing-ping.js';

/**
 * A Sequelize instance (`sequelize` or `sequelize-typescript`), typed by the little the check needs
 * to see, so that the declarations of this package do not require sequelize to be installed.
 * @publicApi
 */
export interface SequelizeInstance {
  getDialect(): string;
  readonly config: { readonly database?: string };
  query(sql: string): Promise<unknown>;
}

/** What a `SequelizeDatabaseHealthIndicator` is built with. @publicApi */
export interface SequelizeDatabaseHealthIndicatorConfig {
  sequelize: SequelizeInstance;
  /** The connection's name, for messages. @default 'default' */
  connectionName?: string;
  /** Only for Terminus' indicator, which looks a connection up through it when given none (this check always gives one). */
  moduleRef: ModuleRef;
}

/**
 * Terminus races its own timer; ours is the runner's (`timeoutMs`, which aborts the run and
 * reports `timed out after N ms`). So Terminus gets the longest timer Node allows, which never
 * decides (its `AbortSignal.timeout` does not keep the process alive).
 */
const TERMINUS_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Pings one Sequelize instance (`@nestjs/sequelize`) with `SELECT 1`: on PostgreSQL and MySQL on one
 * connection of its pool, dropped when the run times out (`connection-releasing-ping.ts`); on other
 * dialects through Terminus' own `SequelizeHealthIndicator`.
 * @publicApi
 */
@HealthIndicator('database')
export class SequelizeDatabaseHealthIndicator implements HealthIndicatorCheck {
  private readonly terminus: SequelizeHealthIndicator;

  constructor(protected readonly config: SequelizeDatabaseHealthIndicatorConfig) {
    this.terminus = new SequelizeHealthIndicator(config.moduleRef, new HealthIndicatorService());
  }

  async check({ indicator: session, signal }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { sequelize } = this.config;
    const data = { driver: sequelize.getDialect(), orm: 'sequelize', database: sequelize.config.database };
    const started = performance.now();
    const failure = releasesSequelizeConnection(sequelize) ? await this.releasingPing(signal) : await this.terminusPing();
    if (failure === undefined) return session.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
    return session.down({ ...data, message: `Sequelize "${this.config.connectionName ?? DEFAULT_DATA_SOURCE_NAME}": ${failure}` });
  }

  /** PostgreSQL and MySQL: one connection of the pool, dropped when the run times out. The reason of a failure, or `undefined`. */
  private async releasingPing(signal: AbortSignal): Promise<string | undefined> {
    try {
      await pingSequelize(this.config.sequelize, signal);
      return undefined;
    } catch (error) {
      return describeError(error);
    }
  }

  /** Other dialects: Terminus' ping (`SELECT 1` through `sequelize.query`). */
  private async terminusPing(): Promise<string | undefined> {
    const key = 'sequelize';
    const result = await this.terminus.pingCheck(key, { connection: this.config.sequelize, timeout: TERMINUS_TIMEOUT_MS });
    const outcome = result[key] as { status: string; message?: unknown } | undefined;
    if (outcome?.status === 'up') return undefined;
    return typeof outcome?.message === 'string' && outcome.message ? outcome.message : 'the ping failed';
  }
}
