import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GrpcHealthClient } from './support/grpc-health-client.js';
import { PACKAGE_DIR, packLibrary } from './support/packed-library.js';
import { allocatePort } from './support/ports.js';
import { SERVICES } from './support/services.js';

/**
 * The packed package installs beside every peer at the newest version published today, and beside the oldest version
 * each of our peer ranges admits; in each install an app (Fastify, TypeORM and Sequelize on PostgreSQL, Redis, RabbitMQ,
 * NATS, MQTT, BullMQ, gRPC health, prom-client, OpenTelemetry, Swagger) boots and every probe answers with every check
 * UP. A peer whose current major our range does not admit fails the install (ERESOLVE), as it fails for users.
 */

const execFileAsync = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
/** The peers the app below uses; every peer of the manifest is installed either way. */
const DRIVERS = ['pg', 'pg-hstore'];
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = 'nats://127.0.0.1:4222';
const MQTT_URL = 'mqtt://127.0.0.1:1883';

const APP = `import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SequelizeModule } from '@nestjs/sequelize';
import { BullModule } from '@nestjs/bullmq';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import promClient from 'prom-client';
import { HealthModule } from 'nest-vitals';

const env = process.env;

class MetricsController {
  scrape() {
    return promClient.register.metrics();
  }
}
Controller('metrics')(MetricsController);
Get()(MetricsController.prototype, 'scrape', Object.getOwnPropertyDescriptor(MetricsController.prototype, 'scrape'));
Header('Content-Type', 'text/plain')(MetricsController.prototype, 'scrape', Object.getOwnPropertyDescriptor(MetricsController.prototype, 'scrape'));

class AppModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: env.PG_URL }),
    SequelizeModule.forRoot({ name: 'seq', dialect: 'postgres', uri: env.PG_URL, logging: false }),
    BullModule.forRoot({ connection: { host: '127.0.0.1', port: 6379 } }),
    BullModule.registerQueue({ name: env.QUEUE }),
    HealthModule.forRoot({
      service: { name: 'peers' },
      details: 'always',
      database: true,
      redis: { url: env.REDIS_URL },
      rabbitmq: { url: env.AMQP_URL },
      nats: { url: env.NATS_URL },
      mqtt: { url: env.MQTT_URL },
      bullmq: true,
      grpc: { port: Number(env.GRPC_PORT), host: '127.0.0.1' },
      metrics: true,
    }),
  ],
  controllers: [MetricsController],
})(AppModule);

const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks(['SIGTERM'], { useProcessExit: true });
const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('peers').build());
await app.listen(0, '127.0.0.1');
console.log('LISTENING ' + app.getHttpServer().address().port + ' OPENAPI ' + Object.keys(document.paths).join(','));
`;

/** `1.2.3` → [1, 2, 3]; prereleases are left out by the caller. */
const parts = (version: string) => version.split('.').map(Number);
const older = (a: string, b: string) => {
  const [x, y] = [parts(a), parts(b)];
  for (let index = 0; index < 3; index++) if (x[index] !== y[index]) return x[index] - y[index];
  return 0;
};

/** The oldest published, non-prerelease version each range admits (npm resolves the range). */
async function oldestAdmitted(name: string, range: string): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['view', `${name}@${range}`, 'version', '--json'], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const listed = JSON.parse(stdout) as string | string[];
  const versions = (Array.isArray(listed) ? listed : [listed]).filter((version) => /^\d+\.\d+\.\d+$/.test(version));
  if (versions.length === 0) throw new Error(`no release of ${name} satisfies ${range}`);
  return versions.sort(older)[0];
}

/** The version the `latest` dist-tag points at, pinned: npm may settle a `latest` spec on an older version a peer range allows. */
async function latestVersion(name: string): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['view', name, 'version', '--prefer-online'], { timeout: 60_000 });
  return stdout.trim();
}

