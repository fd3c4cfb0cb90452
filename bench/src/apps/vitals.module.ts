import { Controller, Get, Inject, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import {
  HealthIndicator,
  HealthIndicatorService,
  HealthModule,
  type HealthCheckContext,
  type HealthIndicatorCheck,
  type HealthModuleOptions,
} from 'nest-vitals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { HEAP_THRESHOLD_BYTES, SLOW_CHECK_COUNT, SLOW_CHECK_MS, type ProbeServerConfig } from '../server-config.js';
import { REDIS_CLIENT, RedisClientCloser, redisClientProvider, waitForFirstByte } from './shared.js';

// User-defined indicators doing what the built-ins do: a database `SELECT 1`, a Redis PING, the heap size.

@HealthIndicator('database')
class DatabaseIndicator implements HealthIndicatorCheck {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}
  check() {
    return this.health.check('database').attempt(async () => {
      await this.dataSource.query('SELECT 1');
    });
  }
}

@HealthIndicator('redis')
class RedisIndicator implements HealthIndicatorCheck {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly health: HealthIndicatorService,
  ) {}
  check() {
    return this.health.check('redis').attempt(async () => {
      await this.redis.ping();
    });
  }
}

@HealthIndicator('memory')
class MemoryIndicator implements HealthIndicatorCheck {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    const heapUsed = process.memoryUsage().heapUsed;
    const session = this.health.check('memory');
    return heapUsed < HEAP_THRESHOLD_BYTES ? session.up({ heapUsed }) : session.down({ heapUsed });
  }
}

function slowIndicator(name: string): Type<HealthIndicatorCheck> {
  @HealthIndicator(name)
  class SlowIndicator implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    async check() {
      await sleep(SLOW_CHECK_MS);
      return this.health.check(name).up();
    }
  }
  return SlowIndicator;
}

function hungIndicator(url: string): Type<HealthIndicatorCheck> {
  @HealthIndicator('hung')
  class HungIndicator implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    check({ signal }: HealthCheckContext) {
      return this.health.check('hung').attempt(() => waitForFirstByte(url, signal));
    }
  }
  return HungIndicator;
}

/** A bare route inside the nest-vitals app: the framework's limit for this very process (same modules, middleware, heap). */
@Controller('bare-in-app')
class InAppBareController {
  @Get()
  up(): { status: string } {
    return { status: 'UP' };
  }
}

/** (c) nest-vitals, as a user configures it. */
@Module({})
export class VitalsAppModule {
  static register(config: ProbeServerConfig): DynamicModule {
    const options: HealthModuleOptions = {
      service: { name: 'bench', version: '1.0.0', environment: 'bench' },
      details: config.details === 'default' ? undefined : 'always',
      cacheTtlMs: config.cacheTtlMs,
      refreshIntervalMs: config.refreshIntervalMs,
      timeoutMs: config.timeoutMs,
    };
    const providers: Provider[] = [];
    const imports = [];
    if (config.checks === 'ready') {
      imports.push(TypeOrmModule.forRoot({ type: 'postgres', url: config.databaseUrl, entities: [], synchronize: false, retryAttempts: 1 }));
      if (config.indicators === 'builtin') {
        Object.assign(options, { database: true, redis: { url: config.redisUrl }, memory: { heapUsedMb: { warn: 512, down: 1024 } } });
      } else {
        providers.push(redisClientProvider(config.redisUrl), RedisClientCloser, DatabaseIndicator, RedisIndicator, MemoryIndicator);
      }
    } else if (config.checks === 'slow5') {
      for (let index = 1; index <= SLOW_CHECK_COUNT; index++) providers.push(slowIndicator(`slow-${index}`));
    } else if (config.indicators === 'builtin') {
      options.http = { hung: { url: config.hungUrl! } };
    } else {
      providers.push(hungIndicator(config.hungUrl!));
    }
    return {
      module: VitalsAppModule,
      imports: [...imports, HealthModule.forRoot({ ...options, server: config.probeServer ? { port: 0, host: '127.0.0.1' } : undefined })],
      providers,
      controllers: [InAppBareController],
    };
  }
}
