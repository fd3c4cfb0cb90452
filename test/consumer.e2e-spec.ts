import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isRelativeLink, markdownLinks } from './support/markdown.js';
import { importsOf, isNodeBuiltin, packageName } from './support/module-imports.js';
import { installedVersion, packLibrary } from './support/packed-library.js';

/**
 * Packs the library as npm would publish it, installs the tarball into two fresh apps outside the
 * repository — one ES module app, one CommonJS app — with only the peers they use, boots each
 * and asks it `/health/ready`. Nothing of the monorepo (path alias, root node_modules) is visible there.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_DIR = join(ROOT, 'libs/health');
const execFileAsync = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** The peers an app with no database, Redis, Swagger or metrics needs — at the versions this repository tests. */
const APP_PEERS = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/terminus', 'reflect-metadata', 'rxjs'];
const OPTIONAL_PEERS = Object.keys(manifest.peerDependenciesMeta).filter((name) => manifest.peerDependenciesMeta[name].optional);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The app's own indicator, its module and its bootstrap — plain JavaScript, decorators applied as functions. */
const APP_BODY = `
class QueueIndicator {
  constructor(health) {
    this.health = health;
  }
  check() {
    return this.health.check('queue').up({ depth: 0 });
  }
}
Inject(HealthIndicatorService)(QueueIndicator, undefined, 0);
HealthIndicator('queue', { timeoutMs: 500 })(QueueIndicator);

class AppModule {}
Module({
  imports: [
    HealthModule.forRoot({
      service: { name: 'consumer' },
      details: 'always',
      // Switched on only by the test that checks what happens without the optional peer installed.
      redis: process.env.CONSUMER_REDIS_URL ? { url: process.env.CONSUMER_REDIS_URL } : undefined,
    }),
  ],
  providers: [QueueIndicator],
})(AppModule);

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  console.log('LISTENING ' + app.getHttpServer().address().port);
}
`;