/** `npm install` in `dir`, its output in the error when it fails. */
async function npmInstall(dir: string, what: string, args: string[], timeout: number): Promise<void> {
  try {
    await execFileAsync('npm', ['install', ...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm install beside ${what} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** Writes an app's package.json and main.js into a new folder of `workDir`, and installs it. */
async function installApp(name: string, what: string, dependencies: Record<string, string>, main: string, args: string[], timeout: number): Promise<string> {
  const dir = join(workDir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(join(dir, 'main.js'), main);
  await npmInstall(dir, what, args, timeout);
  return dir;
}

/** The app beside every peer at its latest or oldest admitted version: its folder and the versions npm installed. */
async function installVariant(variant: 'latest' | 'oldest'): Promise<{ dir: string; versions: Record<string, string> }> {
  const peers = Object.entries(manifest.peerDependencies);
  // typeorm (even its latest) declares ioredis ^5 as an optional peer: beside it, ioredis takes our range and npm picks
  // the newest that fits both; ioredis' own latest major is installed without typeorm below.
  const wanted = Object.fromEntries(
    await Promise.all(
      peers.map(
        async ([name, range]) =>
          [name, variant === 'oldest' ? await oldestAdmitted(name, range) : name === 'ioredis' ? range : await latestVersion(name)] as const,
      ),
    ),
  );
  const dependencies = { 'nest-vitals': `file:${tarball}`, ...wanted, ...Object.fromEntries(DRIVERS.map((name) => [name, 'latest'])) };
  // The newest versions are asked of the registry (a cached packument may be older); the oldest never change.
  const freshness = variant === 'latest' ? '--prefer-online' : '--prefer-offline';
  const dir = await installApp(`peers-${variant}`, `the ${variant} peers`, dependencies, APP, [freshness], 420_000);
  const versions = Object.fromEntries(
    peers.map(([name]) => [name, (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version]),
  );
  return { dir, versions };
}

const IOREDIS_APP = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from 'nest-vitals';
class AppModule {}
Module({ imports: [HealthModule.forRoot({ details: 'always', redis: { url: process.env.REDIS_URL } })] })(AppModule);
const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const response = await fetch('http://127.0.0.1:' + app.getHttpServer().address().port + '/health/ready');
console.log('READY ' + response.status + ' ' + (await response.text()));
await app.close();
`;

/** A small app beside the latest of Nest, Terminus and ioredis (without typeorm, whose optional peer range holds ioredis at 5). */
async function installIoredisLatest(): Promise<string> {
  const names = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/terminus', 'reflect-metadata', 'rxjs', 'ioredis'];
  const dependencies = Object.fromEntries<string>([
    ['nest-vitals', `file:${tarball}`] as [string, string],
    ...(await Promise.all(names.map(async (name): Promise<[string, string]> => [name, await latestVersion(name)]))),
  ]);
  return installApp('ioredis-latest', "ioredis' latest major", dependencies, IOREDIS_APP, ['--prefer-online'], 300_000);
}

let workDir: string;
let tarball: string;
const running = new Set<ChildProcess>();
/** The three installs, started together (npm waits on the registry most of the time); each block awaits its own. */
let installs: { latest: ReturnType<typeof installVariant>; oldest: ReturnType<typeof installVariant>; ioredis: Promise<string> };

beforeAll(async () => {
  ({ tarball } = await packLibrary());
  workDir = mkdtempSync(join(tmpdir(), 'nest-vitals-peers-'));
  installs = { latest: installVariant('latest'), oldest: installVariant('oldest'), ioredis: installIoredisLatest() };
  // Awaited (and reported) by the block that uses it; not an unhandled rejection before that.
  for (const install of Object.values(installs)) install.catch(() => undefined);
}, 300_000);

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.each(['latest', 'oldest'] as const)('nest-vitals installed beside the %s version of every peer', (variant) => {
  let versions: Record<string, string>;
  let url: string;
  let grpcPort: number;
  let output = '';
  const queue = `peers-${variant}`;

  beforeAll(async () => {
    const installed = await installs[variant];
    versions = installed.versions;
    grpcPort = await allocatePort();
    const child = spawn(process.execPath, ['main.js'], {
      cwd: installed.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PG_URL: SERVICES.postgres.url,
        REDIS_URL: SERVICES.redis.url,
        AMQP_URL,
        NATS_URL,
        MQTT_URL,
        QUEUE: queue,
        GRPC_PORT: String(grpcPort),
      },
    });
    running.add(child);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<string>((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not listen within 60 s:\n${output}`)), 60_000);
      const poll = setInterval(() => {
        const found = /LISTENING (\d+)/.exec(output)?.[1];
        if (found) {
          clearTimeout(timer);
          clearInterval(poll);
          resolvePort(found);
        }
      }, 50);
      child.once('exit', (code) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`the app exited with ${code}:\n${output}`));
      });
    });
    url = `http://127.0.0.1:${port}`;
  }, 600_000);

  it('installed the versions it was asked for', () => {
    for (const [name, version] of Object.entries(versions)) expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    // Recorded in the test output: which versions this run proved.
    console.log(
      `${variant} peers: ${Object.entries(versions)
        .map(([name, version]) => `${name}@${version}`)
        .join(' ')}`,
    );
  });

  it('answers every probe, with every check UP', async () => {
    const expected = ['database', 'database-seq', 'redis', 'rabbitmq', 'nats', 'mqtt', `queue-${queue}`];
    let body: { status: string; details?: Record<string, { status: string; error?: string }> } = { status: 'none' };
    // Broker connections open at bootstrap; give them a moment to report.
    for (let attempt = 0; attempt < 60; attempt++) {
      body = (await (await fetch(`${url}/health/ready`)).json()) as typeof body;
      if (body.status === 'UP') break;
      await new Promise((resolveSoon) => setTimeout(resolveSoon, 250));
    }
    expect(Object.keys(body.details ?? {}).sort()).toEqual([...expected].sort());
    // A check that is not UP shows its reason in the failure.
    const statuses = Object.fromEntries(
      Object.entries(body.details ?? {}).map(([name, check]) => [name, check.status === 'UP' ? 'UP' : `${check.status}: ${check.error}`]),
    );
    expect({ status: body.status, statuses }).toEqual({ status: 'UP', statuses: Object.fromEntries(expected.map((name) => [name, 'UP'])) });
    for (const probe of ['live', 'startup']) expect((await fetch(`${url}/health/${probe}`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  }, 30_000);

  it('serves gRPC health, Prometheus metrics and OpenAPI through the installed peers', async () => {
    expect(await new GrpcHealthClient(grpcPort).firstAnswer('readiness')).toEqual({ status: 'SERVING' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/health_check_status\{check="redis",critical="true"\} 1/);
    expect(output).toMatch(/OPENAPI .*\/health\/ready/);
    expect(output).not.toMatch(/ERROR|Error:/);
  });
});

describe("nest-vitals installed beside ioredis' latest major (the install that failed with ERESOLVE on ioredis 6)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await installs.ioredis;
  }, 360_000);

  it('installs ioredis 6 or later and the Redis check is UP with it', async () => {
    const installed = (JSON.parse(readFileSync(join(dir, 'node_modules/ioredis/package.json'), 'utf8')) as { version: string }).version;
    expect(Number(installed.split('.')[0])).toBeGreaterThanOrEqual(6);
    const { stdout } = await execFileAsync(process.execPath, ['main.js'], {
      cwd: dir,
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '', REDIS_URL: SERVICES.redis.url },
    });
    const [, status, body] = /READY (\d+) (.*)/.exec(stdout) ?? [];
    expect({ status, body: JSON.parse(body ?? '{}') as unknown }).toMatchObject({
      status: '200',
      body: { status: 'UP', details: { redis: { status: 'UP' } } },
    });
  }, 90_000);
});
