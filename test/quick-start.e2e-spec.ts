import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fencedBlocks } from './support/markdown.js';
import { installedVersion, packLibrary, ROOT } from './support/packed-library.js';
import { allocatePort } from './support/ports.js';

/**
 * The README's quick start, taken from the README text as a newcomer would copy it: every fenced block of the
 * section whose first line names a file (`// src/main.ts`) is written to that file of an empty app, the packages of
 * its `npm install` lines are installed (nest-vitals from the packed tarball, the others at the versions this
 * repository tests), `tsc` builds it, and the app runs: all three probes answer, the API is under its prefix, and
 * SIGTERM drains and ends the process with exit code 0.
 */

const execFileAsync = promisify(execFile);

/** Runs a command; a failure carries what it printed (tsc reports its errors on stdout). */
async function run(command: string, args: string[], options: { cwd: string; timeout: number }): Promise<void> {
  try {
    await execFileAsync(command, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}
const SECTION = '## Quick start: a whole app';
const FILE_MARKER = /^\/\/ ([\w./-]+\.(?:ts|json))\s*$/;

interface QuickStart {
  files: Map<string, string>;
  dependencies: string[];
  devDependencies: string[];
  commands: string;
}

function readQuickStart(): QuickStart {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start === -1) throw new Error(`README has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length + 2);
  const blocks = fencedBlocks(readme.slice(start, end === -1 ? undefined : end));
  const files = new Map<string, string>();
  for (const block of blocks) {
    const marker = FILE_MARKER.exec(block.body.split('\n')[0]);
    if (marker) files.set(marker[1], block.body);
  }
  const commands = blocks
    .filter((block) => block.info === 'bash')
    .map((block) => block.body)
    .join('\n');
  const dependencies: string[] = [];
  const devDependencies: string[] = [];
  for (const line of commands.split('\n')) {
    for (const install of line.split('&&').map((part) => part.trim().split(/\s+/))) {
      if (install[0] !== 'npm' || install[1] !== 'install') continue;
      const names = install.slice(2).filter((word) => !word.startsWith('-'));
      (install.includes('--save-dev') || install.includes('-D') ? devDependencies : dependencies).push(...names);
    }
  }
  return { files, dependencies, devDependencies, commands };
}

const quickStart = readQuickStart();
let workDir: string;
let appDir: string;
let app: ChildProcess | undefined;
let output = '';
let port: number;
const API_KEY = 'quick-start-key';

function waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const poll = setInterval(() => {
      if (pattern.test(output)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolveWait();
      }
    }, 20);
    app?.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (!pattern.test(output)) reject(new Error(`the app exited (${code ?? signal}) before ${pattern}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  const { tarball } = await packLibrary();
  workDir = mkdtempSync(join(tmpdir(), 'nest-vitals-quick-start-'));
  appDir = join(workDir, 'orders');
  mkdirSync(appDir);
  const version = (name: string) => (name === 'nest-vitals' ? `file:${tarball}` : installedVersion(name));
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify(
      {
        name: 'orders',
        version: '1.0.0',
        private: true,
        type: /npm pkg set type=module/.test(quickStart.commands) ? 'module' : 'commonjs',
        dependencies: Object.fromEntries(quickStart.dependencies.map((name) => [name, version(name)])),
        devDependencies: Object.fromEntries(quickStart.devDependencies.map((name) => [name, version(name)])),
      },
      null,
      2,
    ),
  );
  for (const [file, text] of quickStart.files) {
    mkdirSync(dirname(join(appDir, file)), { recursive: true });
    writeFileSync(join(appDir, file), text);
  }
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: appDir, timeout: 300_000 });
  // `npx tsc`, as the README says: the app's own TypeScript, its own tsconfig.json.
  await run(process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', appDir], { cwd: appDir, timeout: 120_000 });

  // The app listens on every interface (as `app.listen(port)` does); a port another process holds on [::] is retried.
  for (let attempt = 1; ; attempt++) {
    port = await allocatePort();
    output = '';
    app = spawn(process.execPath, ['dist/main.js'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HEALTH_API_KEY: API_KEY, HEALTH_DRAIN_DELAY_MS: '1000' },
    });
    app.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(/orders listening on/, 30_000);
      break;
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(output)) throw error;
    }
  }
}, 600_000);

afterAll(() => {
  app?.kill('SIGKILL');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

describe("README's quick start, built from the README text into an empty app", () => {
  it('is a whole app: tsconfig, the service the indicator checks, the indicator, the module and main.ts', () => {
    expect([...quickStart.files.keys()].sort()).toEqual([
      'src/app.module.ts',
      'src/main.ts',
      'src/queue.indicator.ts',
      'src/queue.service.ts',
      'tsconfig.json',
    ]);
    expect(quickStart.dependencies).toContain('nest-vitals');
    expect(readdirSync(join(appDir, 'dist')).sort()).toEqual(expect.arrayContaining(['app.module.js', 'main.js', 'queue.indicator.js', 'queue.service.js']));
  });

  it('answers all three probes at /health/..., beside an API under the /api prefix', async () => {
    // /startup latches once bootstrap has finished; it has, since the app logged that it listens.
    for (const probe of ['live', 'ready', 'startup']) {
      const response = await fetch(url(`/health/${probe}`));
      expect({ probe, status: response.status, body: await response.json() }).toEqual({ probe, status: 200, body: { status: 'UP' } });
    }
    expect((await fetch(url('/api/health/ready'))).status).toBe(404);
    const created = await fetch(url('/api/orders'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'o-1' }) });
    expect({ status: created.status, body: await created.json() }).toEqual({ status: 201, body: { queued: 1 } });
  });

  it('shows its own indicator and the built-ins to a caller with the key', async () => {
    const response = await fetch(url('/health'), { headers: { 'x-health-key': API_KEY } });
    const body = (await response.json()) as { status: string; details: Record<string, { status: string; data?: Record<string, unknown> }> };
    expect(response.status).toBe(200);
    expect(body.details.queue).toMatchObject({ status: 'UP', data: { depth: 1 } });
    expect(Object.keys(body.details).sort()).toEqual(['event-loop', 'memory', 'queue']);
  });

  it('drains on SIGTERM (readiness 503, liveness 200) and exits with code 0', async () => {
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      app!.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
    const signalledAt = Date.now();
    app!.kill('SIGTERM');
    await new Promise((resolveSoon) => setTimeout(resolveSoon, 200));
    const ready = await fetch(url('/health/ready'));
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'SHUTTING_DOWN' } });
    expect((await fetch(url('/health/live'))).status).toBe(200);
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // It waited for the drain (1 s here), and did not hang after it.
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(900);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(output).not.toMatch(/ERROR|Error:/);
  }, 30_000);
});
