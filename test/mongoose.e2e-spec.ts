import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import { HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { eventually, getCheck, getReport } from './support/report.js';
import { startSilentServer } from './support/tcp-proxy.js';

/*
 * No MongoDB server runs on these machines: the built-in is tested against the MongoDB driver's own behaviour
 * with a port that refuses connections and one that accepts them and never answers. UP against a real server,
 * a replica-set election and a server that stalls mid-command were not run here.
 */
const TIMEOUT_MS = 500;
const SLACK_MS = 100;

let app: INestApplication | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An app with @nestjs/mongoose connections to `uri` (connecting in the background: `lazyConnection`), and the built-in on. */
async function start(
  connections: { uri: string; name?: string; serverSelectionTimeoutMS?: number; connectTimeoutMS?: number }[],
  mongoose: unknown = { timeoutMs: TIMEOUT_MS, cacheTtlMs: 0 },
) {
  const started = await startApp({
    imports: [
      ...connections.map(({ uri, name, serverSelectionTimeoutMS, connectTimeoutMS }) =>
        MongooseModule.forRoot(uri, {
          connectionName: name,
          lazyConnection: true,
          retryAttempts: 0,
          serverSelectionTimeoutMS,
          connectTimeoutMS,
          // An app connecting lazily handles its first connection's failure itself.
          connectionFactory: (connection: { $initialConnection?: Promise<unknown> }) => {
            connection.$initialConnection?.catch(() => undefined);
            return connection;
          },
        }),
      ),
      HealthModule.forRoot({ details: 'always', mongoose } as never),
    ],
  });
  app = started.app;
  return started.url;
}

describe('mongoose built-in (the MongoDB driver against a closed and a silent port; no MongoDB server here)', () => {
  it('a port that refuses connections: DOWN within the timeout, with the driver’s reason once the connection gave up', async () => {
    const port = await allocatePort();
    const url = await start([{ uri: `mongodb://127.0.0.1:${port}/orders`, serverSelectionTimeoutMS: 300 }]);
    const first = await getCheck(url, 'mongoose');
    expect(first).toMatchObject({ status: 'DOWN', data: { orm: 'mongoose', connection: 'default', database: 'orders' } });
    expect(first.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    // Why the driver gave up: ECONNREFUSED when its monitor's refused connect is handled before the 300 ms selection
    // timer, the timeout when an event loop busy booting the app lets the timer win (seen in CI). The driver knows
    // nothing else, and the check must say what it said.
    const connection = app!.get<{ $initialConnection: Promise<unknown> }>(getConnectionToken(), { strict: false });
    const initialError = (await connection.$initialConnection.then(
      () => new Error('the connection opened'),
      (error: unknown) => error,
    )) as Error;
    expect(initialError.message).toMatch(new RegExp(`^(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}|Server selection timed out after 300 ms)$`));
    const closed = await eventually(
      () => getCheck(url, 'mongoose'),
      (check) => (check.error ?? '').includes('the connection never opened'),
      5000,
    );
    expect(closed).toMatchObject({
      status: 'DOWN',
      error: expect.stringContaining(`Topology is closed (the connection never opened: ${initialError.message}`),
      data: { orm: 'mongoose', connection: 'default', database: 'orders', readyState: 'disconnected' },
    });
    expect(closed.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('a port that accepts and never answers: DOWN "timed out after 500 ms" within timeout + 100 ms, the ping abandoned', async () => {
    const port = await allocatePort();
    const silent = await startSilentServer(port);
    cleanups.push(() => silent.close());
    const url = await start([{ uri: `mongodb://127.0.0.1:${port}/orders`, serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 }]);
    const first = await getCheck(url, 'mongoose');
    expect(first).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
    expect(first.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    // The driver abandons the aborted ping: the next run pings again, and times out again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await getCheck(url, 'mongoose');
    expect(second.status).toBe('DOWN');
    expect(second.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('one check per @nestjs/mongoose connection: "mongoose" for the default one, "mongoose-<name>" for named ones', async () => {
    const port = await allocatePort();
    const url = await start([
      { uri: `mongodb://127.0.0.1:${port}/orders`, serverSelectionTimeoutMS: 100 },
      { uri: `mongodb://127.0.0.1:${port}/audit`, name: 'audit', serverSelectionTimeoutMS: 100 },
    ]);
    const report = await getReport(url);
    expect(Object.keys(report.details).sort()).toEqual(['mongoose', 'mongoose-audit']);
    expect(report.details['mongoose-audit'].data).toMatchObject({ connection: 'audit', database: 'audit' });
  });

  it('bad configuration stops startup with a message naming the option', async () => {
    const port = await allocatePort();
    await expect(start([{ uri: `mongodb://127.0.0.1:${port}/orders` }], { connections: ['reports'] })).rejects.toThrow(
      '"mongoose.connections[0]" is "reports", but the app has no Mongoose connection of that name; it has: default',
    );
    @Module({ imports: [HealthModule.forRoot({ mongoose: true })] })
    class NoMongooseModule {}
    await expect(NestFactory.createApplicationContext(NoMongooseModule, { logger: false, abortOnError: false })).rejects.toThrow(
      '"mongoose" is switched on, but the app registers no Mongoose connection',
    );
  });
});
