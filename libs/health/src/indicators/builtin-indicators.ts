import type { ModuleRef } from '@nestjs/core';
import type { HealthIndicatorCheck, HealthIndicatorMetadata } from '../interfaces/health-indicator.interface.js';
import type { ResolvedHealthOptions } from '../options/health-options.validator.js';

/** A built-in indicator switched on from the module options, ready to register. */
export interface BuiltinIndicator {
  instance: HealthIndicatorCheck;
  metadata: HealthIndicatorMetadata;
  /** e.g. `HealthModule.forRoot({ redis })`, for error messages. */
  source: string;
}

/**
 * Creates the built-in indicators the options switch on. Each is a `@HealthIndicator` class; its
 * optional peer (typeorm, ioredis) is imported only here, only when switched on.
 */
export async function createBuiltinIndicators(_options: ResolvedHealthOptions, _moduleRef: ModuleRef): Promise<BuiltinIndicator[]> {
  return [];
}
