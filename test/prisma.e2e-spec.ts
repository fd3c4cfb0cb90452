import { beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrismaPg } from '@prisma/adapter-pg';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { getCheck } from './support/report.js';
import { requireService } from './support/services.js';
import { APP_POOL_SIZE, describeSqlOrmResilience, ORM_TIMEOUT_MS, POSTGRES_URL, SERVICE_OF, type OrmApp } from './support/sql-orm-scenarios.js';

/*
 * The app's PrismaClient is generated from test/fixtures/prisma/schema.prisma by Prisma 7's `prisma-client`
 * generator, with the query compiler (wasm, shipped in @prisma/client) and the pg driver adapter: nothing but npm
 * packages. `prisma generate` never runs the schema engine, but downloads it from outside the npm registry unless
 * PRISMA_SCHEMA_ENGINE_BINARY names a file; it names a stand-in that fails if anything runs it.
 */
interface GeneratedPrismaClient {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $queryRawUnsafe(query: string): Promise<unknown>;
}
let PrismaClient: new (options: { adapter: unknown }) => GeneratedPrismaClient;

/** The app's Prisma service, provided by class. */
class PrismaService {}

beforeAll(async () => {
  await requireService('postgres');
  const generated = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', 'test/fixtures/prisma/schema.prisma'], {
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: resolve('test/fixtures/prisma/no-schema-engine.sh'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`prisma generate failed:\n${generated.stdout}\n${generated.stderr}`);
  const clientModule = './artifacts/prisma-client/client.js';
  ({ PrismaClient } = (await import(clientModule)) as { PrismaClient: typeof PrismaClient });
}, 60_000);

async function startPrismaApp(port: number, prisma: unknown = { client: PrismaService, timeoutMs: ORM_TIMEOUT_MS, cacheTtlMs: 0 }): Promise<OrmApp> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: POSTGRES_URL(port), max: APP_POOL_SIZE }) });
  const { app, url } = await startApp({
    imports: [HealthModule.forRoot({ details: 'always', prisma } as never)],
    providers: [{ provide: PrismaService, useValue: client }],
  });
  return {
    url,
    close: async () => {
      await app.close();
      await client.$disconnect();
    },
  };
}

describe('prisma built-in (a PrismaClient generated with the query compiler and @prisma/adapter-pg)', () => {
  it('UP on PostgreSQL, the client given by class', async () => {
    const app = await startPrismaApp(SERVICE_OF.postgres.port);
    try {
      expect(await getCheck(app.url, 'prisma')).toMatchObject({
        status: 'UP',
        data: { orm: 'prisma', provider: 'postgresql', responseTimeMs: expect.any(Number) },
      });
    } finally {
      await app.close();
    }
  });

  it('bad configuration stops startup with a message naming the option', async () => {
    @Module({ imports: [HealthModule.forRoot({ prisma: { client: 'PRISMA' } })] })
    class NoClientModule {}
    await expect(NestFactory.createApplicationContext(NoClientModule, { logger: false, abortOnError: false })).rejects.toThrow(
      '"prisma.client": the app provides nothing under the token "PRISMA"',
    );
  });
});

describeSqlOrmResilience('prisma', [
  {
    label: 'PostgreSQL',
    service: SERVICE_OF.postgres,
    start: (port) => startPrismaApp(port),
    refused: /^Raw query failed\. Code: `N\/A`\. Message: `Can't reach database server at 127\.0\.0\.1:\d+`$/,
  },
]);
