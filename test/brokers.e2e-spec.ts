import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthIndicator, HealthModule, NatsHealthIndicator, type HealthModuleOptions } from 'nest-vitals';
import { Registry } from 'prom-client';
import { bootstrapError, startApp } from './support/http-app.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { RabbitMqProxy, SHARED_RABBITMQ } from './support/rabbitmq.js';
import { NatsServerProcess } from './support/nats-server.js';
import { MosquittoProcess } from './support/mosquitto.js';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { eventually, getCheck, getReport } from './support/report.js';

const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;

let app: INestApplication | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

async function start(options: HealthModuleOptions, logger?: OutputCapture['logger']): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, ...options })] }, logger ? { logger } : {});
  app = started.app;
  return started.url;
}

async function stopApp(): Promise<void> {
  await app?.close();
  app = undefined;
}

afterEach(async () => {
  await stopApp();
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe('rabbitmq: { url }', () => {
  it('UP over one connection; DOWN within the timeout when the broker is gone or frozen; UP again by itself; no leaked connection', async () => {
    const rabbit = await RabbitMqProxy.start();
    cleanups.push(() => rabbit.proxy.stop());
    const url = await start({ rabbitmq: { url: rabbit.url } });

    const up = await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toEqual({ responseTimeMs: expect.any(Number) });
    // Several probes, still one connection: a run opens a channel, never a connection.
    for (let run = 0; run < 5; run++) expect((await getCheck(url, 'rabbitmq')).status).toBe('UP');
    expect(await rabbit.connections()).toHaveLength(1);

    // Stopped: the connection closes, the check is DOWN at once, saying since when and why.
    await rabbit.proxy.stop();
    const stopped = await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'DOWN',
      5000,
      20,
    );
    expect(stopped.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(stopped.error).toMatch(/^not connected to RabbitMQ for \d+\.\d s, reconnecting/);
    expect(stopped.data).toEqual({ downForMs: expect.any(Number) });

    await rabbit.proxy.start();
    await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      15_000,
    );
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      200,
    );

    // Frozen: the broker accepts and never answers; the run times out.
    rabbit.proxy.freeze();
    const frozen = await getCheck(url, 'rabbitmq');
    expect(frozen).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
    expect(frozen.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    rabbit.proxy.resume();
    await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      30_000,
    );
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      200,
    );

    // Shutdown closes it.
    await stopApp();
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 0,
      30_000,
      200,
    );
  }, 180_000);

  it('DOWN when the broker refuses the login, without the password in any body, header or log line', async () => {
    const secret = 'rabbit-s3cr3t-pw';
    const capture = new OutputCapture().start();
    let down;
    let report;
    let metrics: string;
    try {
      const registry = new Registry();
      const url = await start(
        { rabbitmq: { url: `amqp://guest:${secret}@127.0.0.1:${SHARED_RABBITMQ.port}`, name: 'broker' }, metrics: { registry } },
        capture.logger,
      );
      down = await eventually(
        () => getCheck(url, 'broker'),
        (check) => check.status === 'DOWN' && /ACCESS.REFUSED/i.test(check.error ?? ''),
        15_000,
      );
      report = await getReport(url);
      metrics = await registry.metrics();
      expect(metrics).toContain('check="broker"');
      await stopApp();
    } finally {
      capture.stop();
    }
    expect(down.error).toMatch(/reconnecting: .*ACCESS.REFUSED/i);
    expectNoSecret([secret], { 'check response': down.raw, report: report.raw, metrics, logs: capture.lines() });
  }, 60_000);

  it('stops bootstrap on a missing or wrong url, naming the option', async () => {
    const noUrl = { rabbitmq: {} } as unknown as HealthModuleOptions;
    expect((await bootstrapError({ imports: [HealthModule.forRoot(noUrl)] })).message).toContain('"rabbitmq.url" is required');
    const wrong = (await bootstrapError({ imports: [HealthModule.forRoot({ rabbitmq: { url: 'http://guest:hidden-pw@localhost' } })] })).message;
    expect(wrong).toContain('"rabbitmq.url" must be a URL with protocol amqp or amqps; got protocol "http"');
    expect(wrong).not.toContain('hidden-pw');
  });
});

