import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, type INestApplication, type Provider } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { HealthIndicator, HealthModule, HealthService, RedisHealthIndicator, type HealthModuleOptions, type HealthStatusChange } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { infoField, RedisServerProcess } from './support/redis-server.js';
import { eventually, getCheck } from './support/report.js';
import { requireService, SERVICES } from './support/services.js';
import { allocatePort } from './support/ports.js';
import { startSilentServer } from './support/tcp-proxy.js';

// Ports: allocated in 17000-17099 (support/ports.ts).
const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;

let app: INestApplication | undefined;
const servers: RedisServerProcess[] = [];
const clients: Redis[] = [];

async function ownRedis(...args: string[]): Promise<RedisServerProcess> {
  const server = new RedisServerProcess(await allocatePort(), args);
  servers.push(server);
  return server;
}

function userClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { lazyConnect: false, ...options });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

async function start(redis: HealthModuleOptions['redis'], providers: Provider[] = [], logger?: OutputCapture['logger']): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', redis })], providers }, logger ? { logger } : {});
  app = started.app;
  return started.url;
}

beforeAll(async () => {
  await requireService('redis');
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const server of servers) server.resume();
});

afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe('Redis indicator (standalone)', () => {
  it('is UP with redisVersion, role, usedMemoryMb and responseTimeMs (URL)', async () => {
    const url = await start({ url: SERVICES.redis.url });
    const check = await getCheck(url, 'redis');
    expect(check.status).toBe('UP');
    expect(check.data).toEqual({
      redisVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      role: 'master',
      usedMemoryMb: expect.any(Number),
      responseTimeMs: expect.any(Number),
    });
    expect(check.data!.usedMemoryMb as number).toBeGreaterThan(0);
  });

  it('checks an injected client (by token) under its own name, and leaves it open at shutdown', async () => {
    const client = userClient(SERVICES.redis.url);
    const url = await start({ client: 'CACHE_REDIS', name: 'cache' }, [{ provide: 'CACHE_REDIS', useValue: client }]);
    expect(await getCheck(url, 'cache')).toMatchObject({ status: 'UP', data: { role: 'master' } });
    await app!.close();
    app = undefined;
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
  });

  it('a subclass provided by the user checks its injected client under its own name', async () => {
    @HealthIndicator('sessions-redis', { critical: false })
    class SessionsRedisIndicator extends RedisHealthIndicator {
      constructor(@Inject('SESSIONS_REDIS') client: Redis) {
        super({ client, maxUsedMemoryMb: 0.01 });
      }
    }
    const client = userClient(SERVICES.redis.url);
    const url = await start(undefined, [{ provide: 'SESSIONS_REDIS', useValue: client }, SessionsRedisIndicator]);
    expect(await getCheck(url, 'sessions-redis')).toMatchObject({ status: 'DEGRADED', critical: false, data: { role: 'master' } });
  });

  it('is DEGRADED above maxUsedMemoryMb', async () => {
    const url = await start({ url: SERVICES.redis.url, maxUsedMemoryMb: 0.01 });
    const check = await getCheck(url, 'redis');
    expect(check.status).toBe('DEGRADED');
    expect(check.message).toMatch(/^used memory [\d.]+ MB is above maxUsedMemoryMb \(0\.01 MB\)$/);
    expect(check.data).toHaveProperty('usedMemoryMb');
  });

  it('opens one connection at bootstrap and reuses it for every probe, and closes it at shutdown', async () => {
    const server = await ownRedis();
    await server.start();
    const url = await start({ url: server.url });
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      5000,
    );
    const before = Number(infoField(await server.cli('INFO', 'stats'), 'total_connections_received'));
    await Promise.all(Array.from({ length: 20 }, () => getCheck(url, 'redis')));
    for (let probe = 0; probe < 20; probe++) expect((await getCheck(url, 'redis')).status).toBe('UP');
    const after = Number(infoField(await server.cli('INFO', 'stats'), 'total_connections_received'));
    // Only the redis-cli call that reads the counter connects.
    expect(after - before).toBe(1);
    expect((await server.cli('CLIENT', 'LIST')).match(/name=nest-vitals-health/g)).toHaveLength(1);
    await app!.close();
    app = undefined;
    await eventually(
      () => server.cli('CLIENT', 'LIST'),
      (list) => !list.includes('name=nest-vitals-health'),
      3000,
    );
  });

  it('is DOWN at once when the server stops, and UP again when it comes back, without restarting the app', async () => {
    const server = await ownRedis();
    await server.start();
    const url = await start({ url: server.url, timeoutMs: TIMEOUT_MS });
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      5000,
    );

    await server.stop();
    const down = await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'DOWN',
      5000,
    );
    expect(down.error).toMatch(/reconnecting|ECONNREFUSED|closed/);
    // While ioredis reconnects, every probe answers at once rather than waiting on a queue.
    for (let probe = 0; probe < 5; probe++) {
      const check = await getCheck(url, 'redis');
      expect(check.status).toBe('DOWN');
      expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }

    await server.start();
    const up = await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toMatchObject({ role: 'master' });
  });

  it('does not hang on an injected client whose offline queue would wait forever', async () => {
    const server = await ownRedis();
    await server.start();
    // ioredis defaults: offline queue on, so a command sent while reconnecting waits.
    const client = userClient(server.url);
    const url = await start({ client: 'REDIS', timeoutMs: TIMEOUT_MS }, [{ provide: 'REDIS', useValue: client }]);
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      5000,
    );

    await server.stop();
    await eventually(
      () => Promise.resolve(client.status),
      (status) => status === 'reconnecting',
      5000,
      20,
    );
    // Right away: a run whose PING was in flight when the server died ended at the drop, so no probe waits on the queue.
    for (let probe = 0; probe < 3; probe++) {
      const check = await getCheck(url, 'redis');
      expect(check).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/reconnecting/) });
      expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }

    await server.start();
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      10_000,
    );
  });

  it('ends a check whose PING was in flight when the connection dropped at the drop, not at its timeout (injected client)', async () => {
    const server = await ownRedis();
    await server.start();
    // ioredis defaults: a command in flight when the connection drops is sent again once it is back, and held meanwhile.
    const client = userClient(server.url);
    const timeoutMs = 5000;
    const url = await start({ client: 'REDIS', timeoutMs }, [{ provide: 'REDIS', useValue: client }]);
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      5000,
    );

    // Frozen, the server leaves the probe's PING unanswered; then it dies and the connection drops under the PING.
    await server.pause();
    const probe = getCheck(url, 'redis');
    await sleep(300);
    const droppedAt = performance.now();
    await server.stop();
    const check = await probe;
    expect(check).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/^connection to Redis lost, reconnecting/) });
    expect(performance.now() - droppedAt).toBeLessThan(timeoutMs / 2);
    // The check's slot is free: the next probe says why, not "still running".
    const next = await getCheck(url, 'redis');
    expect(next).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/reconnecting/) });
    expect(next.elapsedMs).toBeLessThan(SLACK_MS);
  });

  it('opens one client of `url` when the bootstrap hook and the first check ask for it at once, and closes it at shutdown', async () => {
    const server = await ownRedis();
    await server.start();
    const watcher = userClient(server.url);
    const healthClients = async () =>
      String(await watcher.client('LIST'))
        .split('\n')
        .filter((line) => / name=nest-vitals-health /.test(line)).length;
    const indicator = new RedisHealthIndicator({ url: server.url });
    await indicator.onModuleInit();
    // As Nest runs the module's bootstrap hooks: the indicator's, and the startup gate's, whose run checks at once.
    const [, result] = await Promise.all([
      indicator.onApplicationBootstrap(),
      indicator.check({ signal: new AbortController().signal, indicator: new HealthIndicatorService().check('redis') }),
    ]);
    try {
      expect(result).toMatchObject({ redis: { status: 'up' } });
      expect(await healthClients()).toBe(1);
    } finally {
      indicator.onApplicationShutdown();
    }
    // Nothing left open behind the app: a second client would reconnect for ever.
    expect(await eventually(healthClients, (count) => count === 0, 5000)).toBe(0);
  });

  it('is DOWN within timeoutMs + 100 ms when the server accepts the connection and never answers', async () => {
    const silentPort = await allocatePort();
    const silent = await startSilentServer(silentPort);
    try {
      const url = await start({ url: `redis://127.0.0.1:${silentPort}`, timeoutMs: TIMEOUT_MS });
      for (let probe = 0; probe < 2; probe++) {
        const check = await getCheck(url, 'redis');
        expect(check.status).toBe('DOWN');
        expect(check.error).toBe(`timed out after ${TIMEOUT_MS} ms`);
        expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
      // One connection, however many probes.
      expect(silent.connections()).toBe(1);
    } finally {
      await app?.close();
      app = undefined;
      await silent.close();
    }
  });

  it('is DOWN within timeoutMs + 100 ms when a connected server freezes, and UP again when it resumes', async () => {
    const server = await ownRedis();
    await server.start();
    const client = userClient(server.url);
    const url = await start({ url: server.url, timeoutMs: TIMEOUT_MS }, [], undefined);
    const injectedUrl = await (async () => {
      const second = await startApp({
        imports: [HealthModule.forRoot({ details: 'always', redis: { client: 'R', timeoutMs: TIMEOUT_MS } })],
        providers: [{ provide: 'R', useValue: client }],
      });
      return { app: second.app, url: second.url };
    })();
    try {
      await eventually(
        () => getCheck(url, 'redis'),
        (check) => check.status === 'UP',
        5000,
      );
      await eventually(
        () => getCheck(injectedUrl.url, 'redis'),
        (check) => check.status === 'UP',
        5000,
      );

      await server.pause();
      for (const base of [url, injectedUrl.url]) {
        const check = await getCheck(base, 'redis');
        expect(check.status).toBe('DOWN');
        expect(check.error).toBe(`timed out after ${TIMEOUT_MS} ms`);
        expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }

      server.resume();
      await eventually(
        () => getCheck(url, 'redis'),
        (check) => check.status === 'UP',
        5000,
      );
      await eventually(
        () => getCheck(injectedUrl.url, 'redis'),
        (check) => check.status === 'UP',
        5000,
      );
    } finally {
      server.resume();
      await injectedUrl.app.close();
    }
  });
});

