import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { HealthModule } from 'nest-vitals';
import { parseRemoteHealthReport, type RemoteHealthReportParseResult } from '../libs/health/src/indicators/remote/remote-health-report.parser.js';
import { readCappedBody } from '../libs/health/src/indicators/remote/remote-report-body.reader.js';
import { ADAPTERS, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { remoteFixtureVariant } from './support/remote-fixtures.js';
import { fixtureAnswer, RemoteHealthServer } from './support/remote-health-servers.js';
import { startTerminusApp, type TerminusApp } from './support/terminus-app.js';

/** What the `remote` built-in will send (issue 14). */
const ACCEPT = 'application/health+json, application/json';

/** GETs a downstream health route the way the `remote` built-in will, and parses the answer. */
async function readRemote(url: string, timeoutMs = 5000): Promise<RemoteHealthReportParseResult & { contentType: string | null }> {
  const response = await fetch(url, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(timeoutMs) });
  const { body, truncated } = await readCappedBody(response);
  const contentType = response.headers.get('content-type');
  return { ...parseRemoteHealthReport({ statusCode: response.status, contentType, body, bodyTruncated: truncated }), contentType };
}

describe('RemoteHealthServer (stand-in for a Spring Boot or health+json downstream)', () => {
  let server: RemoteHealthServer;

  afterEach(async () => {
    await server?.close();
  });

  it('answers a fixture with its status and content type, switches to DOWN at run time and back', async () => {
    server = await RemoteHealthServer.start(fixtureAnswer('spring-boot-health'));
    expect(await readRemote(`${server.url}/actuator/health`)).toMatchObject({
      readable: true,
      status: 'UP',
      format: 'spring-boot',
      httpStatus: 200,
      contentType: 'application/vnd.spring-boot.actuator.v3+json',
    });

    const down = remoteFixtureVariant('spring-boot-health', { status: 'DOWN', 'components.db.status': 'DOWN' });
    server.answerWith({ statusCode: 503, contentType: 'application/vnd.spring-boot.actuator.v3+json', body: down });
    expect(await readRemote(`${server.url}/actuator/health`)).toMatchObject({ readable: true, status: 'DOWN', failing: ['db'], httpStatus: 503 });

    server.answerWith(fixtureAnswer('spring-boot-health'));
    expect(await readRemote(`${server.url}/actuator/health`)).toMatchObject({ readable: true, status: 'UP', failing: [] });
    expect(server.requests.map(({ method, url, headers }) => [method, url, headers.accept])).toEqual(Array(3).fill(['GET', '/actuator/health', ACCEPT]));
  });

  it('serves the health+json draft example and garbage', async () => {
    server = await RemoteHealthServer.start(fixtureAnswer('health-json-draft-example'));
    expect(await readRemote(`${server.url}/health`)).toMatchObject({ readable: true, status: 'UP', format: 'health+json', checks: { cassandra: 'DEGRADED' } });
    server.answerWith({ statusCode: 200, contentType: 'text/html', body: '<h1>It works!</h1>' });
    expect(await readRemote(`${server.url}/health`)).toMatchObject({ readable: false, reason: 'unreadable health report (HTTP 200, text/html): not JSON' });
  });

  it('hangs: accepts the request and never answers, so the caller times out (and close() still returns)', async () => {
    server = await RemoteHealthServer.start('hang');
    const started = performance.now();
    await expect(readRemote(`${server.url}/health`, 300)).rejects.toMatchObject({ name: 'TimeoutError' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    expect(server.requests).toHaveLength(1);
  });

  it('streams a body that never ends; the capped reader stops at 1 MB and the parser refuses it', async () => {
    server = await RemoteHealthServer.start('endless');
    const started = performance.now();
    expect(await readRemote(`${server.url}/health`, 10_000)).toMatchObject({
      readable: false,
      reason: 'unreadable health report (HTTP 200, application/json): body larger than 1 MB, not read',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe.each(ADAPTERS)('a plain @nestjs/terminus app (%s)', (adapter) => {
  let terminus: TerminusApp;

  beforeAll(async () => {
    terminus = await startTerminusApp({ adapter });
  });

  afterAll(async () => {
    await terminus?.close();
  });

  it('answers 200 ok, 200 degraded and 503 error as its indicator changes, and the parser reads each', async () => {
    const get = async () => {
      const response = await fetch(`${terminus.url}/health`, { headers: { accept: ACCEPT } });
      return { statusCode: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    terminus.setPayments('up');
    expect(await get()).toEqual({
      statusCode: 200,
      body: {
        status: 'ok',
        info: { database: { status: 'up', responseTime: 1 }, payments: { status: 'up', responseTime: 3 } },
        error: {},
        details: { database: { status: 'up', responseTime: 1 }, payments: { status: 'up', responseTime: 3 } },
      },
    });
    expect(await readRemote(`${terminus.url}/health`)).toMatchObject({ readable: true, status: 'UP', format: 'terminus', failing: [] });

    terminus.setPayments('down');
    expect(await get()).toEqual({
      statusCode: 503,
      body: {
        status: 'error',
        info: { database: { status: 'up', responseTime: 1 } },
        error: { payments: { status: 'down', message: 'payments gateway unreachable' } },
        details: { database: { status: 'up', responseTime: 1 }, payments: { status: 'down', message: 'payments gateway unreachable' } },
      },
    });
    expect(await readRemote(`${terminus.url}/health`)).toMatchObject({
      readable: true,
      status: 'DOWN',
      reportedStatus: 'error',
      format: 'terminus',
      checks: { database: 'UP', payments: 'DOWN' },
      failing: ['payments'],
      httpStatus: 503,
    });

    terminus.setPayments('degraded');
    expect(await get()).toMatchObject({
      statusCode: 200,
      body: { status: 'degraded', details: { payments: { status: 'degraded', message: 'slow answers' } } },
    });
    expect(await readRemote(`${terminus.url}/health`)).toMatchObject({ readable: true, status: 'DEGRADED', checks: { payments: 'DEGRADED' } });

    terminus.setPayments('up');
    expect(await readRemote(`${terminus.url}/health`)).toMatchObject({ readable: true, status: 'UP' });
  });
});

describe('a second nest-vitals app', () => {
  it('answers health+json to the remote Accept header, plain JSON otherwise; the parser reads both, UP and DOWN', async () => {
    const ledger = scriptedIndicator('ledger');
    const { app, url } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [ledger] });
    try {
      expect(await readRemote(`${url}/health`)).toMatchObject({
        readable: true,
        status: 'UP',
        format: 'health+json',
        checks: { ledger: 'UP' },
        contentType: expect.stringMatching(/^application\/health\+json/) as unknown as string,
      });

      ledger.answer = 'down';
      expect(await readRemote(`${url}/health/ready`)).toMatchObject({ readable: true, status: 'DOWN', failing: ['ledger'], httpStatus: 503 });

      const response = await fetch(`${url}/health/ready`, { headers: { accept: 'application/json' } });
      const body = await response.text();
      expect(parseRemoteHealthReport({ statusCode: response.status, contentType: response.headers.get('content-type'), body })).toMatchObject({
        readable: true,
        status: 'DOWN',
        format: 'nest-vitals',
        checks: { ledger: 'DOWN' },
        failing: ['ledger'],
      });
    } finally {
      await app.close();
    }
  });
});