describe('nats: { url, jetstream }', () => {
  it('UP over one connection; DOWN within the timeout when the server is gone or frozen; UP again by itself; no leaked connection', async () => {
    const server = await NatsServerProcess.create();
    cleanups.push(() => server.remove());
    await server.start();
    const url = await start({ nats: { url: server.url } });

    const up = await eventually(
      () => getCheck(url, 'nats'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toEqual({ responseTimeMs: expect.any(Number) });
    for (let run = 0; run < 5; run++) expect((await getCheck(url, 'nats')).status).toBe('UP');
    expect((await server.connections()).map((connection) => connection.name)).toEqual(['nest-vitals-health']);

    await server.stop();
    const stopped = await eventually(
      () => getCheck(url, 'nats'),
      (check) => check.status === 'DOWN',
      5000,
      20,
    );
    expect(stopped.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(stopped.error).toMatch(/^not connected to NATS for \d+\.\d s, reconnecting/);
    expect(stopped.data).toEqual({ downForMs: expect.any(Number) });

    await server.start();
    await eventually(
      () => getCheck(url, 'nats'),
      (check) => check.status === 'UP',
      15_000,
    );
    expect((await server.connections()).map((connection) => connection.name)).toEqual(['nest-vitals-health']);

    await server.pause();
    const frozen = await getCheck(url, 'nats');
    expect(frozen).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
    expect(frozen.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    server.resume();
    await eventually(
      () => getCheck(url, 'nats'),
      (check) => check.status === 'UP',
      30_000,
    );
    await eventually(
      () => server.connections(),
      (connections) => connections.length === 1,
      15_000,
      200,
    );

    await stopApp();
    await eventually(
      () => server.connections(),
      (connections) => connections.length === 0,
      10_000,
      100,
    );
  }, 120_000);

  it('JetStream consumer lag: UP, DEGRADED at warn, DOWN at down; a token in the URL appears nowhere', async () => {
    const token = 'nats-t0ken-s3cr3t';
    const server = await NatsServerProcess.create(['--auth', token]);
    cleanups.push(() => server.remove());
    await server.start();
    const producer = await connectNats({ servers: server.url, token, name: 'producer' });
    cleanups.push(() => producer.close());
    const jsm = await jetstreamManager(producer);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
    const js = jsm.jetstream();
    const publish = async (count: number) => {
      for (let index = 0; index < count; index++) await js.publish('orders.created', `order ${index}`);
    };

    const capture = new OutputCapture().start();
    const seen: string[] = [];
    try {
      const url = await start(
        { nats: { url: `nats://${token}@127.0.0.1:${server.port}`, jetstream: { stream: 'ORDERS', consumer: 'worker', lag: { warn: 3, down: 6 } } } },
        capture.logger,
      );
      await publish(2);
      const up = await eventually(
        () => getCheck(url, 'nats'),
        (check) => check.status === 'UP',
        10_000,
      );
      expect(up.data).toEqual({ responseTimeMs: expect.any(Number), stream: 'ORDERS', consumer: 'worker', pending: 2, ackPending: 0, lag: 2 });
      seen.push(up.raw);

      // Delivered, not acknowledged: still lag.
      const consumer = await js.consumers.get('ORDERS', 'worker');
      const fetched = await consumer.fetch({ max_messages: 1, expires: 2000 });
      for await (const message of fetched) expect(message.subject).toBe('orders.created');
      await publish(1);
      const degraded = await getCheck(url, 'nats');
      expect(degraded).toMatchObject({ status: 'DEGRADED', data: { pending: 2, ackPending: 1, lag: 3 } });
      expect(degraded.message).toBe('consumer lag 3 messages reached the warn threshold of 3 messages');
      seen.push(degraded.raw);

      await publish(3);
      const down = await getCheck(url, 'nats');
      expect(down).toMatchObject({ status: 'DOWN', data: { lag: 6 } });
      expect(down.error).toBe('consumer lag 6 messages reached the down threshold of 6 messages');
      seen.push(down.raw, (await getReport(url)).raw);
      await stopApp();

      // A wrong token: refused, and neither token is shown.
      const wrong = 'wrong-t0ken-s3cr3t';
      const registry = new Registry();
      const refusedUrl = await start({ nats: { url: `nats://${wrong}@127.0.0.1:${server.port}` }, metrics: { registry } }, capture.logger);
      const refused = await eventually(
        () => getCheck(refusedUrl, 'nats'),
        (check) => check.status === 'DOWN' && /authorization/i.test(check.error ?? ''),
        10_000,
      );
      seen.push(refused.raw, await registry.metrics());
      await stopApp();
      expectNoSecret([token, wrong], { responses: seen, logs: capture.lines() });
    } finally {
      capture.stop();
    }
  }, 60_000);

  it('a subclass provided by the app is checked under its own name, connects at bootstrap and closes at shutdown', async () => {
    const server = await NatsServerProcess.create();
    cleanups.push(() => server.remove());
    await server.start();
    @HealthIndicator('events-nats', { critical: false })
    class EventsNatsIndicator extends NatsHealthIndicator {
      constructor() {
        super({ url: server.url });
      }
    }
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS })], providers: [EventsNatsIndicator] });
    app = started.app;
    expect(
      await eventually(
        () => getCheck(started.url, 'events-nats'),
        (check) => check.status === 'UP',
        10_000,
      ),
    ).toMatchObject({ critical: false, data: { responseTimeMs: expect.any(Number) } });
    expect(await server.connections()).toHaveLength(1);
    await stopApp();
    await eventually(
      () => server.connections(),
      (connections) => connections.length === 0,
      10_000,
      100,
    );
  });

  it('stops bootstrap on wrong options, naming them', async () => {
    const noConsumer = { nats: { url: 'nats://127.0.0.1:4222', jetstream: { stream: 'ORDERS' } } } as unknown as HealthModuleOptions;
    expect((await bootstrapError({ imports: [HealthModule.forRoot(noConsumer)] })).message).toContain('"nats.jetstream.consumer" is required');
    const inverted = { nats: { url: 'nats://127.0.0.1:4222', jetstream: { stream: 'S', consumer: 'C', lag: { warn: 10, down: 5 } } } };
    expect((await bootstrapError({ imports: [HealthModule.forRoot(inverted)] })).message).toContain(
      '"nats.jetstream.lag.warn" (10) must not be above "nats.jetstream.lag.down" (5)',
    );
    expect((await bootstrapError({ imports: [HealthModule.forRoot({ nats: { url: 'redis://127.0.0.1' } })] })).message).toContain(
      '"nats.url" must be a URL with protocol nats or tls; got protocol "redis"',
    );
  });
});

