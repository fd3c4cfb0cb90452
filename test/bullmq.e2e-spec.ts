import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import { Queue, Worker, type Job } from 'bullmq';
import { HealthModule, type BullmqIndicatorOptions, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { RedisServerProcess } from './support/redis-server.js';
import { eventually, getCheck, getReport, type ReportedCheck } from './support/report.js';

const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;
const THRESHOLDS: BullmqIndicatorOptions = { waiting: { warn: 3, down: 5 }, failed: { warn: 2, down: 4 }, stalled: { warn: 1, down: 2 } };

@Processor('emails')
class EmailsProcessor extends WorkerHost {
  process(job: Job<{ fail?: boolean }>): Promise<string> {
    return job.data.fail ? Promise.reject(new Error('smtp refused')) : Promise.resolve('sent');
  }
}

let redis: RedisServerProcess;
let app: INestApplication | undefined;
const opened: { close(): Promise<void> }[] = [];

async function start(bullmq: HealthModuleOptions['bullmq'] = THRESHOLDS): Promise<string> {
  const started = await startApp({
    imports: [
      BullModule.forRoot({ connection: { host: '127.0.0.1', port: redis.port } }),
      BullModule.registerQueue({ name: 'emails' }, { name: 'reports' }, { name: 'stuck' }),
      HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, bullmq }),
    ],
    providers: [EmailsProcessor],
  });
  app = started.app;
  // bullmq prints errors nobody listens to; the app of a test that stops Redis would print many.
  for (const name of ['emails', 'reports', 'stuck']) app.get<Queue>(getQueueToken(name)).on('error', () => undefined);
  app.get(EmailsProcessor).worker.on('error', () => undefined);
  return started.url;
}

