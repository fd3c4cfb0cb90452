import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthExecutor } from '../execution/health-executor.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';

/** Starts the background refresh of every check (`refreshIntervalMs`) once the app has bootstrapped. */
@Injectable()
export class BackgroundRefresh implements OnApplicationBootstrap {
  constructor(
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
  ) {}

  onApplicationBootstrap(): void {
    this.executor.startRefresh(this.registry.all());
  }
}
