import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';

/**
 * A `PrismaClient` (or a class extending it), typed by the little the check uses, so that the
 * declarations of this package do not require `@prisma/client`.
 * @publicApi
 */
export interface PrismaClientLike {
  $queryRawUnsafe?(query: string): Promise<unknown>;
  $runCommandRaw?(command: Record<string, unknown>): Promise<unknown>;
}

/** What a `PrismaHealthIndicator` is built with. @publicApi */
export interface PrismaHealthIndicatorConfig {
  client: PrismaClientLike;
}

/** The cheapest round trip per Prisma provider. */
const PING_SQL: Record<string, string> = {
  postgresql: 'SELECT 1',
  cockroachdb: 'SELECT 1',
  mysql: 'SELECT 1',
  sqlite: 'SELECT 1',
  sqlserver: 'SELECT 1',
};

/** The provider of the schema the client was generated from (`postgresql`, `mysql`, `mongodb`, ...). */
export function prismaProviderOf(client: PrismaClientLike): string {
  const provider = (client as { _activeProvider?: unknown })._activeProvider;
  return typeof provider === 'string' ? provider : 'unknown';
}

/**
 * Pings the app's own PrismaClient with its provider's cheapest statement (`SELECT 1` through
 * `$queryRawUnsafe`; on MongoDB the `ping` command through `$runCommandRaw`). Prisma takes no abort
 * signal: a stalled ping holds one of the client's connections until it settles, and the runner invokes
 * the check again only then.
 * @publicApi
 */
@HealthIndicator('prisma')
export class PrismaHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: PrismaHealthIndicatorConfig) {}

  async check({ indicator }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { client } = this.config;
    const provider = prismaProviderOf(client);
    const data = { orm: 'prisma', provider };
    const started = performance.now();
    try {
      if (provider === 'mongodb') await client.$runCommandRaw!({ ping: 1 });
      else await client.$queryRawUnsafe!(PING_SQL[provider] ?? 'SELECT 1');
    } catch (error) {
      // Prisma opens its messages with the call ("Invalid `prisma.$queryRawUnsafe()` invocation:"); the reason follows.
      return indicator.down({
        ...data,
        message: describeError(error)
          .replace(/^\s*Invalid `[^`]*` invocation:\s*/, '')
          .trim(),
      });
    }
    return indicator.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
  }
}
