import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';

type WithLifecycle = HealthIndicatorCheck & Partial<OnApplicationBootstrap & OnApplicationShutdown>;

/**
 * Built-in indicators are created from the options, not by Nest, so Nest does not call their
 * lifecycle hooks; this provider relays them: `onApplicationBootstrap` (e.g. the Redis client of
 * `url` connects) and `onApplicationShutdown` (it is closed, timers stop).
 */
@Injectable()
export class BuiltinIndicatorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly indicators: WithLifecycle[] = [];

  track(indicator: WithLifecycle): void {
    this.indicators.push(indicator);
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.indicators.map((indicator) => indicator.onApplicationBootstrap?.()));
  }

  async onApplicationShutdown(): Promise<void> {
    const indicators = this.indicators.splice(0);
    await Promise.allSettled(indicators.map((indicator) => indicator.onApplicationShutdown?.()));
  }
}