describe('Redis indicator: connection events', () => {
  /** Resolves with performance.now() at the first change of check `name` to `to`. */
  function nextChange(name: string, to: string): Promise<number> {
    const service = app!.get(HealthService);
    return new Promise((resolve) => {
      const subscription = service.changes$.subscribe((change: HealthStatusChange) => {
        if (change.kind === 'check' && change.name === name && change.to === to) {
          subscription.unsubscribe();
          resolve(performance.now());
        }
      });
    });
  }

  it('turns DOWN within 50 ms of the client’s close event, long before the next refresh', async () => {
    const server = await ownRedis();
    await server.start();
    const client = userClient(server.url);
    let closedAt: number | undefined;
    client.on('close', () => (closedAt ??= performance.now()));
    // A refresh every 60 s: only the close event can explain a quick DOWN.
    const url = await start({ client: 'CACHE_REDIS', name: 'cache', refreshIntervalMs: 60_000 }, [{ provide: 'CACHE_REDIS', useValue: client }]);
    await eventually(
      () => getCheck(url, 'cache'),
      (check) => check.status === 'UP',
      5000,
    );

    const down = nextChange('cache', 'DOWN');
    await server.stop();
    const downAt = await down;
    expect(closedAt).toBeDefined();
    expect(downAt - closedAt!).toBeLessThan(50);
    expect((await getCheck(url, 'cache')).status).toBe('DOWN');
  });

  it('with url: UP again within refreshIntervalMs + 50 ms of the server’s return (short reconnect retry, re-checked on ready)', async () => {
    const refreshIntervalMs = 500;
    const server = await ownRedis();
    await server.start();
    const url = await start({ url: server.url, refreshIntervalMs, timeoutMs: 400 });
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      5000,
    );
    const down = nextChange('redis', 'DOWN');
    await server.stop();
    await down;
    // An outage of 1.5 s, not a condition to poll for: long enough for an exponential backoff to grow.
    await sleep(1500);

    const up = nextChange('redis', 'UP');
    await server.start();
    const answeringAt = performance.now();
    const upAt = await up;
    expect(upAt - answeringAt).toBeLessThan(refreshIntervalMs + 50);
    expect((await getCheck(url, 'redis')).status).toBe('UP');
  });
});

