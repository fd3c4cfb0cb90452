import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { importsOf, packageName } from './support/module-imports.js';
import { installedVersion, PACKAGE_DIR, packLibrary } from './support/packed-library.js';

/**
 * The published declarations stand alone: a strict TypeScript app (`strict`, `skipLibCheck: false`, so every
 * `.d.ts` it loads is checked) type-checks against the packed package with no optional peer installed, and with
 * every one of them installed; no `.d.ts` in the tarball imports an optional peer (each has a structural type of
 * our own where a signature needs one, as the `database` built-in does for TypeORM).
 */

const execFileAsync = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  name: string;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const OPTIONAL_PEERS = Object.keys(manifest.peerDependenciesMeta).filter((name) => manifest.peerDependenciesMeta[name].optional);
const REQUIRED_PEERS = Object.keys(manifest.peerDependencies).filter((name) => !OPTIONAL_PEERS.includes(name));

const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    target: 'ES2022',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
  },
  include: ['src'],
};

/** Touches the whole public API: `import *` brings every exported declaration (and what it references) into the check. */
const SOURCE = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import * as vitals from 'nest-vitals';
import { HealthIndicator, HealthModule, type HealthCheckContext, type HealthIndicatorCheck, type HealthModuleOptions } from 'nest-vitals';

@HealthIndicator('queue', { critical: false })
export class QueueIndicator implements HealthIndicatorCheck {
  check({ indicator }: HealthCheckContext) {
    return indicator.up({ depth: 0 });
  }
}

const options: HealthModuleOptions = {
  database: true,
  redis: { url: 'redis://localhost:6379' },
  rabbitmq: { url: 'amqp://localhost' },
  nats: { url: 'nats://localhost:4222' },
  mqtt: { url: 'mqtt://localhost:1883' },
  bullmq: true,
  microservices: true,
  grpc: { port: 50051 },
  metrics: true,
};

@Module({ imports: [HealthModule.forRoot(options)], providers: [QueueIndicator] })
export class AppModule {}

export const api: typeof vitals = vitals;
`;

let workDir: string;
let tarball: string;

async function typeCheckApp(name: string, peers: string[]): Promise<{ dir: string; code: number; output: string }> {
  const dir = join(workDir, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const dependencies = Object.fromEntries<string>([
    [manifest.name, `file:${tarball}`],
    ...peers.map((peer): [string, string] => [peer, installedVersion(peer)]),
  ]);
  const devDependencies: Record<string, string> = Object.fromEntries(['typescript', '@types/node'].map((tool) => [tool, installedVersion(tool)]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module', dependencies, devDependencies }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(join(dir, 'src/app.module.ts'), SOURCE);
  await execFileAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 300_000 });
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, timeout: 120_000 });
    return { dir, code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { dir, code: failure.code ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/** The two apps, installed and type-checked at once (tsc is single-threaded); each test awaits its own. */
let checked: Record<'none' | 'every', ReturnType<typeof typeCheckApp>>;

beforeAll(async () => {
  ({ tarball } = await packLibrary());
  workDir = mkdtempSync(join(tmpdir(), 'nest-vitals-declarations-'));
  checked = {
    none: typeCheckApp('no-optional-peers', [...REQUIRED_PEERS, '@nestjs/platform-express']),
    every: typeCheckApp('all-optional-peers', [...REQUIRED_PEERS, '@nestjs/platform-express', ...OPTIONAL_PEERS]),
  };
  for (const app of Object.values(checked)) app.catch(() => undefined);
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the published declarations', () => {
  it('import no optional peer, in any .d.ts of the tarball', async () => {
    const unpacked = join(workDir, 'unpacked');
    mkdirSync(unpacked);
    await execFileAsync('tar', ['-xzf', tarball, '-C', unpacked]);
    const files = readdirSync(join(unpacked, 'package/dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.d.ts'));
    expect(files.length).toBeGreaterThan(50);
    const offending = files.flatMap((file) =>
      importsOf(join(unpacked, 'package/dist', file))
        .filter((site) => !site.specifier.startsWith('.') && OPTIONAL_PEERS.includes(packageName(site.specifier)))
        .map((site) => `${relative(join(unpacked, 'package'), site.file)}:${site.line} imports "${site.specifier}"`),
    );
    expect(offending).toEqual([]);
  });

  it('type-check a strict app (skipLibCheck: false) with no optional peer installed', async () => {
    const { dir, code, output } = await checked.none;
    expect(OPTIONAL_PEERS.filter((peer) => existsSync(join(dir, 'node_modules', peer)))).toEqual([]);
    expect({ code, output }).toEqual({ code: 0, output: '' });
  }, 420_000);

  it('type-check a strict app (skipLibCheck: false) with every optional peer installed', async () => {
    const { dir, code, output } = await checked.every;
    expect(OPTIONAL_PEERS.filter((peer) => !existsSync(join(dir, 'node_modules', peer)))).toEqual([]);
    expect({ code, output }).toEqual({ code: 0, output: '' });
  }, 420_000);
});
