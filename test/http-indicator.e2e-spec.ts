import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HealthModule, type HttpIndicatorOptions } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { eventually, getCheck, getReport } from './support/report.js';
import { allocatePort } from './support/ports.js';
import { startSilentServer } from './support/tcp-proxy.js';

// Ports: allocated in 17000-17099 (support/ports.ts); CLOSED_PORT is one nothing listens on.
const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;
let DEPENDENCY_PORT: number;
let CLOSED_PORT: number;
const BASIC_USER = 'svc';
const BASIC_PASSWORD = 'HttpS3cretPw';
const HEADER_SECRET = 'T0kenSecretValue';

/** A real HTTP dependency with a route per behaviour; it can be stopped and started again. */
class Dependency {
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const path = request.url ?? '/';
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) return void response.writeHead(Number(status[1])).end(`status ${status[1]}`);
    switch (path) {
      case '/ok':
        return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      case '/json':
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', queue: 3 }));
      case '/json-failing':
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'failing' }));
      case '/redirect':
        return void response.writeHead(302, { location: '/ok' }).end();
      case '/hang':
        return; // accepted, never answered
      case '/reset':
        return void request.socket.destroy();
      case '/auth': {
        const expected = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`;
        return void response.writeHead(request.headers.authorization === expected ? 200 : 401).end();
      }
      case '/api-key':
        return void response.writeHead(request.headers['x-api-key'] === HEADER_SECRET ? 200 : 403).end();
      default:
        return void response.writeHead(404).end();
    }
  }
}

let dependency: Dependency;
let app: INestApplication | undefined;

async function start(http: Record<string, HttpIndicatorOptions>, logger?: OutputCapture['logger']): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, http })] }, logger ? { logger } : {});
  app = started.app;
  return started.url;
}

beforeAll(async () => {
  DEPENDENCY_PORT = await allocatePort();
  CLOSED_PORT = await allocatePort();
  dependency = new Dependency(DEPENDENCY_PORT);
  await dependency.start();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await dependency?.stop();
});

describe('HTTP indicator: UP', () => {
  it('is UP with statusCode and responseTimeMs, one check per key of `http`', async () => {
    const url = await start({ payments: { url: `${dependency.url}/ok` }, search: { url: `${dependency.url}/json`, critical: false } });
    const report = await getReport(url);
    expect(report.details['payments']).toMatchObject({ status: 'UP', critical: true, data: { statusCode: 200, responseTimeMs: expect.any(Number) } });
    expect(report.details['search']).toMatchObject({ status: 'UP', critical: false });
    expect(Object.keys(report.details['payments'].data!).sort()).toEqual(['responseTimeMs', 'statusCode']);
  });

  it('uses the method given (HEAD) and follows redirects', async () => {
    const url = await start({ head: { url: `${dependency.url}/ok`, method: 'HEAD' }, moved: { url: `${dependency.url}/redirect` } });
    const report = await getReport(url);
    expect(report.details['head']).toMatchObject({ status: 'UP', data: { statusCode: 200 } });
    expect(report.details['moved']).toMatchObject({ status: 'UP', data: { statusCode: 200 } });
    expect(dependency.requests.some((request) => request.method === 'HEAD' && request.url === '/ok')).toBe(true);
  });

  it('accepts the expected status: a code, a list or a range', async () => {
    const url = await start({
      code: { url: `${dependency.url}/status/204`, expectedStatus: 204 },
      list: { url: `${dependency.url}/status/404`, expectedStatus: [200, 404] },
      range: { url: `${dependency.url}/status/418`, expectedStatus: '400-499' },
    });
    const report = await getReport(url);
    expect(report.details['code']).toMatchObject({ status: 'UP', data: { statusCode: 204 } });
    expect(report.details['list']).toMatchObject({ status: 'UP', data: { statusCode: 404 } });
    expect(report.details['range']).toMatchObject({ status: 'UP', data: { statusCode: 418 } });
  });

  it('sends the configured headers, and URL credentials as Basic auth', async () => {
    const url = await start({
      keyed: { url: `${dependency.url}/api-key`, headers: { 'X-Api-Key': HEADER_SECRET } },
      basic: { url: `http://${BASIC_USER}:${BASIC_PASSWORD}@127.0.0.1:${DEPENDENCY_PORT}/auth` },
    });
    const report = await getReport(url);
    expect(report.details['keyed']).toMatchObject({ status: 'UP', data: { statusCode: 200 } });
    expect(report.details['basic']).toMatchObject({ status: 'UP', data: { statusCode: 200 } });
  });
});

