import { createServer } from 'node:http';
import { allocatePort } from '../../../test/support/ports.js';
import { RedisServerProcess } from '../../../test/support/redis-server.js';
import { TcpProxy, startSilentServer } from '../../../test/support/tcp-proxy.js';

export { TcpProxy, startSilentServer };

/** Loopback ports of the benchmark, apart from the test suites' 17000–17099. */
const BENCH_PORTS = { from: 17370, to: 17399 };

export function benchPort(): Promise<number> {
  return allocatePort(BENCH_PORTS);
}

const redisServers = new Set<RedisServerProcess>();
process.on('exit', () => {
  for (const redis of redisServers) void redis.stop();
});

/** A redis-server of the harness's own (the shared one on 6379 is never stopped, frozen or counted). */
export async function startRedis(): Promise<RedisServerProcess> {
  const redis = new RedisServerProcess(await benchPort());
  redisServers.add(redis);
  await redis.start();
  return redis;
}

export async function stopRedis(redis: RedisServerProcess): Promise<void> {
  await redis.stop();
  redisServers.delete(redis);
}

/** Calls of one command since the last `CONFIG RESETSTAT`. */
export async function commandCalls(redis: RedisServerProcess, command: string): Promise<number> {
  const stats = await redis.cli('INFO', 'commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

/** An HTTP dependency that answers 200 and counts the requests it gets. */
export interface HttpPeer {
  port: number;
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startHttpPeer(): Promise<HttpPeer> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"UP"}');
  });
  const port = await benchPort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/health`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP proxy on a port of the bench's range, forwarding to `target`: `stop()` refuses, `hang()` freezes. */
export async function startProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const proxy = new TcpProxy(await benchPort(), target);
  await proxy.start();
  return proxy;
}

/** Host and port of a URL such as `postgres://user@host:5432/db`. */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

/** The shared Redis: (b)'s app opens a client to it in scenarios that never send it a command. Never stopped or counted. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';