/** A queue handle of the test's own, to add jobs as another service would. */
function producer(name: string): Queue {
  const queue = new Queue(name, { connection: { host: '127.0.0.1', port: redis.port } });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

/** Connections Redis has open, without the redis-cli that asks. */
async function redisConnections(): Promise<string[]> {
  return (await redis.cli('CLIENT', 'LIST')).split('\n').filter((line) => line.trim() && !line.includes('cmd=client|list'));
}

beforeAll(async () => {
  redis = new RedisServerProcess(await allocatePort());
  await redis.start();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  while (opened.length > 0) await opened.pop()!.close();
  await redis.start();
  await redis.cli('FLUSHALL');
});

afterAll(async () => {
  await redis?.stop();
});

const check = (url: string, name: string): Promise<ReportedCheck> => getCheck(url, name);

describe('bullmq built-in: each queue of the app, through its own connection', () => {
  it('is one check per registered queue, UP with counts, and with the worker when the app has one', async () => {
    const url = await start(true);
    const report = await getReport(url);
    expect(Object.keys(report.details).sort()).toEqual(['queue-emails', 'queue-reports', 'queue-stuck']);
    expect(report.details['queue-emails']).toMatchObject({
      status: 'UP',
      data: {
        queue: 'emails',
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        completed: 0,
        stalled: 0,
        paused: false,
        workers: { registered: 1, running: 1 },
        responseTimeMs: expect.any(Number),
      },
    });
    expect(report.details['queue-reports']).toMatchObject({ status: 'UP', data: { queue: 'reports', waiting: 0 } });
    expect(report.details['queue-reports'].data).not.toHaveProperty('workers');
    expect(report.status).toBe('UP');
  });

  it('checks only the queues named in `queues`', async () => {
    const url = await start({ queues: ['reports'] });
    expect(Object.keys((await getReport(url)).details)).toEqual(['queue-reports']);
  });

  it('follows waiting jobs: DEGRADED at warn, DOWN at down', async () => {
    const url = await start();
    const reports = producer('reports');
    await reports.addBulk([1, 2].map((n) => ({ name: 'render', data: { n } })));
    expect(await check(url, 'queue-reports')).toMatchObject({ status: 'UP', data: { waiting: 2 } });
    await reports.add('render', { n: 3 });
    expect(await check(url, 'queue-reports')).toMatchObject({
      status: 'DEGRADED',
      data: { waiting: 3 },
      message: 'waiting jobs 3 jobs reached the warn threshold of 3 jobs',
    });
    await reports.addBulk([4, 5].map((n) => ({ name: 'render', data: { n } })));
    expect(await check(url, 'queue-reports')).toMatchObject({
      status: 'DOWN',
      data: { waiting: 5 },
      error: 'waiting jobs 5 jobs reached the down threshold of 5 jobs',
    });
  });

  it('follows jobs the real worker completes and fails: DEGRADED, then DOWN', async () => {
    const url = await start();
    const emails = producer('emails');
    await emails.add('welcome', {});
    await eventually(
      () => check(url, 'queue-emails'),
      (result) => result.data?.['completed'] === 1,
    );
    await emails.addBulk([1, 2].map(() => ({ name: 'welcome', data: { fail: true } })));
    const degraded = await eventually(
      () => check(url, 'queue-emails'),
      (result) => result.data?.['failed'] === 2,
    );
    expect(degraded).toMatchObject({
      status: 'DEGRADED',
      data: { failed: 2, completed: 1, waiting: 0 },
      message: 'failed jobs 2 jobs reached the warn threshold of 2 jobs',
    });
    await emails.addBulk([3, 4].map(() => ({ name: 'welcome', data: { fail: true } })));
    const down = await eventually(
      () => check(url, 'queue-emails'),
      (result) => result.data?.['failed'] === 4,
    );
    expect(down).toMatchObject({ status: 'DOWN', error: 'failed jobs 4 jobs reached the down threshold of 4 jobs' });
  });

  it('counts stalled jobs (active, lock expired): DEGRADED at one, DOWN at two', async () => {
    const url = await start();
    const stuck = producer('stuck');
    await stuck.addBulk([1, 2].map((n) => ({ name: 'crunch', data: { n } })));
    // Another process's worker takes both jobs and dies: manual fetch, a short lock never renewed.
    const dying = new Worker('stuck', null, { connection: { host: '127.0.0.1', port: redis.port }, lockDuration: 1000, autorun: false });
    dying.on('error', () => undefined);
    opened.push(dying);
    await dying.getNextJob('dying-token-1');
    expect(await check(url, 'queue-stuck')).toMatchObject({ status: 'UP', data: { active: 1, waiting: 1, stalled: 0 } });
    const degraded = await eventually(
      () => check(url, 'queue-stuck'),
      (result) => result.data?.['stalled'] === 1,
      10_000,
    );
    expect(degraded).toMatchObject({
      status: 'DEGRADED',
      data: { active: 1, stalled: 1 },
      message: 'stalled jobs 1 jobs reached the warn threshold of 1 jobs',
    });
    await dying.getNextJob('dying-token-2');
    await dying.close(true);
    const down = await eventually(
      () => check(url, 'queue-stuck'),
      (result) => result.data?.['stalled'] === 2,
      10_000,
    );
    expect(down).toMatchObject({ status: 'DOWN', data: { active: 2, stalled: 2 }, error: 'stalled jobs 2 jobs reached the down threshold of 2 jobs' });
  });

  it('is DOWN while the app has a worker for the queue and none runs, UP once it runs again', async () => {
    const url = await start();
    const worker = app!.get(EmailsProcessor).worker;
    await worker.pause();
    expect(await check(url, 'queue-emails')).toMatchObject({
      status: 'DOWN',
      data: { workers: { registered: 1, running: 0 } },
      error: 'no worker is running for queue "emails" (1 registered, all closed or paused)',
    });
    await worker.resume();
    expect(await check(url, 'queue-emails')).toMatchObject({ status: 'UP', data: { workers: { registered: 1, running: 1 } } });
  });

  it('is DOWN within timeout + 100 ms when Redis stops, UP again after it restarts, and opens no connection of its own', async () => {
    const url = await start();
    await eventually(
      () => getReport(url),
      (report) => report.status === 'UP',
    );
    const before = await redisConnections();
    for (let run = 0; run < 10; run++) expect((await getReport(url)).status).toBe('UP');
    expect(await redisConnections()).toHaveLength(before.length);

    await redis.stop();
    const down = await getCheck(url, 'queue-reports');
    expect(down.status).toBe('DOWN');
    expect(down.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(down.error).toMatch(/Redis connection of queue "reports" is not ready \(client status "(reconnecting|connecting|close)"\)|timed out after 500 ms/);
    const report = await getReport(url);
    expect(report.httpStatus).toBe(503);
    for (const name of ['queue-emails', 'queue-reports', 'queue-stuck']) expect(report.details[name]?.status).toBe('DOWN');
    expect(report.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);

    await redis.start();
    await eventually(
      () => getReport(url),
      (again) => again.status === 'UP',
      20_000,
      200,
    );
    // Once back, the app holds as many connections as before: none leaked by the checks, none added.
    await eventually(redisConnections, (after) => after.length === before.length, 10_000, 200);
  }, 40_000);
});

describe('bullmq options are checked at bootstrap', () => {
  it('names a queue the app does not register (a Queue provided by hand counts, too)', async () => {
    // Provided by hand so that the test closes it: Nest does not close the providers of an app whose bootstrap failed.
    const error = await bootstrapError({
      providers: [{ provide: getQueueToken('emails'), useValue: producer('emails') }],
      imports: [HealthModule.forRoot({ bullmq: { queues: ['emails', 'invoices'] } })],
    });
    expect(error.message).toContain('"bullmq.queues[1]" is "invoices", but the app registers no queue of that name; registered: emails');
  });

  it('says when the app registers no queue', async () => {
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ bullmq: true })] });
    expect(error.message).toContain('"bullmq" is switched on, but the app registers no bullmq Queue');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['warn above down', { waiting: { warn: 10, down: 5 } }, '"bullmq.waiting.warn" (10) must not be above "bullmq.waiting.down" (5)'],
    ['negative count', { failed: { down: -1 } }, '"bullmq.failed.down" must be an integer from 0 to any (jobs); got number -1'],
    ['empty queues', { queues: [] }, '"bullmq.queues" must be a non-empty array; got an array ([])'],
    ['unknown key', { lag: 3 }, 'unknown option "bullmq.lag"; accepted:'],
  ])('%s', async (_label, bullmq, expected) => {
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ bullmq })] });
    expect(error.message).toContain(expected);
  });
});