describe('HTTP indicator: DOWN, each with a clear reason', () => {
  it('on a wrong status, keeping the status code', async () => {
    const url = await start({ dep: { url: `${dependency.url}/status/503` }, strict: { url: `${dependency.url}/ok`, expectedStatus: [201, 202] } });
    const report = await getReport(url);
    expect(report.details['dep']).toMatchObject({
      status: 'DOWN',
      error: `GET ${dependency.url}/status/503 answered 503; expected 2xx`,
      data: { statusCode: 503 },
    });
    expect(report.details['strict']).toMatchObject({ status: 'DOWN', error: `GET ${dependency.url}/ok answered 200; expected 201 or 202` });
  });

  it('when the body predicate rejects the body or throws', async () => {
    const isOk = (body: string) => (JSON.parse(body) as { status: string }).status === 'ok';
    const url = await start({
      good: { url: `${dependency.url}/json`, bodyPredicate: isOk },
      bad: { url: `${dependency.url}/json-failing`, bodyPredicate: isOk },
      broken: { url: `${dependency.url}/ok`, bodyPredicate: isOk },
    });
    const report = await getReport(url);
    expect(report.details['good']).toMatchObject({ status: 'UP' });
    expect(report.details['bad']).toMatchObject({
      status: 'DOWN',
      error: `GET ${dependency.url}/json-failing answered 200 but bodyPredicate rejected the body`,
      data: { statusCode: 200 },
    });
    expect(report.details['broken']).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/^bodyPredicate threw: .*JSON/) });
  });

  it('on a refused connection, a DNS failure and a reset connection', async () => {
    const url = await start({
      refused: { url: `http://127.0.0.1:${CLOSED_PORT}/health` },
      dns: { url: 'http://nest-vitals-no-such-host.invalid/health' },
      reset: { url: `${dependency.url}/reset` },
    });
    const report = await getReport(url);
    expect(report.details['refused']).toMatchObject({ status: 'DOWN', error: `connection refused by 127.0.0.1:${CLOSED_PORT}` });
    expect(report.details['dns'].error).toMatch(/^DNS lookup failed for nest-vitals-no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(report.details['reset']).toMatchObject({
      status: 'DOWN',
      error: expect.stringMatching(new RegExp(`^connection (reset|closed) by 127\\.0\\.0\\.1:${DEPENDENCY_PORT}`)),
    });
  });

  it('within timeoutMs + 100 ms when the peer accepts the connection and never answers', async () => {
    const silentPort = await allocatePort();
    const silent = await startSilentServer(silentPort);
    try {
      const url = await start({ silent: { url: `http://127.0.0.1:${silentPort}/health` }, hanging: { url: `${dependency.url}/hang` } });
      for (const name of ['silent', 'hanging']) {
        const check = await getCheck(url, name);
        expect(check).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
        expect(check.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
    } finally {
      await app?.close();
      app = undefined;
      await silent.close();
    }
  });

  it('when the dependency stops, and UP again once it is back, without restarting the app', async () => {
    const flaky = new Dependency(await allocatePort());
    await flaky.start();
    try {
      const url = await start({ flaky: { url: `${flaky.url}/ok` } });
      expect((await getCheck(url, 'flaky')).status).toBe('UP');
      await flaky.stop();
      const down = await getCheck(url, 'flaky');
      expect(down).toMatchObject({ status: 'DOWN', error: `connection refused by 127.0.0.1:${flaky.port}` });
      expect(down.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      await flaky.start();
      await eventually(
        () => getCheck(url, 'flaky'),
        (check) => check.status === 'UP',
        5000,
      );
    } finally {
      await flaky.stop();
    }
  });
});

describe('HTTP credentials', () => {
  it('never shows URL credentials or header values in responses or logs', async () => {
    const capture = new OutputCapture().start();
    try {
      const url = await start(
        {
          basic: { url: `http://${BASIC_USER}:${BASIC_PASSWORD}@127.0.0.1:${DEPENDENCY_PORT}/auth` },
          closed: { url: `http://${BASIC_USER}:${BASIC_PASSWORD}@127.0.0.1:${CLOSED_PORT}/health?token=${HEADER_SECRET}` },
          keyed: { url: `${dependency.url}/status/500`, headers: { authorization: `Bearer ${HEADER_SECRET}` } },
        },
        capture.logger,
      );
      const report = await getReport(url);
      expect(report.details['basic'].status).toBe('UP');
      expect(report.details['closed']).toMatchObject({ status: 'DOWN', error: `connection refused by 127.0.0.1:${CLOSED_PORT}` });
      expect(report.details['keyed'].status).toBe('DOWN');
      const single = await getCheck(url, 'closed');
      await app!.close();
      app = undefined;
      expectNoSecret([BASIC_PASSWORD, HEADER_SECRET], { report: report.raw, check: single.raw, 'log lines': capture.lines() });
    } finally {
      capture.stop();
    }
  });
});
