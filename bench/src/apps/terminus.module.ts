import { Controller, Get, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  MemoryHealthIndicator,
  TerminusModule,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEAP_THRESHOLD_BYTES, SLOW_CHECK_COUNT, SLOW_CHECK_MS, type ProbeServerConfig } from '../server-config.js';
import { REDIS_CLIENT, RedisClientCloser, redisClientProvider, waitForFirstByte } from './shared.js';

const CONFIG = Symbol('CONFIG');

/** A Redis indicator as a Terminus user writes one (Terminus 12 has none built in). */
@Injectable()
class RedisPingIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly health: HealthIndicatorService,
  ) {}

  ping(cacheTtlMs: number) {
    const attempt = this.health.check('redis').attempt(async () => {
      await this.redis.ping();
    });
    return cacheTtlMs > 0 ? attempt.cacheFor(cacheTtlMs) : attempt;
  }
}

/** (b) The peer: plain `@nestjs/terminus` controllers doing the same checks as nest-vitals. */
@Controller('health')
class TerminusHealthController {
  private readonly readyChecks: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly redis: RedisPingIndicator,
    @Inject(CONFIG) private readonly config: ProbeServerConfig,
  ) {
    this.readyChecks = this.checksFor(config);
  }

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readyChecks);
  }

  private checksFor(config: ProbeServerConfig): HealthIndicatorFunction[] {
    const ttl = config.cacheTtlMs ?? 0;
    const cached = <T extends { cacheFor(ms: number): T }>(attempt: T): T => (ttl > 0 ? attempt.cacheFor(ttl) : attempt);
    if (config.checks === 'slow5') {
      return Array.from(
        { length: SLOW_CHECK_COUNT },
        (_, index) => () => cached(this.indicators.check(`slow-${index + 1}`).attempt(() => sleep(SLOW_CHECK_MS).then(() => undefined))),
      );
    }
    if (config.checks === 'hung') {
      return [
        () =>
          cached(
            this.indicators
              .check('hung')
              .attempt(({ signal }) => waitForFirstByte(config.hungUrl!, signal))
              .withTimeout(config.timeoutMs ?? 1000),
          ),
      ];
    }
    return [() => cached(this.database.pingCheck('database')), () => this.redis.ping(ttl), () => this.memory.checkHeap('memory_heap', HEAP_THRESHOLD_BYTES)];
  }
}

@Module({})
export class TerminusAppModule {
  static register(config: ProbeServerConfig): DynamicModule {
    return {
      module: TerminusAppModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        TypeOrmModule.forRoot({ type: 'postgres', url: config.databaseUrl, entities: [], synchronize: false, retryAttempts: 1 }),
      ],
      controllers: [TerminusHealthController],
      providers: [{ provide: CONFIG, useValue: config }, redisClientProvider(config.redisUrl), RedisClientCloser, RedisPingIndicator],
    };
  }
}
