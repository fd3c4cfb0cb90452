import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthModule, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';
import { expectNoSecret, OutputCapture } from './support/output-capture.js';
import { RabbitMqProxy, SHARED_RABBITMQ } from './support/rabbitmq.js';
import { eventually, getCheck, getReport } from './support/report.js';

const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;

let app: INestApplication | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

async function start(options: HealthModuleOptions, logger?: OutputCapture['logger']): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, ...options })] }, logger ? { logger } : {});
  app = started.app;
  return started.url;
}

async function stopApp(): Promise<void> {
  await app?.close();
  app = undefined;
}

afterEach(async () => {
  await stopApp();
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe('rabbitmq: { url }', () => {
  it('UP over one connection; DOWN within the timeout when the broker is gone or frozen; UP again by itself; no leaked connection', async () => {
    const rabbit = await RabbitMqProxy.start();
    cleanups.push(() => rabbit.proxy.stop());
    const url = await start({ rabbitmq: { url: rabbit.url } });

    const up = await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      10_000,
    );
    expect(up.data).toEqual({ responseTimeMs: expect.any(Number) });
    // Several probes, still one connection: a run opens a channel, never a connection.
    for (let run = 0; run < 5; run++) expect((await getCheck(url, 'rabbitmq')).status).toBe('UP');
    expect(await rabbit.connections()).toHaveLength(1);

    // Stopped: the connection closes, the check is DOWN at once, saying since when and why.
    await rabbit.proxy.stop();
    const stopped = await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'DOWN',
      5000,
      20,
    );
    expect(stopped.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(stopped.error).toMatch(/^not connected to RabbitMQ for \d+\.\d s, reconnecting/);
    expect(stopped.data).toEqual({ downForMs: expect.any(Number) });

    await rabbit.proxy.start();
    await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      15_000,
    );
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      200,
    );

    // Frozen: the broker accepts and never answers; the run times out.
    rabbit.proxy.freeze();
    const frozen = await getCheck(url, 'rabbitmq');
    expect(frozen).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
    expect(frozen.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    rabbit.proxy.resume();
    await eventually(
      () => getCheck(url, 'rabbitmq'),
      (check) => check.status === 'UP',
      30_000,
    );
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 1,
      30_000,
      200,
    );

    // Shutdown closes it.
    await stopApp();
    await eventually(
      () => rabbit.connections(),
      (connections) => connections.length === 0,
      30_000,
      200,
    );
  }, 180_000);

  it('DOWN when the broker refuses the login, without the password in any body, header or log line', async () => {
    const secret = 'rabbit-s3cr3t-pw';
    const capture = new OutputCapture().start();
    let down;
    let report;
    try {
      const url = await start({ rabbitmq: { url: `amqp://guest:${secret}@127.0.0.1:${SHARED_RABBITMQ.port}`, name: 'broker' } }, capture.logger);
      down = await eventually(
        () => getCheck(url, 'broker'),
        (check) => check.status === 'DOWN' && /ACCESS.REFUSED/i.test(check.error ?? ''),
        15_000,
      );
      report = await getReport(url);
      await stopApp();
    } finally {
      capture.stop();
    }
    expect(down.error).toMatch(/reconnecting: .*ACCESS.REFUSED/i);
    expectNoSecret([secret], { 'check response': down.raw, report: report.raw, logs: capture.lines() });
  }, 60_000);

  it('stops bootstrap on a missing or wrong url, naming the option', async () => {
    const noUrl = { rabbitmq: {} } as unknown as HealthModuleOptions;
    expect((await bootstrapError({ imports: [HealthModule.forRoot(noUrl)] })).message).toContain('"rabbitmq.url" is required');
    const wrong = (await bootstrapError({ imports: [HealthModule.forRoot({ rabbitmq: { url: 'http://guest:hidden-pw@localhost' } })] })).message;
    expect(wrong).toContain('"rabbitmq.url" must be a URL with protocol amqp or amqps; got protocol "http"');
    expect(wrong).not.toContain('hidden-pw');
  });
});
