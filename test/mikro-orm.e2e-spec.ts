import { beforeAll, describe, expect, it } from '@jest/globals';
import { EntitySchema } from '@mikro-orm/core';
import { MySqlDriver } from '@mikro-orm/mysql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from 'nest-vitals';
import { mikroOrmNodeProblem } from '../libs/health/src/indicators/mikro-orm/mikro-orm.builtin.js';
import { startApp } from './support/http-app.js';
import { getReport } from './support/report.js';
import { requireService } from './support/services.js';
import { APP_POOL_SIZE, describeSqlOrmResilience, MARIADB_URL, ORM_TIMEOUT_MS, POSTGRES_URL, SERVICE_OF, type OrmApp } from './support/sql-orm-scenarios.js';

/*
 * MikroORM 7 runs on Node.js 22.17 and later. The suite runs on Node 20, 22 and 24 (.ci/run): on 22 and 24 the
 * real checks against PostgreSQL and MariaDB run; on 20, turning `mikroOrm` on stops startup with the message.
 */
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 17);

const Note = new EntitySchema({ name: 'Note', properties: { id: { type: 'number', primary: true }, text: { type: 'string' } } });

/** A `MikroOrmModule.forRoot` configuration. */
type OrmConfig = Record<string, unknown>;

const postgres = (port: number, extra: OrmConfig = {}): OrmConfig => ({
  driver: PostgreSqlDriver,
  clientUrl: POSTGRES_URL(port),
  entities: [Note],
  pool: { min: 0, max: APP_POOL_SIZE },
  ...extra,
});
const mariadb = (port: number, extra: OrmConfig = {}): OrmConfig => ({
  driver: MySqlDriver,
  clientUrl: MARIADB_URL(port),
  entities: [Note],
  pool: { min: 0, max: APP_POOL_SIZE },
  ...extra,
});

async function startMikroOrmApp(configs: OrmConfig[], mikroOrm: unknown = { timeoutMs: ORM_TIMEOUT_MS, cacheTtlMs: 0 }): Promise<OrmApp> {
  const { app, url } = await startApp({
    imports: [...configs.map((config) => MikroOrmModule.forRoot(config as never)), HealthModule.forRoot({ details: 'always', mikroOrm } as never)],
  });
  return { url, close: () => app.close() };
}

if (supported) {
  beforeAll(async () => {
    await requireService('postgres');
    await requireService('mariadb');
  });

  describe(`mikroOrm built-in on Node.js ${process.versions.node}`, () => {
    it('checks every MikroORM instance of @mikro-orm/nestjs: the default context as "mikro-orm", others by context name', async () => {
      // The module's default timeout (1 s), as an app would have it: MikroORM 7 connects on first use, so this first
      // check also opens the pool and loads the driver; the 500 ms of the timeout scenarios below is for warm pools.
      const app = await startMikroOrmApp(
        [postgres(SERVICE_OF.postgres.port), mariadb(SERVICE_OF.mariadb.port, { contextName: 'legacy', registerRequestContext: false })],
        { cacheTtlMs: 0 },
      );
      try {
        const report = await getReport(app.url);
        expect(report.details['mikro-orm']).toMatchObject({ status: 'UP', data: { orm: 'mikro-orm', context: 'default', database: 'test' } });
        expect(report.details['mikro-orm-legacy']).toMatchObject({ status: 'UP', data: { orm: 'mikro-orm', context: 'legacy', database: 'test' } });
      } finally {
        await app.close();
      }
    });

    it('an unknown context name stops startup, listing the ones the app has', async () => {
      await expect(startMikroOrmApp([postgres(SERVICE_OF.postgres.port)], { contexts: ['reports'] })).rejects.toThrow(
        '"mikroOrm.contexts[0]" is "reports", but the app has no MikroORM context of that name; it has: default',
      );
    });
  });

  describeSqlOrmResilience('mikro-orm', [
    { label: 'PostgreSQL', service: SERVICE_OF.postgres, start: (port) => startMikroOrmApp([postgres(port)]), refused: /ECONNREFUSED|terminat|Connection/i },
    {
      label: 'MariaDB',
      service: SERVICE_OF.mariadb,
      start: (port) => startMikroOrmApp([mariadb(port)]),
      refused: /ECONNREFUSED|closed|PROTOCOL_CONNECTION_LOST|Connection lost/i,
    },
  ]);
} else {
  describe(`mikroOrm built-in on Node.js ${process.versions.node} (MikroORM 7 needs 22.17+)`, () => {
    it('turning it on stops startup with a message naming the option and the Node.js version needed', async () => {
      @Module({ imports: [HealthModule.forRoot({ mikroOrm: true })] })
      class OldNodeModule {}
      await expect(NestFactory.createApplicationContext(OldNodeModule, { logger: false, abortOnError: false })).rejects.toThrow(
        `"mikroOrm" needs Node.js 22.17.0 or later (MikroORM 7 requires it); this process runs Node.js ${process.versions.node}`,
      );
      expect(mikroOrmNodeProblem()).toBeDefined();
    });
  });
}

describe('mikroOrm Node.js requirement', () => {
  it('is decided by the Node.js version alone', () => {
    expect(mikroOrmNodeProblem('20.19.0')).toBe('"mikroOrm" needs Node.js 22.17.0 or later (MikroORM 7 requires it); this process runs Node.js 20.19.0');
    expect(mikroOrmNodeProblem('22.16.0')).toContain('this process runs Node.js 22.16.0');
    expect(mikroOrmNodeProblem('22.17.0')).toBeUndefined();
    expect(mikroOrmNodeProblem('24.1.0')).toBeUndefined();
  });
});
