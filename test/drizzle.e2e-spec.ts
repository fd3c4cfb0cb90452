import { beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { createPool } from 'mysql2/promise';
import { HealthModule } from 'nest-vitals';
import pg from 'pg';
import { startApp } from './support/http-app.js';
import { getCheck, getReport } from './support/report.js';
import { requireService } from './support/services.js';
import { APP_POOL_SIZE, describeSqlOrmResilience, MARIADB_URL, ORM_TIMEOUT_MS, POSTGRES_URL, SERVICE_OF, type OrmApp } from './support/sql-orm-scenarios.js';

const DRIZZLE = Symbol('DRIZZLE');
const REPORTS = 'REPORTS_DB';
const SETTINGS = { timeoutMs: ORM_TIMEOUT_MS, cacheTtlMs: 0 };

/** An app whose Drizzle database (token DRIZZLE) is made over a pool it owns and ends on close. */
async function startDrizzleApp(
  makeDb: () => { db: unknown; end: () => Promise<void> },
  extraTokens: Record<string, () => { db: unknown; end: () => Promise<void> }> = {},
): Promise<OrmApp> {
  const made = [makeDb(), ...Object.values(extraTokens).map((make) => make())];
  const extraProviders = Object.keys(extraTokens).map((token, index) => ({ provide: token, useValue: made[index + 1].db }));
  const db =
    Object.keys(extraTokens).length === 0
      ? DRIZZLE
      : { main: DRIZZLE, ...Object.fromEntries(Object.keys(extraTokens).map((token) => [token.toLowerCase().replace(/_db$/, ''), token])) };
  const { app, url } = await startApp({
    imports: [HealthModule.forRoot({ details: 'always', drizzle: { db, ...SETTINGS } })],
    providers: [{ provide: DRIZZLE, useValue: made[0].db }, ...extraProviders],
  });
  return {
    url,
    close: async () => {
      await app.close();
      await Promise.all(made.map((each) => each.end()));
    },
  };
}

const postgresDb = (port: number) => () => {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL(port), max: APP_POOL_SIZE });
  pool.on('error', () => undefined);
  return { db: drizzlePg(pool), end: () => pool.end() };
};
const mariadbDb = (port: number) => () => {
  const pool = createPool({ uri: MARIADB_URL(port), connectionLimit: APP_POOL_SIZE });
  return { db: drizzleMysql(pool), end: () => pool.end() };
};

beforeAll(async () => {
  await requireService('postgres');
  await requireService('mariadb');
});

describe('drizzle built-in', () => {
  it('UP on node-postgres and mysql2, one check per token (drizzle-<name>), with the dialect', async () => {
    const app = await startDrizzleApp(postgresDb(SERVICE_OF.postgres.port), { REPORTS_DB: mariadbDb(SERVICE_OF.mariadb.port) });
    try {
      const report = await getReport(app.url);
      expect(report.details['drizzle-main']).toMatchObject({
        status: 'UP',
        data: { orm: 'drizzle', dialect: 'postgresql', responseTimeMs: expect.any(Number) },
      });
      expect(report.details['drizzle-reports']).toMatchObject({ status: 'UP', data: { orm: 'drizzle', dialect: 'mysql' } });
    } finally {
      await app.close();
    }
  });

  it('a single token is the check "drizzle"', async () => {
    const app = await startDrizzleApp(postgresDb(SERVICE_OF.postgres.port));
    try {
      expect((await getCheck(app.url, 'drizzle')).status).toBe('UP');
    } finally {
      await app.close();
    }
  });

  it('bad configuration stops startup with a message naming the option', async () => {
    const startWith = async (drizzle: unknown, providers: { provide: unknown; useValue: unknown }[] = []) => {
      @Module({ imports: [HealthModule.forRoot({ drizzle } as never)], providers: providers as never })
      class BadModule {}
      return NestFactory.createApplicationContext(BadModule, { logger: false, abortOnError: false }).then(
        async (app) => {
          await app.close();
          return 'started';
        },
        (error: Error) => error.message,
      );
    };
    expect(await startWith({})).toContain(`"drizzle.db" is required`);
    expect(await startWith({ db: 42 })).toContain('"drizzle.db" must be an injection token (a string, symbol or class); got number 42');
    expect(await startWith({ db: REPORTS })).toContain(`"drizzle.db": the app provides nothing under the token "${REPORTS}"`);
    expect(await startWith({ db: REPORTS }, [{ provide: REPORTS, useValue: { not: 'drizzle' } }])).toContain(
      `"drizzle.db": the provider under the token "${REPORTS}" is not a Drizzle database`,
    );
  });
});

describeSqlOrmResilience('drizzle', [
  { label: 'PostgreSQL', service: SERVICE_OF.postgres, start: (port) => startDrizzleApp(postgresDb(port)), refused: /ECONNREFUSED|terminat|Connection/i },
  {
    label: 'MariaDB',
    service: SERVICE_OF.mariadb,
    start: (port) => startDrizzleApp(mariadbDb(port)),
    refused: /ECONNREFUSED|closed|PROTOCOL_CONNECTION_LOST|Connection lost/i,
  },
]);
