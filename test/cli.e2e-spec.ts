import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, waitForOutput } from './support/processes.js';

const CLI = 'libs/health/bin/nest-vitals.js';
const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command as a real process, killed if it outlives `limitMs`. */
function run(command: string, args: string[], limitMs = 10_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

let server: Server;
let base: string;
let lastHeaders: IncomingHttpHeaders = {};
const hanging = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    lastHeaders = request.headers;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    switch (new URL(request.url!, 'http://x').pathname) {
      case '/ready':
        return json(200, { status: 'UP', details: {} });
      case '/degraded':
        return json(200, { status: 'DEGRADED', details: {} });
      case '/down':
        return json(503, { status: 'SHUTTING_DOWN', reason: 'received SIGTERM;\ndraining' });
      case '/plain-503':
        response.writeHead(503, { 'content-type': 'text/plain' });
        return response.end('service unavailable');
      case '/moved':
        response.writeHead(302, { location: '/ready' });
        return response.end();
      case '/hang':
        hanging.add(response);
        return;
      default:
        return json(404, { message: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('nest-vitals probe', () => {
  it('exits 0 on a healthy endpoint and prints one line', async () => {
    const result = await cli('probe', `${base}/ready`);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^nest-vitals probe: UP 200 ${base}/ready \\(\\d+ ms\\)\\n$`));
  });

  it('exits 0 on DEGRADED (200) and says so', async () => {
    const result = await cli('probe', `${base}/degraded`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nest-vitals probe: UP 200 \S+\/degraded \(\d+ ms\): DEGRADED\n$/);
  });

  it('exits 1 on a 503, with the report status and reason on the same line', async () => {
    const result = await cli('probe', `${base}/down`);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^nest-vitals probe: DOWN 503 \S+\/down \(\d+ ms\): SHUTTING_DOWN \(received SIGTERM; draining\)\n$/);
    const plain = await cli('probe', `${base}/plain-503`);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/^nest-vitals probe: DOWN 503 \S+\/plain-503 \(\d+ ms\)\n$/);
  });

  it('exits 1 on a closed port, naming the connection error', async () => {
    const port = await closedPort();
    const result = await cli('probe', `http://127.0.0.1:${port}/health/ready`);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^nest-vitals probe: DOWN http://127\\.0\\.0\\.1:${port}/health/ready unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(\\d+ ms\\)\\n$`,
      ),
    );
  });

  it('exits 1 when the server does not answer within --timeout, without waiting longer', async () => {
    const result = await cli('probe', `${base}/hang`, '--timeout', '300');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`nest-vitals probe: DOWN ${base}/hang timed out after 300 ms\n`);
    expect(result.ms).toBeLessThan(3000);
  });

  it('treats a redirect as the answer, like a Kubernetes httpGet probe; --expect narrows the healthy codes', async () => {
    expect((await cli('probe', `${base}/moved`)).code).toBe(0);
    const strict = await cli('probe', `${base}/moved`, '--expect', '200');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^nest-vitals probe: DOWN 302 /);
    expect((await cli('probe', `${base}/down`, '--expect=200-299,503')).code).toBe(0);
  });

  it('sends URL credentials as Basic auth and never prints them', async () => {
    const url = new URL(`${base}/ready?token=t0ken-value&check=db`);
    url.username = 'probe';
    url.password = 's3cret';
    const result = await cli('probe', url.href);
    expect(result.code).toBe(0);
    expect(lastHeaders.authorization).toBe(`Basic ${Buffer.from('probe:s3cret').toString('base64')}`);
    expect(result.stdout).not.toContain('s3cret');
    expect(result.stdout).not.toContain('t0ken-value');
    expect(result.stdout).toContain(`http://probe:***@127.0.0.1:${url.port}/ready?token=***&check=db`);
  });

  it.each([
    [[], /^nest-vitals: missing command; usage: nest-vitals probe <url>/],
    [['check', 'http://x'], /^nest-vitals: unknown command "check"; accepted: probe/],
    [['probe'], /^nest-vitals probe: missing <url>/],
    [['probe', 'localhost:3000/health'], /^nest-vitals probe: <url> must be an absolute http:\/\/ or https:\/\/ URL; got protocol "localhost"/],
    [['probe', 'not a url'], /^nest-vitals probe: <url> must be an absolute http:\/\/ or https:\/\/ URL, e\.g\. .*; got a malformed URL/],
    [['probe', 'http://a', '--timeout', 'soon'], /^nest-vitals probe: --timeout must be an integer from 1 to 2147483647 \(milliseconds\); got "soon"/],
    [['probe', 'http://a', '--timeout', '0'], /^nest-vitals probe: --timeout must be an integer from 1/],
    [['probe', 'http://a', '--timeout'], /^nest-vitals probe: --timeout needs a value/],
    [
      ['probe', 'http://a', '--expect', '2xx'],
      /^nest-vitals probe: --expect must be a status code \(100-599\), a range such as 200-399, or a comma-separated list of them; got "2xx"/,
    ],
    [['probe', 'http://a', '--expect', '399-200'], /^nest-vitals probe: --expect range 399-200 is empty/],
    [['probe', 'http://a', '--retries', '3'], /^nest-vitals probe: unknown option "--retries"; accepted: --timeout <ms>, --expect <codes>, --help/],
    [['probe', 'http://a', 'http://b'], /^nest-vitals probe: one URL expected; got a second argument "http:\/\/b"/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints help and exits 0 on --help', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: nest-vitals probe <url> [--timeout <ms>] [--expect <codes>]');
  });

  it('prints its version (the package.json beside bin/) and exits 0 on --version, -v and version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../libs/health/package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const result = await cli(flag);
      expect({ flag, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        flag,
        code: 0,
        stdout: `nest-vitals ${version}\n`,
        stderr: '',
      });
    }
  });

  it('runs as `npx nest-vitals` in the repository, before anything is built', async () => {
    const result = await run('npx', ['--no', 'nest-vitals', 'probe', `${base}/ready`], 30_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nest-vitals probe: UP 200 /);
  });
});

describe('nest-vitals probe against the sample app', () => {
  it('answers 0 while ready, then 1 with SHUTTING_DOWN while it drains after SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-cli-'));
    const port = 17240;
    const app = startNode([SAMPLE_MAIN], { PORT: String(port), SQLITE_PATH: join(dir, 'sample.sqlite'), HEALTH_DRAIN_DELAY_MS: '3000' });
    try {
      await waitForOutput(app, /listening on/);
      const ready = `http://127.0.0.1:${port}/health/ready`;
      let healthy = await cli('probe', ready);
      for (let deadline = performance.now() + 10_000; healthy.code !== 0 && performance.now() < deadline;) {
        await sleep(100);
        healthy = await cli('probe', ready);
      }
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toMatch(/^nest-vitals probe: UP 200 http:\/\/127\.0\.0\.1:17240\/health\/ready \(\d+ ms\)\n$/);

      app.child.kill('SIGTERM');
      await waitForOutput(app, /draining for 3000 ms/, 5000);
      const draining = await cli('probe', ready);
      expect(draining.code).toBe(1);
      // The sample app shows reasons only to authorized callers: the status alone here.
      expect(draining.stdout).toMatch(/^nest-vitals probe: DOWN 503 http:\/\/127\.0\.0\.1:17240\/health\/ready \(\d+ ms\): SHUTTING_DOWN\n$/);
      // Liveness stays 200 while draining: Kubernetes must not restart a pod that is shutting down cleanly.
      expect((await cli('probe', `http://127.0.0.1:${port}/health/live`)).code).toBe(0);
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
