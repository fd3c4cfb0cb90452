import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthModule, type RemoteIndicatorOptions } from 'nest-vitals';
import { Registry } from 'prom-client';
import { bootstrapError, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { remoteFixtureVariant } from './support/remote-fixtures.js';
import { fixtureAnswer, RemoteHealthServer } from './support/remote-health-servers.js';
import { startTerminusApp, type TerminusApp } from './support/terminus-app.js';

const ACCEPT = 'application/health+json, application/json';
const DOWNSTREAM_KEY = 'downstream-key';

interface CheckJson {
  status: string;
  critical: boolean;
  durationMs: number;
  error?: string;
  message?: string;
  data?: { statusCode?: number; format?: string; reportedStatus?: string; checks?: Record<string, string> };
}

interface ReportJson {
  status: string;
  details: Record<string, CheckJson>;
}

async function report(url: string, accept = 'application/json'): Promise<{ statusCode: number; body: ReportJson; text: string }> {
  const response = await fetch(`${url}/health`, { headers: { accept } });
  const text = await response.text();
  return { statusCode: response.status, body: (accept.includes('json') ? JSON.parse(text) : {}) as ReportJson, text };
}

async function caller(remote: Record<string, RemoteIndicatorOptions>, options: { logger?: OutputCapture['logger']; registry?: Registry } = {}) {
  return startApp(
    { imports: [HealthModule.forRoot({ details: 'always', remote, metrics: options.registry ? { registry: options.registry } : false })] },
    { logger: options.logger ?? false },
  );
}

describe('remote: four real downstream services', () => {
  const ledger = scriptedIndicator('ledger');
  let vitals: INestApplication;
  let vitalsUrl: string;
  let terminus: TerminusApp;
  let spring: RemoteHealthServer;
  let healthJson: RemoteHealthServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app: vitals, url: vitalsUrl } = await startApp({ imports: [HealthModule.forRoot({ apiKey: DOWNSTREAM_KEY })], providers: [ledger] }));
    terminus = await startTerminusApp();
    spring = await RemoteHealthServer.start(fixtureAnswer('spring-boot-health'));
    healthJson = await RemoteHealthServer.start(fixtureAnswer('health-json-draft-example'));
    ({ app, url } = await caller({
      vitals: { url: `${vitalsUrl}/health`, apiKey: DOWNSTREAM_KEY },
      terminus: { url: `${terminus.url}/health` },
      spring: { url: `${spring.url}/actuator/health`, timeoutMs: 2000 },
      'health-json': { url: `${healthJson.url}/health` },
    }));
  });

  afterAll(async () => {
    await app?.close();
    await vitals?.close();
    await terminus?.close();
    await spring?.close();
    await healthJson?.close();
  });

  it('reports each downstream status with its checks as data, sending Accept and X-Health-Key', async () => {
    const { statusCode, body } = await report(url);
    expect(statusCode).toBe(200);
    expect(body.status).toBe('UP');
    expect(body.details.vitals).toMatchObject({
      status: 'UP',
      critical: false,
      data: { statusCode: 200, format: 'health+json', reportedStatus: 'pass', checks: { ledger: 'UP' } },
    });
    expect(body.details.terminus).toMatchObject({
      status: 'UP',
      data: { format: 'terminus', reportedStatus: 'ok', checks: { database: 'UP', payments: 'UP' } },
    });
    expect(body.details.spring).toMatchObject({ status: 'UP', data: { format: 'spring-boot', reportedStatus: 'UP' } });
    expect(body.details.spring.data?.checks).toMatchObject({ db: 'UP' });
    expect(body.details['health-json']).toMatchObject({ status: 'UP', data: { format: 'health+json', checks: { cassandra: 'DEGRADED', uptime: 'UP' } } });
    expect(spring.requests.at(-1)?.headers.accept).toBe(ACCEPT);
    expect(healthJson.requests.at(-1)?.headers.accept).toBe(ACCEPT);
  });

  it('a DOWN downstream is a DOWN check naming its failing checks, and only DEGRADED for the caller (not critical by default)', async () => {
    ledger.answer = 'down';
    terminus.setPayments('down');
    spring.answerWith({
      statusCode: 503,
      contentType: 'application/vnd.spring-boot.actuator.v3+json',
      body: remoteFixtureVariant('spring-boot-health', { status: 'DOWN', 'components.db.status': 'DOWN' }),
    });
    healthJson.answerWith({
      statusCode: 503,
      contentType: 'application/health+json',
      body: remoteFixtureVariant('health-json-draft-example', { status: 'fail', 'checks.cassandra:connections.0.status': 'fail' }),
    });
    try {
      const { statusCode, body } = await report(url);
      expect(statusCode).toBe(200);
      expect(body.status).toBe('DEGRADED');
      // A 503 with a readable report is that report's status, not an HTTP failure.
      expect(body.details.vitals).toMatchObject({ status: 'DOWN', error: `${vitalsUrl}/health reports fail; failing: ledger`, data: { statusCode: 503 } });
      expect(body.details.terminus).toMatchObject({
        status: 'DOWN',
        error: `${terminus.url}/health reports error; failing: payments`,
        data: { statusCode: 503 },
      });
      expect(body.details.spring).toMatchObject({ status: 'DOWN', error: `${spring.url}/actuator/health reports DOWN; failing: db` });
      expect(body.details['health-json']).toMatchObject({ status: 'DOWN', error: `${healthJson.url}/health reports fail; failing: cassandra` });
    } finally {
      ledger.answer = 'up';
      terminus.setPayments('up');
      spring.answerWith(fixtureAnswer('spring-boot-health'));
      healthJson.answerWith(fixtureAnswer('health-json-draft-example'));
    }
    expect((await report(url)).body.status).toBe('UP');
  });

  it('a degraded downstream is a DEGRADED check', async () => {
    terminus.setPayments('degraded');
    try {
      const { body } = await report(url);
      expect(body.details.terminus).toMatchObject({ status: 'DEGRADED', message: `${terminus.url}/health reports degraded` });
      expect(body.status).toBe('DEGRADED');
    } finally {
      terminus.setPayments('up');
    }
  });
});

