import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { HealthModule, type RedisIndicatorOptions } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { infoField, RedisServerProcess } from './support/redis-server.js';
import { allocatePort } from './support/ports.js';
import { eventually, getCheck } from './support/report.js';

// Ports: allocated in 17000-17099 (support/ports.ts), three for clients and three for the cluster bus.
const PORTS: number[] = [];
const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;
const run = promisify(execFile);

let dir: string;
let nodes: RedisServerProcess[] = [];
let cluster: Cluster;
let app: INestApplication | undefined;

async function clusterState(node: RedisServerProcess): Promise<string | undefined> {
  return infoField(await node.cli('CLUSTER', 'INFO'), 'cluster_state');
}

async function start(options: Partial<RedisIndicatorOptions> = {}): Promise<string> {
  const started = await startApp({
    imports: [HealthModule.forRoot({ details: 'always', redis: { client: 'REDIS_CLUSTER', timeoutMs: TIMEOUT_MS, ...options } })],
    providers: [{ provide: 'REDIS_CLUSTER', useValue: cluster }],
  });
  app = started.app;
  return started.url;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nest-vitals-cluster-'));
  for (let node = 0; node < 3; node++) PORTS.push(await allocatePort());
  const busPorts = [await allocatePort(), await allocatePort(), await allocatePort()];
  nodes = PORTS.map(
    (port, index) =>
      new RedisServerProcess(
        port,
        [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${index}.conf`,
          '--cluster-node-timeout',
          '1000',
          '--cluster-port',
          String(busPorts[index]),
          '--dir',
          dir,
        ],
        dir,
      ),
  );
  await Promise.all(nodes.map((node) => node.start()));
  await run('redis-cli', ['--cluster', 'create', ...PORTS.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20_000 });
  for (const node of nodes)
    await eventually(
      () => clusterState(node),
      (state) => state === 'ok',
      20_000,
      200,
    );
  cluster = new Cluster([{ host: '127.0.0.1', port: PORTS[0] }]);
  cluster.on('error', () => undefined);
  await eventually(
    () => Promise.resolve(cluster.status),
    (status) => status === 'ready',
    10_000,
    50,
  );
}, 60_000);

afterEach(async () => {
  for (const node of nodes) node.resume();
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  cluster?.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Redis indicator (Cluster client)', () => {
  it('is UP with cluster_state:ok and its data', async () => {
    const url = await start({ name: 'sessions' });
    const check = await getCheck(url, 'sessions');
    expect(check.status).toBe('UP');
    expect(check.data).toEqual({
      clusterState: 'ok',
      clusterSize: 3,
      clusterKnownNodes: 3,
      clusterSlotsOk: 16384,
      redisVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      usedMemoryMb: expect.any(Number),
      responseTimeMs: expect.any(Number),
    });
  });

  it('is DEGRADED when a master uses more than maxUsedMemoryMb', async () => {
    const url = await start({ maxUsedMemoryMb: 0.01 });
    expect(await getCheck(url, 'redis')).toMatchObject({
      status: 'DEGRADED',
      message: expect.stringMatching(/^used memory [\d.]+ MB is above maxUsedMemoryMb/),
    });
  });

  it('is DOWN within timeoutMs + 100 ms while every node is frozen, and UP again when they resume', async () => {
    const url = await start();
    expect((await getCheck(url, 'redis')).status).toBe('UP');
    await Promise.all(nodes.map((node) => node.pause()));
    // The first probe's command times out; it stays pending, so the second probe does not send another.
    const reasons = [
      `timed out after ${TIMEOUT_MS} ms`,
      expect.stringMatching(new RegExp(`^still running after \\d+ ms \\(timed out after ${TIMEOUT_MS} ms\\)$`)),
    ];
    for (const reason of reasons) {
      const check = await getCheck(url, 'redis');
      expect(check).toMatchObject({ status: 'DOWN', error: reason });
      expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    for (const node of nodes) node.resume();
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      20_000,
      200,
    );
  });

  it('is DOWN when a master stops (cluster_state:fail), and UP again once it is back, without restarting the app', async () => {
    const url = await start();
    expect((await getCheck(url, 'redis')).status).toBe('UP');
    const stopped = nodes[2];
    await stopped.stop();
    const down = await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'DOWN',
      15_000,
      200,
    );
    expect(down.error).toMatch(/cluster_state:fail|timed out|no Redis Cluster master/);
    expect(down.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    await eventually(
      () => getCheck(url, 'redis'),
      (check) => /cluster_state:fail \(\d+ of 16384 slots ok, 3 known nodes\)/.test(check.error ?? ''),
      15_000,
      200,
    );

    await stopped.start();
    const up = await eventually(
      () => getCheck(url, 'redis'),
      (check) => check.status === 'UP',
      30_000,
      250,
    );
    expect(up.data).toMatchObject({ clusterState: 'ok', clusterSlotsOk: 16384 });
  });
});
