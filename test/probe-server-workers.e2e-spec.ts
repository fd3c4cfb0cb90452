import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy, type ClientOptions } from '@nestjs/microservices';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { portAccepts } from './support/server-process.js';

const FIXTURE = 'test/fixtures/probe-server-app.mjs';
const DRAIN_MS = 1500;
const NATS: ClientOptions = { transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'] } };
const rmq = (queue: string): ClientOptions => ({
  transport: Transport.RMQ,
  options: { urls: ['amqp://guest:guest@127.0.0.1:5672'], queue, queueOptions: { durable: false, autoDelete: true } },
});

let proc: RunningProcess | undefined;
let client: ClientProxy | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await proc?.stop();
  proc = undefined;
});

beforeAll(async () => {
  expect(existsSync('dist/apps/sample/libs/health/src/index.js')).toBe(true);
  // Real brokers: a missing one fails the suite, it never skips.
  for (const [name, port] of [
    ['NATS', 4222],
    ['RabbitMQ', 5672],
  ] as const) {
    if (!(await portAccepts(port, 1000))) throw new Error(`${name} is not reachable on 127.0.0.1:${port}; start it (see .ci/run) before running the suite`);
  }
});

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until the URL answers the status (the startup gate opens in the background after bootstrap). */
async function eventually(url: string, status: number, timeoutMs = 10_000): Promise<{ status: number; body: Record<string, unknown> }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const answer = await get(url).catch(() => undefined);
    if (answer?.status === status) return answer;
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms; last: ${JSON.stringify(answer)}\n${proc?.output()}`);
    await sleep(50);
  }
}

/** Starts the fixture, waits until it serves, checks the probes 200 on the probe port. */
async function startWorker(kind: string, env: Record<string, string> = {}): Promise<string> {
  const probePort = await allocatePort();
  proc = startNode([FIXTURE], { KIND: kind, PROBE_PORT: String(probePort), DRAIN_MS: String(DRAIN_MS), ...env });
  await waitForOutput(proc, new RegExp(`ready ${kind}`));
  const base = `http://127.0.0.1:${probePort}/health`;
  expect(proc.output()).toContain(`probe server listening on http://127.0.0.1:${probePort}/health`);
  expect(await get(`${base}/live`)).toEqual({ status: 200, body: { status: 'UP' } });
  expect((await eventually(`${base}/ready`, 200)).body.status).toBe('UP');
  expect((await eventually(`${base}/startup`, 200)).body).toEqual({ status: 'UP' });
  return base;
}

/** SIGTERM: readiness 503 SHUTTING_DOWN at once while liveness stays 200, then the process exits 0 and the probe port closes. */
async function expectDrain(base: string, reason: string | RegExp = 'received SIGTERM; draining'): Promise<void> {
  const running = proc!;
  const signalledAt = performance.now();
  running.child.kill('SIGTERM');
  const ready = await eventually(`${base}/ready`, 503, 2000);
  expect(ready.body).toMatchObject({ status: 'SHUTTING_DOWN', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
  expect(await get(`${base}/live`)).toEqual({ status: 200, body: { status: 'UP' } });
  const exit = await running.exited;
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  expect(exit.at - signalledAt).toBeGreaterThanOrEqual(DRAIN_MS);
  expect(running.output()).toContain(`draining for ${DRAIN_MS} ms before shutdown`);
  expect(await portAccepts(Number(new URL(base).port))).toBe(false);
}

describe('probe server in apps without an HTTP server of their own (real processes, real brokers)', () => {
  it('a NATS worker (createMicroservice) serves probes on the probe server, answers its pattern, and drains on SIGTERM', async () => {
    const base = await startWorker('nats');
    client = ClientProxyFactory.create(NATS);
    expect(await firstValueFrom(client.send('probe.echo', 'over nats'))).toEqual({ echo: 'over nats', pid: proc!.child.pid });
    await expectDrain(base);
  });

  it('a RabbitMQ worker (createMicroservice) serves probes on the probe server, answers its pattern, and drains on SIGTERM', async () => {
    const queue = `nest-vitals-probe-server-${process.pid}`;
    const base = await startWorker('rmq', { RMQ_QUEUE: queue });
    client = ClientProxyFactory.create(rmq(queue));
    expect(await firstValueFrom(client.send('probe.echo', 'over rabbitmq'))).toEqual({ echo: 'over rabbitmq', pid: proc!.child.pid });
    await expectDrain(base);
  });

  it('a hybrid app (HTTP + connectMicroservice) serves its routes, its pattern and the probes; the in-app health paths are not mounted', async () => {
    const port = await allocatePort();
    const base = await startWorker('hybrid', { PORT: String(port) });
    expect(await get(`http://127.0.0.1:${port}/hello`)).toEqual({ status: 200, body: { hello: 'world' } });
    expect((await get(`http://127.0.0.1:${port}/health/live`)).status).toBe(404);
    client = ClientProxyFactory.create(NATS);
    expect(await firstValueFrom(client.send('probe.echo', 'hybrid'))).toEqual({ echo: 'hybrid', pid: proc!.child.pid });
    await expectDrain(base);
  });

  it('a standalone context (createApplicationContext) serves probes and drains on SIGTERM', async () => {
    const base = await startWorker('context');
    // The context was bootstrapped before enableShutdownHooks(): Nest names the signal only after the destroy hooks began the drain.
    await expectDrain(base, /^(received SIGTERM(; draining)?|application is shutting down)$/);
  });
});