describe('Redis credentials', () => {
  const PASSWORD = 'R3disPassw0rd-nv';
  const WRONG_PASSWORD = 'Wr0ngRedisPass-nv';

  it('never shows the password of the URL, right or wrong, in responses or logs', async () => {
    const server = await ownRedis('--requirepass', PASSWORD);
    await server.start();
    const capture = new OutputCapture().start();
    try {
      const goodUrl = await start({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}`, timeoutMs: TIMEOUT_MS }, [], capture.logger);
      const good = await eventually(
        () => getCheck(goodUrl, 'redis'),
        (check) => check.status === 'UP',
        5000,
      );
      const goodReport = await fetch(`${goodUrl}/health`).then(async (response) => `${[...response.headers].join('\n')}\n${await response.text()}`);
      await app!.close();

      const badUrl = await start({ url: `redis://default:${WRONG_PASSWORD}@127.0.0.1:${server.port}`, timeoutMs: TIMEOUT_MS }, [], capture.logger);
      const bad = await eventually(
        () => getCheck(badUrl, 'redis'),
        (check) => check.status === 'DOWN' && /WRONGPASS|NOAUTH/.test(check.error ?? ''),
        5000,
      );
      const badReport = await fetch(`${badUrl}/health`).then(async (response) => `${[...response.headers].join('\n')}\n${await response.text()}`);
      await app!.close();
      app = undefined;

      expect(capture.logger.lines.length).toBeGreaterThan(0);
      expectNoSecret([PASSWORD, WRONG_PASSWORD], {
        'UP response': good.raw,
        'DOWN response': bad.raw,
        reports: [goodReport, badReport],
        'log lines': capture.lines(),
      });
    } finally {
      capture.stop();
    }
  });
});