describe('mqtt: { url }', () => {
  it('UP over one connection; DOWN within the timeout when the broker is gone or frozen; UP again by itself; no leaked connection', async () => {
    const broker = await MosquittoProcess.create();
    cleanups.push(() => broker.remove());
    await broker.start();
    const url = await start({ mqtt: { url: broker.url } });

    const up = await eventually(
      () => getCheck(url, 'mqtt'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toEqual({ responseTimeMs: expect.any(Number) });
    for (let run = 0; run < 5; run++) expect((await getCheck(url, 'mqtt')).status).toBe('UP');
    expect(await broker.connectedClients()).toBe(1);

    await broker.stop();
    const stopped = await eventually(
      () => getCheck(url, 'mqtt'),
      (check) => check.status === 'DOWN',
      5000,
      20,
    );
    expect(stopped.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(stopped.error).toMatch(/^not connected to MQTT broker for \d+\.\d s, reconnecting/);
    expect(stopped.data).toEqual({ downForMs: expect.any(Number) });

    await broker.start();
    await eventually(
      () => getCheck(url, 'mqtt'),
      (check) => check.status === 'UP',
      15_000,
    );
    expect(await broker.connectedClients()).toBe(1);

    await broker.pause();
    const frozen = await getCheck(url, 'mqtt');
    expect(frozen).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
    expect(frozen.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    broker.resume();
    await eventually(
      () => getCheck(url, 'mqtt'),
      (check) => check.status === 'UP',
      30_000,
    );
    await eventually(
      () => broker.connectedClients(),
      (count) => count === 1,
      15_000,
      200,
    );

    await stopApp();
    await eventually(
      () => broker.connectedClients(),
      (count) => count === 0,
      10_000,
      100,
    );
  }, 120_000);

  it('with a password: UP; a wrong one is DOWN "Not authorized"; neither password appears anywhere', async () => {
    const password = 'mqtt-pa55-s3cr3t';
    const wrong = 'mqtt-wr0ng-s3cr3t';
    const dir = await mkdtemp(join(tmpdir(), 'nest-vitals-mqtt-auth-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await promisify(execFile)('mosquitto_passwd', ['-b', '-c', join(dir, 'passwords'), 'health', password]);
    // mosquitto started as root reads its files as the user "mosquitto".
    await chmod(dir, 0o755);
    await chmod(join(dir, 'passwords'), 0o644);
    const broker = await MosquittoProcess.create(['allow_anonymous false', `password_file ${join(dir, 'passwords')}`]);
    cleanups.push(() => broker.remove());
    await broker.start();

    const capture = new OutputCapture().start();
    const seen: string[] = [];
    try {
      const url = await start({ mqtt: { url: `mqtt://health:${password}@127.0.0.1:${broker.port}` } }, capture.logger);
      const up = await eventually(
        () => getCheck(url, 'mqtt'),
        (check) => check.status === 'UP',
        10_000,
      );
      seen.push(up.raw, (await getReport(url)).raw);
      await stopApp();

      const registry = new Registry();
      const refusedUrl = await start(
        { mqtt: { url: `mqtt://health:${wrong}@127.0.0.1:${broker.port}`, name: 'telemetry' }, metrics: { registry } },
        capture.logger,
      );
      const refused = await eventually(
        () => getCheck(refusedUrl, 'telemetry'),
        (check) => check.status === 'DOWN' && /not authori[sz]ed/i.test(check.error ?? ''),
        10_000,
      );
      seen.push(refused.raw, (await getReport(refusedUrl)).raw, await registry.metrics());
      await stopApp();
      expectNoSecret([password, wrong], { responses: seen, logs: capture.lines() });
    } finally {
      capture.stop();
    }
  }, 60_000);

  it('stops bootstrap on a wrong url, naming the option', async () => {
    const wrong = (await bootstrapError({ imports: [HealthModule.forRoot({ mqtt: { url: 'amqp://u:hidden-pw@localhost' } })] })).message;
    expect(wrong).toContain('"mqtt.url" must be a URL with protocol mqtt or mqtts or ws or wss; got protocol "amqp"');
    expect(wrong).not.toContain('hidden-pw');
  });
});