const APPS = {
  esm: {
    packageJson: { type: 'module' },
    entry: 'main.js',
    source: `import 'reflect-metadata';
import { Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
${APP_BODY}
await bootstrap();
`,
  },
  commonjs: {
    packageJson: {},
    entry: 'main.js',
    source: `'use strict';
require('reflect-metadata');
const { Inject, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { HealthIndicator, HealthIndicatorService, HealthModule } = require('nest-vitals');
${APP_BODY}
bootstrap().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
  },
} as const;
type AppName = keyof typeof APPS;

let workDir: string;
let tarball: string;
let packedFiles: string[];
const running = new Set<ChildProcess>();
/** Each app's folder, once installed. */
let apps: Record<AppName, Promise<string>>;

async function createApp(name: AppName): Promise<string> {
  const app = APPS[name];
  const dir = join(workDir, `${name}-app`);
  mkdirSync(dir);
  const dependencies = Object.fromEntries<string>([[manifest.name, `file:${tarball}`], ...APP_PEERS.map((peer) => [peer, installedVersion(peer)] as const)]);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `nest-vitals-${name}-consumer`, version: '1.0.0', private: true, ...app.packageJson, dependencies }, null, 2),
  );
  writeFileSync(join(dir, app.entry), app.source);
  await execFileAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 240_000 });
  return dir;
}

/** Boots the app in its own process; resolves with its base URL once it listens. */
function boot(dir: string, entry: string): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, [entry], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  running.add(child);
  let output = '';
  return new Promise((resolveBoot, reject) => {
    const timer = setTimeout(() => reject(new Error(`app in ${dir} did not listen within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /LISTENING (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolveBoot({ url: `http://127.0.0.1:${port}`, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app in ${dir} exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nest-vitals-consumer-'));
  // `npm pack` runs the package's prepack script: a clean build with its own checks, then README/LICENSE/CHANGELOG.
  ({ tarball, files: packedFiles } = await packLibrary());
  // Both apps install at once; each block awaits its own (and reports its failure).
  apps = Object.fromEntries((Object.keys(APPS) as AppName[]).map((name) => [name, createApp(name)])) as Record<AppName, Promise<string>>;
  for (const created of Object.values(apps)) created.catch(() => undefined);
}, 300_000);

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the packed nest-vitals tarball', () => {
  it('holds the built package and its documents, and nothing of the monorepo', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.js.map',
        'bin/nest-vitals.js',
      ]),
    );
    const leaks = packedFiles.filter(
      (file) =>
        /(^|\/)(apps|test|src|node_modules|bench)\//.test(file) ||
        /\.spec\./.test(file) ||
        /tsconfig/.test(file) ||
        /\.tsbuildinfo$/.test(file) ||
        (/\.ts$/.test(file) && !/\.d\.ts$/.test(file)),
    );
    expect(leaks).toEqual([]);
    for (const file of packedFiles.filter((path) => path.startsWith('dist/') && path.endsWith('.js'))) {
      expect(packedFiles).toContain(`${file}.map`);
      expect(packedFiles).toContain(file.replace(/\.js$/, '.d.ts'));
    }
  });

  it('carries a README whose links all work from the registry page: none relative to files the tarball lacks', async () => {
    const unpacked = join(workDir, 'unpacked-docs');
    mkdirSync(unpacked);
    await execFileAsync('tar', ['-xzf', tarball, '-C', unpacked, 'package/README.md', 'package/CHANGELOG.md']);
    for (const file of ['README.md', 'CHANGELOG.md']) {
      const links = markdownLinks(readFileSync(join(unpacked, 'package', file), 'utf8'));
      expect(links.length).toBeGreaterThan(0);
      expect(links.filter(({ target }) => isRelativeLink(target) && !target.startsWith('#'))).toEqual([]);
    }
    const repository = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url;
    const web = repository.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(markdownLinks(readFileSync(join(unpacked, 'package/README.md'), 'utf8')).map(({ target }) => target)).toContain(`${web}/blob/main/docs/options.md`);
  });

  it('has no dist file that imports nest-vitals itself, a path outside the package, or an undeclared package', async () => {
    const unpacked = join(workDir, 'unpacked');
    mkdirSync(unpacked);
    await execFileAsync('tar', ['-xzf', tarball, '-C', unpacked]);
    const packageRoot = join(unpacked, 'package');
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies)]);
    const problems: string[] = [];
    for (const file of filesUnder(join(packageRoot, 'dist')).filter((path) => /\.(js|d\.ts)$/.test(path))) {
      for (const site of importsOf(file)) {
        const where = `${relative(packageRoot, file)}:${site.line} ${site.kind} import of "${site.specifier}"`;
        if (site.specifier.startsWith('.')) {
          if (relative(packageRoot, resolve(dirname(file), site.specifier)).startsWith('..')) problems.push(`${where}: outside the package`);
          continue;
        }
        if (isNodeBuiltin(site.specifier)) continue;
        const name = packageName(site.specifier);
        if (name === manifest.name) problems.push(`${where}: its own name (a path alias leaked)`);
        else if (!declared.has(name)) problems.push(`${where}: not a dependency or peer`);
        // Loaded with the module, an optional peer would break every app that does not install it.
        else if (OPTIONAL_PEERS.includes(name) && site.kind === 'static' && file.endsWith('.js'))
          problems.push(`${where}: an optional peer, imported statically`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.each(Object.keys(APPS) as AppName[])('a fresh %s Nest 12 app with nest-vitals installed from the tarball', (name) => {
  let dir: string;
  let app: { url: string; output: () => string };

  beforeAll(async () => {
    dir = await apps[name];
    app = await boot(dir, APPS[name].entry);
  }, 300_000);

  it('installed only the peers it uses: no optional peer came along', () => {
    expect(existsSync(join(dir, 'node_modules', manifest.name, 'dist/index.js'))).toBe(true);
    expect(OPTIONAL_PEERS.filter((peer) => existsSync(join(dir, 'node_modules', peer)))).toEqual([]);
  });

  it('answers /health/ready with its own @HealthIndicator', async () => {
    const response = await fetch(`${app.url}/health/ready`);
    const body = (await response.json()) as { status: string; details: Record<string, { status: string; data?: unknown }> };
    expect({ status: response.status, body }).toMatchObject({
      status: 200,
      body: { status: 'UP', details: { queue: { status: 'UP', data: { depth: 0 } } } },
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /health/live', async () => {
    const response = await fetch(`${app.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'UP' });
  });

  it('has the nest-vitals CLI on its path, and the CLI finds it ready', async () => {
    const { stdout } = await execFileAsync(join(dir, 'node_modules/.bin/nest-vitals'), ['probe', `${app.url}/health/ready`], { cwd: dir, timeout: 10_000 });
    expect(stdout).toMatch(/200/);
    const version = await execFileAsync(join(dir, 'node_modules/.bin/nest-vitals'), ['--version'], { cwd: dir, timeout: 10_000 });
    expect(version.stdout).toBe(`nest-vitals ${manifest.version}\n`);
  });

  it('runs nest-vitals k8s from the tarball: the probes it fits to the app pass k8s check; nest-vitals/testing resolves', async () => {
    const bin = join(dir, 'node_modules/.bin/nest-vitals');
    const { stdout: stanzas } = await execFileAsync(bin, ['k8s', 'probes', '--url', `${app.url}/health`], { cwd: dir, timeout: 10_000 });
    const grace = /terminationGracePeriodSeconds: (\d+)/.exec(stanzas)![1];
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: consumer }',
      'spec:',
      '  template:',
      '    spec:',
      `      terminationGracePeriodSeconds: ${grace}`,
      '      containers:',
      '        - name: app',
      `          ports: [{ containerPort: ${new URL(app.url).port} }]`,
      ...stanzas
        .trimEnd()
        .split('\n')
        .map((line) => `          ${line}`),
    ].join('\n');
    writeFileSync(join(dir, 'deployment.yaml'), `${manifest}\n`);
    // Exit code 0, else execFile rejects with the findings.
    const { stdout } = await execFileAsync(bin, ['k8s', 'check', 'deployment.yaml', '--url', `${app.url}/health`], { cwd: dir, timeout: 10_000 });
    expect(stdout).toContain('no findings');
    const testing = await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', "console.log(typeof (await import('nest-vitals/testing')).simulateCheck)"],
      {
        cwd: dir,
        timeout: 10_000,
      },
    );
    expect(testing.stdout.trim()).toBe('function');
  });

  it('switching on the Redis indicator without ioredis installed stops startup with an error that says what to install', async () => {
    const child = spawn(process.execPath, [APPS[name].entry], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', CONSUMER_REDIS_URL: 'redis://127.0.0.1:6379' },
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        done(exitCode);
      });
    });
    expect(output).not.toMatch(/LISTENING/);
    expect(code).not.toBe(0);
    expect(output).toContain('npm install ioredis');
  });

  it('logged no error while booting and answering', () => {
    expect(app.output()).not.toMatch(/ERROR|Error:|ERR_/);
  });
});
