import type { InjectionToken } from '@nestjs/common';
import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** `redis` option of `HealthModule.forRoot`: checks an ioredis client (standalone or Cluster). @publicApi */
export interface RedisIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'redis' */
  name?: string;
  /** Connection URL (`redis://user:pass@host:6379/0`); the indicator opens one client and reuses it. */
  url?: string;
  /** Token of an injected ioredis client (`Redis` or `Cluster`) to check instead of a URL. */
  client?: InjectionToken;
  /** Above this many MB of `used_memory` the check is DEGRADED. */
  maxUsedMemoryMb?: number;
}
