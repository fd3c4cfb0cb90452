import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getConnectionToken, SequelizeModule } from '@nestjs/sequelize';
import type { Sequelize } from 'sequelize';
import { HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { eventually, getCheck, getReport } from './support/report.js';
import { requireService, SERVICES } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';

const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;

let postgresProxy: TcpProxy;
let mariadbProxy: TcpProxy;
let app: INestApplication | undefined;

// Small pools that give up quickly, so that a reconnect is tried on the next run.
const pool = { max: 2, min: 0, acquire: 2000, idle: 1000 };

async function start(health: { refreshIntervalMs?: number } = {}): Promise<string> {
  const started = await startApp({
    imports: [
      SequelizeModule.forRoot({
        dialect: 'postgres',
        host: '127.0.0.1',
        port: postgresProxy.port,
        username: 'postgres',
        database: 'test',
        logging: false,
        retryAttempts: 0,
        pool,
      }),
      SequelizeModule.forRoot({
        name: 'maria',
        dialect: 'mysql',
        host: '127.0.0.1',
        port: mariadbProxy.port,
        username: 'root',
        database: 'test',
        logging: false,
        retryAttempts: 0,
        pool,
      }),
      HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, database: true, ...health }),
    ],
  });
  app = started.app;
  return started.url;
}

beforeAll(async () => {
  await requireService('postgres');
  await requireService('mariadb');
  postgresProxy = new TcpProxy(await allocatePort(), SERVICES.postgres);
  mariadbProxy = new TcpProxy(await allocatePort(), SERVICES.mariadb);
  await postgresProxy.start();
  await mariadbProxy.start();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await postgresProxy.start();
  await mariadbProxy.start();
});

afterAll(async () => {
  await postgresProxy?.stop();
  await mariadbProxy?.stop();
});

describe('database: true finds Sequelize instances (@nestjs/sequelize) and checks them through Terminus', () => {
  it('is UP for PostgreSQL (default connection) and MariaDB (named), one check each', async () => {
    const url = await start();
    const report = await getReport(url);
    expect(Object.keys(report.details).sort()).toEqual(['database', 'database-maria']);
    expect(report.details['database']).toMatchObject({
      status: 'UP',
      data: { driver: 'postgres', orm: 'sequelize', database: 'test', responseTimeMs: expect.any(Number) },
    });
    expect(report.details['database-maria']).toMatchObject({
      status: 'UP',
      data: { driver: 'mysql', orm: 'sequelize', database: 'test', responseTimeMs: expect.any(Number) },
    });
    expect(report.httpStatus).toBe(200);
  });

  it.each([
    ['PostgreSQL', 'database', () => postgresProxy],
    ['MariaDB', 'database-maria', () => mariadbProxy],
  ])(
    '%s: DOWN when unreachable, UP again once it is back, without restarting the app',
    async (_label, name, proxy) => {
      const url = await start();
      expect((await getCheck(url, name)).status).toBe('UP');

      await proxy().stop();
      const refused = await eventually(
        () => getCheck(url, name),
        (check) => check.status === 'DOWN',
        10_000,
      );
      expect(refused.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(refused.error).toEqual(expect.any(String));
      const report = await getReport(url);
      expect(report.httpStatus).toBe(503);

      await proxy().start();
      proxy().hang();
      const hung = await getCheck(url, name);
      expect(hung).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
      expect(hung.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);

      proxy().resume();
      await eventually(
        () => getCheck(url, name),
        (check) => check.status === 'UP',
        15_000,
        200,
      );
    },
    40_000,
  );

  it.each([
    ['PostgreSQL', 'database', () => postgresProxy, undefined],
    ['MariaDB', 'database-maria', () => mariadbProxy, 'maria'],
  ])(
    '%s stalled (connections open, nothing answered): health holds at most one more connection, and the app queries as soon as it answers',
    async (_label, name, proxy, connection) => {
      const url = await start({ refreshIntervalMs: 200 });
      await eventually(
        () => getCheck(url, name),
        (check) => check.status === 'UP',
        5000,
      );
      const baseline = proxy().clientConnections;

      proxy().stall();
      let most = 0;
      for (const until = performance.now() + 4000; performance.now() < until;) {
        most = Math.max(most, proxy().clientConnections);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(most).toBeLessThanOrEqual(baseline + 1);
      expect(await getCheck(url, name)).toMatchObject({
        status: 'DOWN',
        error: expect.stringMatching(new RegExp(`^(timed out after ${TIMEOUT_MS} ms|still running after \\d+ ms \\(timed out after ${TIMEOUT_MS} ms\\))$`)),
      });

      const sequelize = app!.get<Sequelize>(getConnectionToken(connection));
      proxy().unstall();
      const answeredAt = performance.now();
      await sequelize.query('SELECT 1');
      expect(performance.now() - answeredAt).toBeLessThan(1000);
      await eventually(
        () => getCheck(url, name),
        (check) => check.status === 'UP',
        1000,
        20,
      );
    },
    30_000,
  );
});
