import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import { checkName, indicatorFields, megabytes, url } from '../../validation/indicator-option-rules.js';
import { either, func, nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin } from '../builtin-kind.js';
import { RedisHealthIndicator, type RedisHealthClient } from './redis.indicator.js';

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

/** The check's name when `redis.name` is not set. */
export const REDIS_CHECK_NAME = 'redis';

/** `redis`: an ioredis client of the indicator's own (`url`) or the app's (`client`, an injection token). */
export const redisBuiltin = defineBuiltin({
  option: 'redis',
  rule: shapeOf<RedisIndicatorOptions>()(
    {
      ...indicatorFields,
      name: checkName,
      url: url(['redis', 'rediss']),
      client: either('an injection token (string, symbol or class)', nonEmptyString, func, (v, p) => (typeof v === 'symbol' ? [] : [`"${p}"`])),
      maxUsedMemoryMb: megabytes,
    },
    (value, path) => ((value.url === undefined) === (value.client === undefined) ? [`"${path}" needs exactly one of "url" or "client"`] : []),
  ),
  // A `url` client is the indicator's own (opened at bootstrap, closed at shutdown); a `client` is the app's provider, looked up at module init.
  create: (section: RedisIndicatorOptions | undefined) => {
    if (!section) return null;
    return section.url === undefined ? section : new RedisHealthIndicator({ url: section.url, maxUsedMemoryMb: section.maxUsedMemoryMb });
  },
  register: (value, section, moduleRef) => {
    const instance =
      value instanceof RedisHealthIndicator
        ? value
        : new RedisHealthIndicator({ client: resolveRedisClient(section.client!, moduleRef), maxUsedMemoryMb: section.maxUsedMemoryMb });
    return [builtinEntry(instance, section.name ?? REDIS_CHECK_NAME, section, 'HealthModule.forRoot({ redis })')];
  },
});

/** The ioredis client provided under `redis.client`; a missing provider or another kind of value stops startup. */
function resolveRedisClient(token: NonNullable<RedisIndicatorOptions['client']>, moduleRef: ModuleRef): RedisHealthClient {
  const described = typeof token === 'function' ? token.name : String(token);
  let client: unknown;
  try {
    client = moduleRef.get(token as InjectionToken, { strict: false });
  } catch {
    throw new HealthOptionsError([
      `"redis.client": no provider is registered under ${described}; provide your ioredis client (Redis or Cluster) under that token in a module the app imports`,
    ]);
  }
  const candidate = client as Partial<Record<'status' | 'on' | 'ping' | 'nodes', unknown>> | null;
  if (
    !candidate ||
    typeof candidate.status !== 'string' ||
    typeof candidate.on !== 'function' ||
    (typeof candidate.ping !== 'function' && typeof candidate.nodes !== 'function')
  ) {
    throw new HealthOptionsError([`"redis.client": the provider ${described} is not an ioredis Redis or Cluster client`]);
  }
  return client as RedisHealthClient;
}
