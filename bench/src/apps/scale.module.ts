import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { HealthIndicator, HealthIndicatorService, HealthModule, type HealthIndicatorCheck } from 'nest-vitals';
import type { ScaleServerConfig } from '../server-config.js';
import { MetricsController } from './shared.js';

/** A user indicator that touches nothing outside the process, made at bootstrap. */
function inMemoryIndicator(name: string, index: number): Type<HealthIndicatorCheck> {
  @HealthIndicator(name)
  class InMemoryIndicator implements HealthIndicatorCheck {
    constructor(private readonly health: HealthIndicatorService) {}
    check() {
      return this.health.check(name).up({ index });
    }
  }
  return InMemoryIndicator;
}

/** nest-vitals with `checks` user indicators plus one HTTP dependency, all refreshed in the background. */
@Module({})
export class ScaleAppModule {
  static register(config: ScaleServerConfig): DynamicModule {
    const providers = Array.from({ length: config.checks }, (_, index) => inMemoryIndicator(`check-${index + 1}`, index));
    return {
      module: ScaleAppModule,
      imports: [
        HealthModule.forRoot({
          service: { name: 'scale', version: '1.0.0', environment: 'bench' },
          apiKey: config.apiKey,
          refreshIntervalMs: config.refreshIntervalMs,
          timeoutMs: 500,
          http: { dependency: { url: config.httpUrl } },
        }),
      ],
      providers,
      controllers: [MetricsController],
    };
  }
}
