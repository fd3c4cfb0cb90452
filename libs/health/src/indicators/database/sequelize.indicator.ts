import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, SequelizeHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { DEFAULT_DATA_SOURCE_NAME } from './database.indicator.js';

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
 * Pings one Sequelize instance (`@nestjs/sequelize`) through Terminus' own `SequelizeHealthIndicator`
 * (`SELECT 1`).
 * @publicApi
 */
@HealthIndicator('database')
export class SequelizeDatabaseHealthIndicator implements HealthIndicatorCheck {
  private readonly terminus: SequelizeHealthIndicator;

  constructor(protected readonly config: SequelizeDatabaseHealthIndicatorConfig) {
    this.terminus = new SequelizeHealthIndicator(config.moduleRef, new HealthIndicatorService());
  }

  async check({ indicator: session }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { sequelize } = this.config;
    const data = { driver: sequelize.getDialect(), orm: 'sequelize', database: sequelize.config.database };
    const key = 'sequelize';
    const started = performance.now();
    const result = await this.terminus.pingCheck(key, { connection: sequelize, timeout: TERMINUS_TIMEOUT_MS });
    const outcome = result[key] as { status: string; message?: unknown } | undefined;
    if (outcome?.status === 'up') return session.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
    const reason = typeof outcome?.message === 'string' && outcome.message ? outcome.message : 'the ping failed';
    return session.down({ ...data, message: `Sequelize "${this.config.connectionName ?? DEFAULT_DATA_SOURCE_NAME}": ${reason}` });
  }
}
