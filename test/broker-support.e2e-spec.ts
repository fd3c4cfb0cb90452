import { afterAll, describe, expect, it } from '@jest/globals';
import { connect as connectNats, type NatsConnection, type Status } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { MosquittoProcess } from './support/mosquitto.js';
import { NatsServerProcess } from './support/nats-server.js';
import { RabbitMqProxy } from './support/rabbitmq.js';
import { eventually } from './support/report.js';

/** Resolves with the first status event of a type the NATS client emits. */
function nextStatus(connection: NatsConnection, type: Status['type']): Promise<Status> {
  return (async () => {
    for await (const status of connection.status()) if (status.type === type) return status;
    throw new Error(`the connection closed before a ${type} event`);
  })();
}

/** Settles within `ms`, or resolves 'pending'. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('test support: brokers a test may stop and freeze without touching the shared ones', () => {
  it('NatsServerProcess: JetStream on its own ports, /connz counts, the client notices stop, restart and freeze', async () => {
    const server = await NatsServerProcess.create();
    cleanups.push(() => server.remove());
    await server.start();
    expect(server.port).not.toBe(4222);

    const client = await connectNats({ servers: server.url, name: 'support-probe', reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    cleanups.push(() => client.close());
    expect((await jetstreamManager(client).then((jsm) => jsm.getAccountInfo())).streams).toBe(0);
    expect((await server.connections()).map((connection) => connection.name)).toEqual(['support-probe']);

    const disconnected = nextStatus(client, 'disconnect');
    await server.stop();
    await expect(within(disconnected, 5000)).resolves.toMatchObject({ type: 'disconnect' });

    const reconnected = nextStatus(client, 'reconnect');
    await server.start();
    await expect(within(reconnected, 10_000)).resolves.toMatchObject({ type: 'reconnect' });
    expect((await server.connections()).map((connection) => connection.name)).toEqual(['support-probe']);

    await server.pause();
    await expect(within(client.flush(), 500)).resolves.toBe('pending');
    server.resume();
    await expect(within(client.flush(), 5000)).resolves.toBeUndefined();

    await client.close();
    await eventually(
      () => server.connections(),
      (connections) => connections.length === 0,
      5000,
    );
  });

  it('MosquittoProcess: its own port, connections counted, the client notices stop, restart and freeze', async () => {
    const broker = await MosquittoProcess.create();
    cleanups.push(() => broker.remove());
    await broker.start();
    expect(broker.port).not.toBe(1883);

    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 100, connectTimeout: 2000, clientId: 'support-probe' });
    cleanups.push(() => client.endAsync(true));
    await eventually(
      () => broker.connectedClients(),
      (count) => count === 1,
      10_000,
      200,
    );

    const closed = new Promise((resolve) => client.once('close', () => resolve('close')));
    await broker.stop();
    await expect(within(closed, 5000)).resolves.toBe('close');
    expect(client.connected).toBe(false);

    const connected = new Promise((resolve) => client.once('connect', () => resolve('connect')));
    await broker.start();
    await expect(within(connected, 10_000)).resolves.toBe('connect');
    await eventually(
      () => broker.connectedClients(),
      (count) => count === 1,
      10_000,
      200,
    );

    await broker.pause();
    const published = client.publishAsync('support/probe', 'x', { qos: 1 });
    await expect(within(published, 500)).resolves.toBe('pending');
    broker.resume();
    await expect(within(published, 5000)).resolves.toBeDefined();

    await client.endAsync(true);
    await eventually(
      () => broker.connectedClients(),
      (count) => count === 0,
      10_000,
      200,
    );
  });

  it('RabbitMqProxy: in front of the shared broker, counts its own connections on rabbitmqctl, the client notices stop and freeze', async () => {
    const rabbit = await RabbitMqProxy.start();
    cleanups.push(() => rabbit.proxy.stop());

    const first = await amqp.connect(rabbit.url);
    cleanups.push(() => first.close());
    expect((await rabbit.connections()).map((connection) => connection.user)).toEqual(['guest']);

    const closed = new Promise((resolve) => first.once('close', () => resolve('close')));
    first.on('error', () => undefined);
    await rabbit.proxy.stop();
    await expect(within(closed, 5000)).resolves.toBe('close');
    await expect(amqp.connect(rabbit.url)).rejects.toThrow(/ECONNREFUSED/);

    await rabbit.proxy.start();
    const second = await amqp.connect(rabbit.url);
    second.on('error', () => undefined);
    cleanups.push(() => second.close());
    const channel = await second.createChannel();
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      100,
    );

    rabbit.proxy.freeze();
    await expect(within(channel.checkQueue('amq.rabbitmq.reply-to'), 500)).resolves.toBe('pending');
    const cut = new Promise((resolve) => second.once('close', () => resolve('close')));
    rabbit.proxy.resume();
    await expect(within(cut, 5000)).resolves.toBe('close');

    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 0,
      30_000,
      100,
    );
  }, 90_000);
});
