import { Controller, Get, Header, Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { register } from 'prom-client';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** One ioredis client per app, as an app that already talks to Redis has. */
export function redisClientProvider(url: string) {
  return {
    provide: REDIS_CLIENT,
    useFactory: () => new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }),
  };
}

@Injectable()
export class RedisClientCloser implements OnModuleDestroy {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}
  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

/** Connects to a TCP server and waits for a first byte; the hung server never sends one. */
export function waitForFirstByte(url: string, signal: AbortSignal): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = (error?: Error) => {
      socket.destroy();
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'));
    socket.once('data', () => finish());
    socket.once('error', (error) => finish(error));
  });
}

/** Serves prom-client's default registry, where nest-vitals records its metrics (as the sample app does). */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  scrape(): Promise<string> {
    return register.metrics();
  }
}
