import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocatePort } from './support/ports.js';

/**
 * `npm start` (the README's first command, after its `prestart` build) runs the sample app as npm's own child, not
 * under a shell that would hold the signal: a SIGTERM sent to npm — what a process manager or `docker stop` does —
 * reaches the app, which drains and exits, and npm with it. Linux: the process tree is read from /proc.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workDir = mkdtempSync(join(tmpdir(), 'nest-vitals-npm-start-'));
let npm: ChildProcess | undefined;

afterAll(() => {
  npm?.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

function childrenOf(pid: number): number[] {
  const tasks = join('/proc', String(pid), 'task');
  return readFileSync(join(tasks, String(pid), 'children'), 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

describe('npm start', () => {
  it('runs node directly under npm, so a SIGTERM to npm drains the app and ends both', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toMatch(/^exec node /);
    const port = await allocatePort();
    // `--ignore-scripts` skips `prestart` (the build): the suite's `pretest` has built the sample app already.
    npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), SQLITE_PATH: join(workDir, 'sample.sqlite'), HEALTH_DRAIN_DELAY_MS: '1000' },
    });
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => npm!.once('exit', (code) => resolveExit(code)));
    for (let waited = 0; !/listening on/.test(output); waited += 50) {
      if (waited > 60_000 || npm.exitCode !== null) throw new Error(`npm start did not listen:\n${output}`);
      await new Promise((resolveSoon) => setTimeout(resolveSoon, 50));
    }

    const [app] = childrenOf(npm.pid!);
    expect(readFileSync(`/proc/${app}/cmdline`, 'utf8').split('\0').slice(0, 2)).toEqual([
      expect.stringMatching(/(^|\/)node$/),
      'dist/apps/sample/apps/sample/src/main.js',
    ]);

    npm.kill('SIGTERM');
    await new Promise((resolveSoon) => setTimeout(resolveSoon, 300));
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'SHUTTING_DOWN' } });
    const started = Date.now();
    await exited;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(`/proc/${app}`)).toBe(false);
  }, 90_000);
});
