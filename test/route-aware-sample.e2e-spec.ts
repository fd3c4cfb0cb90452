import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { eventually } from './support/report.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const REFRESH_MS = 500;
const KEY = 'route-aware-sample-key';

interface Answer {
  status: number;
  retryAfter: string | null;
  /** The server's own time for the request (`Server-Timing`, added by test/fixtures/server-timing.mjs). */
  serverMs: number;
  body: Record<string, unknown>;
}

async function call(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    serverMs: Number(/app;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? NaN),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Runs `nest-vitals routes <url>` as a real process. */
function routesCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['libs/health/bin/nest-vitals.js', 'routes', ...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * The sample app as a real process: `GET /dependency` depends on the route-scoped HTTP check `dependency`
 * (probes: []), the notes routes on `database`; fail fast is on. The dependency is a real HTTP server
 * the test stops and starts again.
 */
describe.each(['express', 'fastify'] as const)('route-aware health in the sample app (%s, real processes)', (adapter) => {
  let dependency: Server;
  let dependencyPort: number;
  let dependencyRequests = 0;
  let app: RunningProcess;
  let dataDir: string;
  let base: string;

  const startDependency = async (port = 0): Promise<void> => {
    dependency = createServer((_request, response) => {
      dependencyRequests++;
      response.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => dependency.listen(port, '127.0.0.1', resolve));
    dependencyPort = (dependency.address() as AddressInfo).port;
  };
  const stopDependency = () => new Promise<void>((resolve) => dependency.close(() => resolve()));

  beforeAll(async () => {
    await startDependency();
    const port = await allocatePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-route-aware-'));
    app = startNode(['--import', './test/fixtures/server-timing.mjs', SAMPLE_MAIN], {
      PORT: String(port),
      HTTP_ADAPTER: adapter,
      SQLITE_PATH: join(dataDir, 'sample.sqlite'),
      DEPENDENCY_URL: `http://127.0.0.1:${dependencyPort}/health`,
      DEPENDENCY_PROBES: '',
      HEALTH_API_KEY: KEY,
      HEALTH_CACHE_TTL_MS: '',
      HEALTH_REFRESH_INTERVAL_MS: String(REFRESH_MS),
    });
    await waitForOutput(app, /listening on/);
  });

  afterAll(async () => {
    await app?.stop();
    if (dependency.listening) await stopDependency();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the dependent route while the dependency is up, and maps the checks to the routes', async () => {
    const served = await eventually(
      () => call(`${base}/dependency`),
      (answer) => answer.status === 200,
    );
    expect(served.body).toMatchObject({ dependencyStatus: 200 });
    const report = (await call(`${base}/health`, { 'x-health-key': KEY })).body as { details: Record<string, { routes?: unknown }> };
    expect(report.details.dependency.routes).toEqual([{ method: 'GET', path: '/dependency', failFast: true }]);
    expect(report.details.database.routes).toEqual([
      { method: 'GET', path: '/notes', failFast: true },
      { method: 'GET', path: '/notes/:id', failFast: true },
      { method: 'POST', path: '/notes', failFast: true },
    ]);

    const cli = await routesCli(`${base}/health`, '--key', KEY);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('dependency UP');
    expect(cli.stdout).toContain('  GET /dependency');
    expect(cli.stdout).toContain('  POST /notes');
  });

  it('fails fast in milliseconds while the dependency is stopped, without running the handler; readiness and /notes stay 200', async () => {
    await stopDependency();
    await eventually(
      () => call(`${base}/dependency`),
      (answer) => answer.status === 503,
      10_000,
      50,
    );
    const handledBefore = (await call(`${base}/dependency/stats`)).body.handled;

    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await call(`${base}/dependency`);
      timings.push(answer.serverMs);
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({ statusCode: 503, check: 'dependency', retryAfterSeconds: 1 });
    }
    timings.sort((a, b) => a - b);
    // Server time, request event to response head (the median: one request may be preempted on a loaded machine).
    expect(timings[Math.floor(timings.length / 2)]).toBeLessThan(5);
    expect((await call(`${base}/dependency/stats`)).body.handled).toBe(handledBefore);

    expect((await call(`${base}/health/ready`)).status).toBe(200);
    expect((await call(`${base}/notes`)).status).toBe(200);

    const cli = await routesCli(`${base}/health`, '--key', KEY);
    expect(cli.stdout).toContain('dependency DOWN: 1 of 1 routes failing fast');
    expect(cli.stdout).toContain('  GET /dependency  (failing fast)');
  });

  it('answers again within one refresh once the dependency is back', async () => {
    await startDependency(dependencyPort);
    dependencyRequests = 0;
    const started = performance.now();
    await eventually(
      () => call(`${base}/dependency`),
      (answer) => answer.status === 200,
      10_000,
      20,
    );
    // Back with the check's first run against the restarted dependency: counted in the dependency's requests (the
    // check's, and the one the answering handler made), which a loaded machine cannot stretch; and in time, loosely.
    expect(dependencyRequests).toBeLessThanOrEqual(3);
    expect(performance.now() - started).toBeLessThan(REFRESH_MS + 2000);
  });
});