describe('remote: failures', () => {
  let server: RemoteHealthServer | undefined;
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = server = undefined;
  });

  it('critical: true makes a DOWN downstream take the caller DOWN (503)', async () => {
    server = await RemoteHealthServer.start({
      statusCode: 503,
      contentType: 'application/vnd.spring-boot.actuator.v3+json',
      body: remoteFixtureVariant('spring-boot-health', { status: 'DOWN', 'components.db.status': 'DOWN' }),
    });
    let url: string;
    ({ app, url } = await caller({ spring: { url: `${server.url}/actuator/health`, critical: true } }));
    const { statusCode, body } = await report(url);
    expect(statusCode).toBe(503);
    expect(body).toMatchObject({
      status: 'DOWN',
      details: { spring: { status: 'DOWN', critical: true, error: expect.stringContaining('failing: db') as unknown } },
    });
  });

  it('a hung downstream is DOWN within timeoutMs + 100 ms', async () => {
    server = await RemoteHealthServer.start('hang');
    let url: string;
    ({ app, url } = await caller({ hung: { url: `${server.url}/health`, timeoutMs: 300 } }));
    const { body } = await report(url);
    expect(body.details.hung).toMatchObject({ status: 'DOWN', error: 'timed out after 300 ms' });
    expect(body.details.hung.durationMs).toBeGreaterThanOrEqual(299);
    expect(body.details.hung.durationMs).toBeLessThanOrEqual(400);
    expect(body.status).toBe('DEGRADED');
  });

  it('a garbage body is DOWN "unreadable health report", without quoting it', async () => {
    server = await RemoteHealthServer.start({ statusCode: 200, contentType: 'text/html', body: '<h1>It works! secret-in-body</h1>' });
    let url: string;
    ({ app, url } = await caller({ garbage: { url: `${server.url}/health` } }));
    const { body, text } = await report(url);
    expect(body.details.garbage).toMatchObject({ status: 'DOWN', error: `${server.url}/health: unreadable health report (HTTP 200, text/html): not JSON` });
    expect(text).not.toContain('secret-in-body');
  });

  it('a refused connection is DOWN naming the host', async () => {
    server = await RemoteHealthServer.start(fixtureAnswer('spring-boot-health'));
    const gone = server.url;
    await server.close();
    server = undefined;
    let url: string;
    ({ app, url } = await caller({ gone: { url: `${gone}/health` } }));
    const { body } = await report(url);
    expect(body.details.gone.status).toBe('DOWN');
    expect(body.details.gone.error).toContain(`connection refused by ${new URL(gone).host}`);
  });

  it('never shows credentials from the URL, the apiKey or the headers, in any answer, log or metric', async () => {
    const secrets = ['pw-s3cret-url', 'key-s3cret-api', 'hdr-s3cret-token'];
    server = await RemoteHealthServer.start(fixtureAnswer('spring-boot-health'));
    const capture = new OutputCapture().start();
    const registry = new Registry();
    try {
      const target = new URL(`${server.url}/actuator/health`);
      target.username = 'svc';
      target.password = secrets[0];
      let url: string;
      ({ app, url } = await caller(
        { creds: { url: target.href, apiKey: secrets[1], headers: { 'x-tenant-token': secrets[2] }, timeoutMs: 300 } },
        { logger: capture.logger, registry },
      ));
      const answers: string[] = [];
      const collect = async () => {
        for (const accept of ['application/json', 'application/health+json', 'text/plain', 'text/html']) answers.push((await report(url, accept)).text);
        const check = await fetch(`${url}/health/checks/creds`);
        answers.push(await check.text());
      };
      await collect();
      server.answerWith({ statusCode: 500, contentType: 'text/plain', body: 'oops' });
      await collect();
      server.hang();
      await collect();
      await server.close();
      await collect();
      expect(answers[0]).toContain('"creds"');
      expect(answers.some((answer) => answer.includes('unreadable health report'))).toBe(true);
      expect(answers.some((answer) => answer.includes('timed out after 300 ms'))).toBe(true);
      expect(answers.join('\n')).not.toContain('svc:');

      const received = server.requests[0].headers;
      expect(received.authorization).toBe(`Basic ${Buffer.from(`svc:${secrets[0]}`).toString('base64')}`);
      expect(received['x-health-key']).toBe(secrets[1]);
      expect(received['x-tenant-token']).toBe(secrets[2]);
      await app.close();
      app = undefined;
      expectNoSecret(secrets, { answers, output: capture.lines(), metrics: await registry.metrics() });
      expect(capture.lines().some((line) => line.includes('check=creds'))).toBe(true);
    } finally {
      capture.stop();
    }
  });
});

describe('remote: bad options stop startup, naming the option', () => {
  it.each([
    [{ payments: { url: 'ftp://payments/health' } }, '"remote.payments.url" must be a URL with protocol http or https; got protocol "ftp"'],
    [{ payments: { url: 'http://user:hunter2@[bad' } }, '"remote.payments.url" must be a URL with protocol http or https; got a malformed URL'],
    [{ payments: {} }, '"remote.payments.url" is required'],
    [{ payments: { url: 'http://payments/health', apiKey: '' } }, '"remote.payments.apiKey" must be a non-empty string'],
    [{ Payments: { url: 'http://payments/health' } }, '"remote key" must be a check name'],
    [{ payments: { url: 'http://payments/health', tags: ['a b'] } }, '"remote.payments.tags[0]" must be a tag matching'],
  ])('%j', async (remote, message) => {
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ remote: remote as never })] });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('hunter2');
  });
});
