import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DependsOn, HealthModule } from 'nest-vitals';
import type { OrdersServerConfig } from '../server-config.js';
import { MetricsController } from './shared.js';

interface Order {
  id: number;
  customer: string;
  totalCents: number;
  status: 'open' | 'paid' | 'shipped';
}

const STATUSES = ['open', 'paid', 'shipped'] as const;

/** An ordinary route of the app: builds and serialises a small page of orders. */
@Controller('orders')
class OrdersController {
  @Get()
  list(): Order[] {
    return Array.from({ length: 10 }, (_, index) => ({
      id: index + 1,
      customer: `customer-${index + 1}`,
      totalCents: (index + 1) * 1250,
      status: STATUSES[index % STATUSES.length],
    }));
  }
}

/** `GET /orders` again, behind `@DependsOn('database')`: what a decorated route costs over the same route undecorated. */
@Controller('guarded-orders')
@DependsOn('database')
class GuardedOrdersController extends OrdersController {}

/** The app-tax app: the same modules and routes, with or without HealthModule and every built-in refreshing. */
@Module({})
export class OrdersAppModule {
  static register(config: OrdersServerConfig): DynamicModule {
    const imports: DynamicModule[] = [TypeOrmModule.forRoot({ type: 'postgres', url: config.databaseUrl, entities: [], synchronize: false, retryAttempts: 1 })];
    const { health } = config;
    if (health) {
      imports.push(
        HealthModule.forRoot({
          service: { name: 'orders', version: '1.0.0', environment: 'bench' },
          apiKey: 'bench-key',
          refreshIntervalMs: health.refreshIntervalMs,
          timeoutMs: health.timeoutMs,
          database: true,
          redis: { url: health.redisUrl },
          ...(health.httpUrl && { http: { dependency: { url: health.httpUrl } } }),
          disk: { path: '/' },
          memory: { heapUsedMb: { warn: 512, down: 1024 } },
          eventLoop: true,
          ...(health.routeAware && { dependsOn: { failFast: true } }),
        }),
      );
    }
    const controllers = health?.routeAware ? [OrdersController, GuardedOrdersController, MetricsController] : [OrdersController, MetricsController];
    return { module: OrdersAppModule, imports, controllers };
  }
}
