import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { createConnection } from 'mysql2/promise';
import { HealthModule, type DatabaseIndicatorOptions } from 'nest-vitals';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { startApp } from './support/http-app.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { eventually, getCheck, getReport } from './support/report.js';
import { requireService, SERVICES } from './support/services.js';
import { allocatePort } from './support/ports.js';
import { TcpProxy } from './support/tcp-proxy.js';

// Ports: allocated in 17000-17099 (support/ports.ts).
const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;

const postgres = (port: number = SERVICES.postgres.port, extra: Partial<TypeOrmModuleOptions> = {}): TypeOrmModuleOptions =>
  ({ type: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/test`, retryAttempts: 0, logging: false, ...extra }) as TypeOrmModuleOptions;
const mariadb = (port: number = SERVICES.mariadb.port, extra: Partial<TypeOrmModuleOptions> = {}): TypeOrmModuleOptions =>
  ({ type: 'mariadb', url: `mysql://root@127.0.0.1:${port}/test`, retryAttempts: 0, logging: false, ...extra }) as TypeOrmModuleOptions;
const sqlite = (extra: Partial<TypeOrmModuleOptions> = {}): TypeOrmModuleOptions =>
  ({ type: 'better-sqlite3', database: ':memory:', retryAttempts: 0, logging: false, ...extra }) as TypeOrmModuleOptions;

let app: INestApplication | undefined;
const proxies: TcpProxy[] = [];

async function start(
  dataSources: TypeOrmModuleOptions[],
  database: boolean | DatabaseIndicatorOptions = { timeoutMs: TIMEOUT_MS },
  logger?: OutputCapture['logger'],
): Promise<string> {
  const started = await startApp(
    { imports: [...dataSources.map((options) => TypeOrmModule.forRoot(options)), HealthModule.forRoot({ details: 'always', database })] },
    logger ? { logger } : {},
  );
  app = started.app;
  return started.url;
}

async function proxyTo(target: { host: string; port: number }): Promise<TcpProxy> {
  const proxy = new TcpProxy(await allocatePort(), target);
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

beforeAll(async () => {
  await requireService('postgres');
  await requireService('mariadb');
});

afterEach(async () => {
  // Connections a test left hung must not hold the app's shutdown.
  for (const proxy of proxies) proxy.resume();
  await app?.close();
  app = undefined;
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
});

describe('database indicator: UP with data on each driver', () => {
  it.each([
    ['PostgreSQL', () => postgres(), 'postgres', 'test'],
    ['MariaDB', () => mariadb(), 'mariadb', 'test'],
    ['SQLite', () => sqlite(), 'better-sqlite3', ':memory:'],
  ])('%s', async (_label, options, driver, databaseName) => {
    const url = await start([options()]);
    const check = await getCheck(url, 'database');
    expect(check.status).toBe('UP');
    expect(check.data).toEqual({ driver, database: databaseName, responseTimeMs: expect.any(Number) });
  });

  it('checks every registered DataSource under its own name, or only the ones named', async () => {
    const all = await start([sqlite(), postgres(undefined, { name: 'reports' }), mariadb(undefined, { name: 'Legacy Orders' })]);
    const report = await getReport(all);
    expect(Object.keys(report.details).sort()).toEqual(['database', 'database-legacy-orders', 'database-reports']);
    expect(report.details['database'].data).toMatchObject({ driver: 'better-sqlite3' });
    expect(report.details['database-reports'].data).toMatchObject({ driver: 'postgres', database: 'test' });
    expect(report.details['database-legacy-orders'].data).toMatchObject({ driver: 'mariadb' });
    expect(report.status).toBe('UP');
    await app!.close();

    const some = await start([sqlite(), postgres(undefined, { name: 'reports' })], { dataSources: ['reports'], critical: false });
    const partial = await getReport(some);
    expect(Object.keys(partial.details)).toEqual(['database-reports']);
    expect(partial.details['database-reports'].critical).toBe(false);
  });
});

describe.each([
  ['PostgreSQL', SERVICES.postgres, (port: number) => postgres(port), /ECONNREFUSED|terminat|Connection/i],
  ['MariaDB', SERVICES.mariadb, (port: number) => mariadb(port), /ECONNREFUSED|closed|PROTOCOL_CONNECTION_LOST|Connection lost/i],
])('database indicator: %s behind a proxy', (_label, service, options, refused) => {
  it('is DOWN when the server is stopped, and UP again when it is back, without restarting the app', async () => {
    const proxy = await proxyTo(service);
    const url = await start([options(proxy.port)]);
    expect((await getCheck(url, 'database')).status).toBe('UP');

    await proxy.stop();
    const down = await eventually(
      () => getCheck(url, 'database'),
      (check) => check.status === 'DOWN',
      5000,
    );
    expect(down.error).toMatch(refused);
    expect(down.data).toMatchObject({ database: 'test' });
    await eventually(
      () => getCheck(url, 'database'),
      (check) => check.status === 'DOWN' && /ECONNREFUSED/.test(check.error ?? ''),
      5000,
    );

    await proxy.start();
    const up = await eventually(
      () => getCheck(url, 'database'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toMatchObject({ database: 'test', responseTimeMs: expect.any(Number) });
  });

  it('is DOWN within timeoutMs + 100 ms when the server accepts connections and never answers', async () => {
    const proxy = await proxyTo(service);
    const url = await start([options(proxy.port)]);
    expect((await getCheck(url, 'database')).status).toBe('UP');

    proxy.hang();
    // Let the pool notice its cut connections; the next query needs a new one, which hangs.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The first ping waits for a connection that never opens; the second probe does not ask for another one.
    const reasons = [
      `timed out after ${TIMEOUT_MS} ms`,
      expect.stringMatching(new RegExp(`^still running after \\d+ ms \\(timed out after ${TIMEOUT_MS} ms\\)$`)),
    ];
    for (const reason of reasons) {
      const check = await getCheck(url, 'database');
      expect(check).toMatchObject({ status: 'DOWN', error: reason });
      expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }

    proxy.resume();
    await eventually(
      () => getCheck(url, 'database'),
      (check) => check.status === 'UP',
      15_000,
    );
  });
});

describe('database indicator: DataSource state and migrations', () => {
  it('is DOWN when the DataSource is not initialized, or has been destroyed', async () => {
    const url = await start([sqlite({ manualInitialization: true })]);
    expect(await getCheck(url, 'database')).toMatchObject({
      status: 'DOWN',
      error: 'DataSource "default" is not initialized',
      data: { driver: 'better-sqlite3' },
    });
    await app!.close();

    const destroyedUrl = await start([sqlite(), sqlite({ name: 'second' })]);
    expect((await getCheck(destroyedUrl, 'database-second')).status).toBe('UP');
    await app!.get<DataSource>(getDataSourceToken('second')).destroy();
    expect(await getCheck(destroyedUrl, 'database-second')).toMatchObject({ status: 'DOWN', error: 'DataSource "second" has been destroyed' });
    expect((await getCheck(destroyedUrl, 'database')).status).toBe('UP');
  });

  class CreateWidgets1700000000001 implements MigrationInterface {
    name = 'CreateWidgets1700000000001';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query('CREATE TABLE widgets (id integer PRIMARY KEY)');
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query('DROP TABLE widgets');
    }
  }
  class AddWidgetName1700000000002 implements MigrationInterface {
    name = 'AddWidgetName1700000000002';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query('ALTER TABLE widgets ADD COLUMN name text');
    }
    async down(): Promise<void> {}
  }
  const withMigrations = () => sqlite({ migrations: [CreateWidgets1700000000001, AddWidgetName1700000000002] });

  it('with migrations: "degraded", pending migrations make it DEGRADED and are listed; none pending is UP', async () => {
    const url = await start([withMigrations()], { migrations: 'degraded' });
    const degraded = await getCheck(url, 'database');
    expect(degraded).toMatchObject({
      status: 'DEGRADED',
      message: '2 pending migrations: CreateWidgets1700000000001, AddWidgetName1700000000002',
      data: { pendingMigrations: ['CreateWidgets1700000000001', 'AddWidgetName1700000000002'] },
    });
    const dataSource = app!.get<DataSource>(getDataSourceToken());
    // The check only reads: it has not created the migrations table.
    const runner = dataSource.createQueryRunner();
    expect(await runner.hasTable('migrations')).toBe(false);
    await runner.release();

    await dataSource.runMigrations();
    expect(await getCheck(url, 'database')).toMatchObject({ status: 'UP', data: { pendingMigrations: [] } });
  });

  it('with migrations: "down", pending migrations make it DOWN', async () => {
    const url = await start([withMigrations()], { migrations: 'down' });
    expect(await getCheck(url, 'database')).toMatchObject({
      status: 'DOWN',
      error: '2 pending migrations: CreateWidgets1700000000001, AddWidgetName1700000000002',
      data: { pendingMigrations: ['CreateWidgets1700000000001', 'AddWidgetName1700000000002'] },
    });
  });
});

describe('database credentials', () => {
  it('never shows the password of a PostgreSQL URL, in responses or logs, when the port is closed', async () => {
    const PASSWORD = 's3cretpw';
    const proxy = await proxyTo(SERVICES.postgres);
    const capture = new OutputCapture().start();
    try {
      // trust auth: the password is accepted and ignored, so the app starts; then the port closes.
      const url = await start(
        [postgres(proxy.port, { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${proxy.port}/test` })],
        { timeoutMs: TIMEOUT_MS },
        capture.logger,
      );
      const up = await getCheck(url, 'database');
      expect(up.status).toBe('UP');
      await proxy.stop();
      const down = await eventually(
        () => getCheck(url, 'database'),
        (check) => check.status === 'DOWN' && /ECONNREFUSED/.test(check.error ?? ''),
        5000,
      );
      const report = await getReport(url);
      await app!.close();
      app = undefined;
      expect(capture.logger.lines.some((line) => line.includes('database'))).toBe(true);
      expectNoSecret([PASSWORD], { 'UP response': up.raw, 'DOWN response': down.raw, report: report.raw, 'log lines': capture.lines() });
    } finally {
      capture.stop();
    }
  });

  describe('MariaDB user with a password', () => {
    // One user per run: two runs of the suite at once must not change each other's password.
    const USER = `nv_health_${process.pid}`;
    const PASSWORD = 'Mar1aS3cretPw';
    const admin = () => createConnection({ host: '127.0.0.1', port: SERVICES.mariadb.port, user: 'root', database: 'test' });

    beforeAll(async () => {
      const connection = await admin();
      await connection.query(`DROP USER IF EXISTS '${USER}'@'%'`);
      await connection.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
      await connection.query(`GRANT SELECT ON test.* TO '${USER}'@'%'`);
      await connection.end();
    });

    afterAll(async () => {
      const connection = await admin();
      await connection.query(`DROP USER IF EXISTS '${USER}'@'%'`);
      await connection.end();
    });

    it('never shows it when the server starts refusing it (driver error) or the port closes', async () => {
      const proxy = await proxyTo(SERVICES.mariadb);
      const capture = new OutputCapture().start();
      try {
        const url = await start(
          [mariadb(proxy.port, { url: `mysql://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}/test` })],
          { timeoutMs: TIMEOUT_MS },
          capture.logger,
        );
        const up = await getCheck(url, 'database');
        expect(up.status).toBe('UP');

        // The password changes under the app; pooled connections are cut, new ones are refused.
        const connection = await admin();
        await connection.query(`ALTER USER '${USER}'@'%' IDENTIFIED BY 'another-Pw-9'`);
        await connection.end();
        proxy.resume();
        const denied = await eventually(
          () => getCheck(url, 'database'),
          (check) => check.status === 'DOWN' && /Access denied/.test(check.error ?? ''),
          5000,
        );

        await proxy.stop();
        const refused = await eventually(
          () => getCheck(url, 'database'),
          (check) => check.status === 'DOWN' && /ECONNREFUSED/.test(check.error ?? ''),
          5000,
        );
        const report = await getReport(url);
        await app!.close();
        app = undefined;
        expectNoSecret([PASSWORD], {
          'UP response': up.raw,
          'denied response': denied.raw,
          'refused response': refused.raw,
          report: report.raw,
          'log lines': capture.lines(),
        });
      } finally {
        capture.stop();
      }
    });
  });
});
