import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, type INestApplication, type INestMicroservice, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { HealthModule, HealthService, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';
import { NatsServerProcess } from './support/nats-server.js';
import { RabbitMqProxy } from './support/rabbitmq.js';
import { MosquittoProcess } from './support/mosquitto.js';
import { SERVICES } from './support/services.js';
import { eventually, getCheck } from './support/report.js';

const cleanups: (() => Promise<unknown>)[] = [];
let nats: NatsServerProcess;

beforeAll(async () => {
  nats = await NatsServerProcess.create();
  cleanups.push(() => nats.remove());
  await nats.start();
}, 30_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(1).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const natsOptions = (url: string) => ({ servers: [url], reconnectTimeWait: 100, maxReconnectAttempts: -1, name: 'orders-worker' });

/** Connects the `ORDERS` client at bootstrap, as Nest's docs advise (clients otherwise connect on first use). */
@Injectable()
class OrdersConnector implements OnApplicationBootstrap {
  constructor(@Inject('ORDERS') private readonly orders: ClientProxy) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.orders.connect();
  }
}

/** The readiness report of a worker, read through HealthService (a worker has no HTTP server). */
async function readiness(worker: INestMicroservice | INestApplication) {
  return worker.get(HealthService).check('readiness');
}

/** Resolves with the first status a server or client emits that matches. */
function nextStatus(source: { status: ClientProxy['status'] }, status: string): Promise<number> {
  return new Promise((resolve) => {
    const subscription = source.status.subscribe((value) => {
      if (value !== status) return;
      resolve(performance.now());
      queueMicrotask(() => subscription.unsubscribe());
    });
  });
}

describe('microservices: true', () => {
  it('NATS worker (createMicroservice) with a ClientsModule client: one check each, DOWN the moment Nest reports the disconnect, UP again by itself, no extra connection', async () => {
    @Module({
      imports: [
        HealthModule.forRoot({ microservices: true }),
        ClientsModule.register([{ name: 'ORDERS', transport: Transport.NATS, options: { ...natsOptions(nats.url), name: 'orders-client' } }]),
      ],
      providers: [OrdersConnector],
    })
    class WorkerModule {}
    const worker = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, {
      transport: Transport.NATS,
      options: natsOptions(nats.url),
      logger: false,
    });
    cleanups.push(() => worker.close());
    await worker.listen();

    const up = await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      10_000,
    );
    expect(Object.keys(up.details!).sort()).toEqual(['client-orders', 'transport-nats']);
    expect(up.details!['transport-nats']).toMatchObject({ status: 'UP', data: { transport: 'nats', role: 'server', state: 'connected' } });
    expect(up.details!['client-orders']).toMatchObject({ status: 'UP', data: { transport: 'nats', role: 'client', state: 'connected' } });
    // The worker's own server and client, nothing more: the checks open no connection.
    expect((await nats.connections()).map((connection) => connection.name).sort()).toEqual(['orders-client', 'orders-worker']);

    const disconnected = nextStatus(worker, 'disconnected');
    await nats.stop();
    await disconnected;
    const down = await readiness(worker);
    expect(down.status).toBe('DOWN');
    expect(down.details!['transport-nats']).toMatchObject({ status: 'DOWN', data: { transport: 'nats', role: 'server', downForMs: expect.any(Number) } });
    expect(down.details!['transport-nats'].error).toMatch(/^(disconnected|reconnecting), disconnected for \d+\.\d s$/);
    const clientDown = await eventually(
      () => readiness(worker),
      (report) => report.details!['client-orders'].status === 'DOWN',
      5000,
      20,
    );
    expect(clientDown.details!['client-orders'].error).toMatch(/disconnected for \d+\.\d s$/);

    // Still down a while later: the duration grows, it is measured from the disconnect.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await readiness(worker);
    expect(later.details!['transport-nats'].data!.downForMs as number).toBeGreaterThanOrEqual(300);

    await nats.start();
    const back = await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      20_000,
    );
    expect(back.details!['transport-nats']).toMatchObject({ status: 'UP', data: { state: 'connected' } });
    expect((await nats.connections()).map((connection) => connection.name).sort()).toEqual(['orders-client', 'orders-worker']);
  }, 60_000);

  it('RabbitMQ worker (createMicroservice): the broker gone → readiness DOWN at once, back → UP by itself, one connection on the broker', async () => {
    const rabbit = await RabbitMqProxy.start();
    cleanups.push(() => rabbit.proxy.stop());
    @Module({ imports: [HealthModule.forRoot({ microservices: true })] })
    class WorkerModule {}
    const worker = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, {
      transport: Transport.RMQ,
      options: {
        urls: [rabbit.url],
        queue: `nest-vitals-ms-${process.pid}`,
        queueOptions: { durable: false, autoDelete: true },
        socketOptions: { reconnectTimeInSeconds: 0.2 },
      },
      logger: false,
    });
    cleanups.push(() => worker.close());
    await worker.listen();

    const up = await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      10_000,
    );
    expect(up.details).toEqual({
      'transport-rmq': expect.objectContaining({ status: 'UP', data: expect.objectContaining({ transport: 'rmq', role: 'server', state: 'connected' }) }),
    });
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      200,
    );

    const disconnected = nextStatus(worker, 'disconnected');
    await rabbit.proxy.stop();
    await disconnected;
    const down = await readiness(worker);
    expect(down.status).toBe('DOWN');
    expect(down.details!['transport-rmq']).toMatchObject({
      status: 'DOWN',
      data: { state: 'disconnected' },
      error: expect.stringMatching(/^disconnected, disconnected for \d+\.\d s$/),
    });

    await rabbit.proxy.start();
    await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      30_000,
    );
    const connections = await eventually(
      () => rabbit.connections(),
      (found) => found.length === 1,
      30_000,
      200,
    );
    expect(connections).toHaveLength(1);
    // The report never names the broker URL, whose password it would carry.
    expect(JSON.stringify(await readiness(worker))).not.toContain('guest');
  }, 120_000);

  it('MQTT worker with a Redis client: named by transport and token, the MQTT broker gone → DOWN when Nest reports it, back → UP', async () => {
    const broker = await MosquittoProcess.create();
    cleanups.push(() => broker.remove());
    await broker.start();
    @Injectable()
    class CacheConnector implements OnApplicationBootstrap {
      constructor(@Inject('CACHE_EVENTS') private readonly cache: ClientProxy) {}
      async onApplicationBootstrap(): Promise<void> {
        await this.cache.connect();
      }
    }
    @Module({
      imports: [
        HealthModule.forRoot({ microservices: { critical: true } }),
        ClientsModule.register([{ name: 'CACHE_EVENTS', transport: Transport.REDIS, options: { host: SERVICES.redis.host, port: SERVICES.redis.port } }]),
      ],
      providers: [CacheConnector],
    })
    class WorkerModule {}
    const worker = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, {
      transport: Transport.MQTT,
      options: { url: broker.url, reconnectPeriod: 100 },
      logger: false,
    });
    cleanups.push(() => worker.close());
    await worker.listen();

    const up = await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      10_000,
    );
    expect(up.details).toEqual({
      'transport-mqtt': expect.objectContaining({ status: 'UP', data: expect.objectContaining({ transport: 'mqtt', role: 'server', state: 'connected' }) }),
      'client-cache-events': expect.objectContaining({
        status: 'UP',
        data: expect.objectContaining({ transport: 'redis', role: 'client', state: 'connected' }),
      }),
    });
    expect(await broker.connectedClients()).toBe(1);

    const closed = nextStatus(worker, 'closed');
    await broker.stop();
    await closed;
    const down = await readiness(worker);
    expect(down.status).toBe('DOWN');
    expect(down.details!['transport-mqtt']).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/disconnected for \d+\.\d s$/) });
    expect(down.details!['client-cache-events'].status).toBe('UP');

    await broker.start();
    await eventually(
      () => readiness(worker),
      (report) => report.status === 'UP',
      20_000,
    );
    expect(await broker.connectedClients()).toBe(1);
  }, 60_000);

  it('hybrid app (connectMicroservice): /health/ready is 503 while NATS is gone and 200 again by itself', async () => {
    const server = await NatsServerProcess.create();
    cleanups.push(() => server.remove());
    await server.start();
    const { app, url } = await startApp(
      { imports: [HealthModule.forRoot({ details: 'always', microservices: true })] },
      { prepare: (created) => created.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: natsOptions(server.url) }) },
    );
    cleanups.push(() => app.close());
    // Not listening yet: the server has reported nothing, readiness waits for it.
    expect(await getCheck(url, 'transport-nats')).toMatchObject({ status: 'DOWN', data: { state: 'not-listening' } });
    await app.startAllMicroservices();
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const disconnected = nextStatus(app.getMicroservices()[0], 'disconnected');
    await server.stop();
    await disconnected;
    const response = await fetch(`${url}/health/ready`);
    expect(response.status).toBe(503);
    await server.start();
    await eventually(
      () => fetch(`${url}/health/ready`).then((answer) => answer.status),
      (status) => status === 200,
      20_000,
    );
  }, 60_000);

  it('stops bootstrap when the app has nothing to follow, or the option is wrong', async () => {
    expect((await bootstrapError({ imports: [HealthModule.forRoot({ microservices: true })] })).message).toContain(
      '"microservices" is switched on, but the app has no transport server',
    );
    expect((await bootstrapError({ imports: [HealthModule.forRoot({ microservices: { servers: false, clients: false } })] })).message).toContain(
      '"microservices" checks nothing with both "servers" and "clients" false',
    );
    const wrong = { microservices: { servers: 'yes' } } as unknown as HealthModuleOptions;
    expect((await bootstrapError({ imports: [HealthModule.forRoot(wrong)] })).message).toContain('"microservices.servers" must be true or false; got "yes"');
    const unknown = { microservices: { client: true } } as unknown as HealthModuleOptions;
    expect((await bootstrapError({ imports: [HealthModule.forRoot(unknown)] })).message).toContain('unknown option "microservices.client"; accepted:');
  });
});
