import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Injectable, Module, type INestApplicationContext, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService, type HealthModuleOptions } from 'nest-vitals';
import { GRPC_HEALTH_LIST_LIMIT } from '../libs/health/src/grpc/grpc-health.handlers.js';
import { resolveHealthOptions } from '../libs/health/src/options/health-options.resolver.js';
import { GrpcHealthClient, type CheckAnswer, type WatchRecording } from './support/grpc-health-client.js';
import { scriptedIndicator } from './support/indicators.js';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput } from './support/processes.js';
import { eventually } from './support/report.js';
import { startApp } from './support/http-app.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const SERVING: CheckAnswer = { status: 'SERVING' };
const NOT_SERVING: CheckAnswer = { status: 'NOT_SERVING' };

/** Waits until a Watch call has received `count` messages, or has ended. */
function messages(recording: WatchRecording, count: number, timeoutMs = 15_000) {
  return eventually(
    () => Promise.resolve(recording.statuses),
    (statuses) => statuses.length >= count || recording.ended !== undefined,
    timeoutMs,
    20,
  );
}

describe('gRPC health service (grpc.health.v1.Health) in an HTTP app', () => {
  const Dependency = scriptedIndicator('dependency', { refreshIntervalMs: 100, timeoutMs: 200 });
  const Heartbeat = scriptedIndicator('heartbeat', { probes: ['liveness'] });
  let app: INestApplicationContext;
  let client: GrpcHealthClient;
  let health: HealthService;

  beforeAll(async () => {
    const port = await allocatePort();
    ({ app } = await startApp({
      imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' }, groups: { payments: { include: ['dependency'] } } })],
      providers: [Dependency, Heartbeat],
    }));
    health = app.get(HealthService);
    client = new GrpcHealthClient(port);
    // The startup gate latches on its first background run after bootstrap.
    await eventually(
      () => client.check('startup'),
      (answer) => 'status' in answer && answer.status === 'SERVING',
    );
  });

  afterEach(async () => {
    Dependency.answer = 'up';
    Heartbeat.answer = 'up';
    health.setReadiness('accepting');
    health.setLiveness('correct');
    // The next test starts from a dependency seen UP again (its background refresh runs every 100 ms).
    await eventually(
      async () => (await health.checkOne('dependency'))?.status,
      (status) => status === 'UP',
    );
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it("answers SERVING for '', each probe and a check, and NOT_FOUND for an unknown service", async () => {
    for (const service of ['', 'readiness', 'liveness', 'startup', 'dependency', 'heartbeat']) {
      expect({ service, answer: await client.check(service) }).toEqual({ service, answer: SERVING });
    }
    const unknown = await client.check('no-such-check');
    expect(unknown).toEqual({ code: GrpcStatus.NOT_FOUND, details: 'unknown service "no-such-check"' });
  });

  it("a DOWN dependency: NOT_SERVING for '', readiness and the check; liveness and startup keep SERVING", async () => {
    Dependency.answer = 'down';
    await eventually(
      () => client.check('dependency'),
      (answer) => 'status' in answer && answer.status === 'NOT_SERVING',
    );
    expect(await client.check('')).toEqual(NOT_SERVING);
    expect(await client.check('readiness')).toEqual(NOT_SERVING);
    expect(await client.check('liveness')).toEqual(SERVING);
    expect(await client.check('startup')).toEqual(SERVING);
  });

  it('DEGRADED serves; a DOWN liveness check and setLiveness/setReadiness do not', async () => {
    Dependency.answer = 'degraded';
    await eventually(
      async () => (await health.checkOne('dependency'))?.status,
      (status) => status === 'DEGRADED',
    );
    expect(await client.check('dependency')).toEqual(SERVING);
    expect(await client.check('')).toEqual(SERVING);

    Heartbeat.answer = 'down';
    expect(await client.check('liveness')).toEqual(NOT_SERVING);
    expect(await client.check('heartbeat')).toEqual(NOT_SERVING);
    Heartbeat.answer = 'up';
    expect(await client.check('liveness')).toEqual(SERVING);

    health.setLiveness('broken', 'test');
    expect(await client.check('liveness')).toEqual(NOT_SERVING);
    health.setReadiness('refusing', 'test');
    expect(await client.check('')).toEqual(NOT_SERVING);
  });

  it("List answers every name with its status: '', the probes, each check, each group", async () => {
    expect(await client.list()).toEqual({
      statuses: {
        '': 'SERVING',
        readiness: 'SERVING',
        liveness: 'SERVING',
        startup: 'SERVING',
        dependency: 'SERVING',
        heartbeat: 'SERVING',
        'group:payments': 'SERVING',
      },
    });
    expect(await client.check('group:payments')).toEqual(SERVING);
    expect(await client.check('group:nope')).toEqual({ code: GrpcStatus.NOT_FOUND, details: 'unknown service "group:nope"' });

    Dependency.answer = 'down';
    await eventually(
      () => client.check('dependency'),
      (answer) => 'status' in answer && answer.status === 'NOT_SERVING',
    );
    expect(await client.list()).toEqual({
      statuses: {
        '': 'NOT_SERVING',
        readiness: 'NOT_SERVING',
        liveness: 'SERVING',
        startup: 'SERVING',
        dependency: 'NOT_SERVING',
        heartbeat: 'SERVING',
        'group:payments': 'NOT_SERVING',
      },
    });
    expect(await client.check('group:payments')).toEqual(NOT_SERVING);
  });

  it(`List over ${GRPC_HEALTH_LIST_LIMIT} names answers RESOURCE_EXHAUSTED; Check still answers each`, async () => {
    const unregister = Array.from({ length: GRPC_HEALTH_LIST_LIMIT }, (_, index) =>
      health.register(`tenant-${index}`, () => ({ [`tenant-${index}`]: { status: 'up' } })),
    );
    try {
      const answer = await client.list();
      expect(answer).toEqual({
        code: GrpcStatus.RESOURCE_EXHAUSTED,
        details: `${GRPC_HEALTH_LIST_LIMIT + 7} services exceed the limit of ${GRPC_HEALTH_LIST_LIMIT} that List answers for; use Check or Watch per service`,
      });
      expect(await client.check('tenant-99')).toEqual(SERVING);
    } finally {
      for (const remove of unregister) remove();
    }
    expect(Object.keys((await client.list()) as object)).toEqual(['statuses']);
  });

  it('a Watch of a group follows its checks', async () => {
    const group = client.watch('group:payments');
    try {
      await messages(group, 1);
      Dependency.answer = 'down';
      await messages(group, 2);
      Dependency.answer = 'up';
      await messages(group, 3);
      expect(group.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    } finally {
      group.cancel();
    }
  });

  it('Watch sends the status at once, then each change of a dependency going DOWN and back', async () => {
    const check = client.watch('dependency');
    const readiness = client.watch('');
    const liveness = client.watch('liveness');
    try {
      await messages(check, 1);
      await messages(readiness, 1);
      await messages(liveness, 1);
      expect([check.statuses, readiness.statuses]).toEqual([['SERVING'], ['SERVING']]);

      Dependency.answer = 'down';
      await messages(check, 2);
      await messages(readiness, 2);
      Dependency.answer = 'up';
      await messages(check, 3);
      await messages(readiness, 3);
      // A DEGRADED result still serves: no message for it.
      Dependency.answer = 'degraded';
      await eventually(
        async () => (await health.checkOne('dependency'))?.status,
        (status) => status === 'DEGRADED',
      );
      await sleep(300);

      expect(check.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
      expect(readiness.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
      // Liveness does not include the dependency: it never changed.
      expect(liveness.statuses).toEqual(['SERVING']);
      expect([check.ended, readiness.ended, liveness.ended]).toEqual([undefined, undefined, undefined]);
    } finally {
      for (const call of [check, readiness, liveness]) call.cancel();
    }
  });

  it('Watch reports setReadiness at once, without waiting for a check', async () => {
    const readiness = client.watch('readiness');
    try {
      await messages(readiness, 1);
      const started = performance.now();
      health.setReadiness('refusing', 'maintenance');
      await messages(readiness, 2);
      expect(performance.now() - started).toBeLessThan(2000);
      health.setReadiness('accepting');
      await messages(readiness, 3);
      expect(readiness.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    } finally {
      readiness.cancel();
    }
  });

  it('Watch of an unknown service answers SERVICE_UNKNOWN and keeps the call open', async () => {
    const unknown = client.watch('no-such-check');
    try {
      await messages(unknown, 1);
      await sleep(200);
      expect(unknown.statuses).toEqual(['SERVICE_UNKNOWN']);
      expect(unknown.ended).toBeUndefined();
    } finally {
      unknown.cancel();
    }
  });

  it('a cancelled Watch ends CANCELLED on the client and leaves the server serving', async () => {
    const watch = client.watch('');
    await messages(watch, 1);
    watch.cancel();
    await eventually(
      () => Promise.resolve(watch.ended),
      (ended) => ended !== undefined,
    );
    expect(watch.ended!.code).toBe(GrpcStatus.CANCELLED);
    expect(await client.check('')).toEqual(SERVING);
  });
});

describe('gRPC health service lifecycle', () => {
  it('Watch calls end cleanly (status OK) on app.close(), and the port is free again', async () => {
    const port = await allocatePort();
    const { app } = await startApp({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })] });
    const client = new GrpcHealthClient(port);
    try {
      const calls = [client.watch(''), client.watch('liveness')];
      for (const call of calls) await messages(call, 1);
      await app.close();
      for (const call of calls) {
        await eventually(
          () => Promise.resolve(call.ended),
          (ended) => ended !== undefined,
          5000,
          20,
        );
        expect(call.ended).toEqual({ code: GrpcStatus.OK, details: 'OK' });
      }
      await expect(listenOn(port)).resolves.toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('answers NOT_SERVING while a slow provider holds bootstrap, then SERVING; liveness serves throughout', async () => {
    const port = await allocatePort();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    @Injectable()
    class SlowWarmUp implements OnModuleInit {
      onModuleInit() {
        return held;
      }
    }
    @Module({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })], providers: [SlowWarmUp] })
    class SlowModule {}
    const client = new GrpcHealthClient(port);
    // createApplicationContext runs module init, which waits for the slow provider; the gRPC listener is up
    // before it (HealthModule's module init comes first).
    const creating = NestFactory.createApplicationContext(SlowModule, { logger: false, abortOnError: false });
    try {
      expect(await client.firstAnswer('')).toEqual(NOT_SERVING);
      expect(await client.check('startup')).toEqual(NOT_SERVING);
      expect(await client.check('liveness')).toEqual(SERVING);
      const during = client.watch('');
      await messages(during, 1);
      expect(during.statuses).toEqual(['NOT_SERVING']);
      release();
      await creating;
      await eventually(
        () => client.check(''),
        (answer) => 'status' in answer && answer.status === 'SERVING',
      );
      await messages(during, 2);
      expect(during.statuses).toEqual(['NOT_SERVING', 'SERVING']);
      during.cancel();
    } finally {
      release();
      client.close();
      await (await creating).close();
    }
  });

  it('a port in use stops startup with an error naming "grpc.port" and the port', async () => {
    const port = await allocatePort();
    const blocker = await listenOn(port, true);
    try {
      @Module({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })] })
      class BlockedModule {}
      await expect(NestFactory.createApplicationContext(BlockedModule, { logger: false, abortOnError: false })).rejects.toThrow(
        `"grpc.port": port ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      blocker?.close();
    }
  });

  it('rejects bad options with messages naming the option and what is accepted', () => {
    const problems = (grpc: unknown) => {
      try {
        resolveHealthOptions({ grpc } as HealthModuleOptions);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problems(true)).toContain(`"grpc" must be an object such as { port: 50051, host: '0.0.0.0' }; got boolean true`);
    expect(problems({})).toContain('"grpc.port" is required, e.g. { port: 50051 }');
    expect(problems({ port: 70000 })).toContain('"grpc.port" must be an integer from 1 to 65535 (TCP port); got number 70000');
    expect(problems({ port: 50051, host: 'not a host' })).toContain(
      '"grpc.host" must be a host name or IP address such as "0.0.0.0" or "::"; got "not a host"',
    );
    expect(problems({ port: 50051, watchIntervalMs: 10 })).toContain('"grpc.watchIntervalMs" must be an integer from 100 to');
    expect(problems({ port: 50051, tls: true })).toContain('unknown option "grpc.tls"; accepted: port, host, watchIntervalMs');
    expect(problems({ port: 50051, host: '::1', watchIntervalMs: 1000 })).toBe('');
  });
});

describe('gRPC health service in apps without HTTP', () => {
  async function expectServing(app: INestApplicationContext, port: number) {
    const client = new GrpcHealthClient(port);
    try {
      await eventually(
        () => client.check(''),
        (answer) => 'status' in answer && answer.status === 'SERVING',
      );
      expect(await client.check('liveness')).toEqual(SERVING);
      expect(await client.check('startup')).toEqual(SERVING);
    } finally {
      client.close();
      await app.close();
    }
    await expect(listenOn(port)).resolves.toBeUndefined();
  }

  it('a standalone application context (createApplicationContext)', async () => {
    const port = await allocatePort();
    @Module({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })] })
    class StandaloneModule {}
    const app = await NestFactory.createApplicationContext(StandaloneModule, { logger: false, abortOnError: false });
    await expectServing(app, port);
  });

  it('a NATS worker (createMicroservice, the real broker on 4222)', async () => {
    const port = await allocatePort();
    @Module({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })] })
    class WorkerModule {}
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, {
      transport: Transport.NATS,
      options: { servers: ['nats://127.0.0.1:4222'] },
      logger: false,
      abortOnError: false,
    });
    await app.listen();
    await expectServing(app, port);
  });

  it('a hybrid app (HTTP and a TCP microservice)', async () => {
    const port = await allocatePort();
    const tcpPort = await allocatePort();
    const { app } = await startApp(
      { imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1' } })] },
      {
        prepare: (nest) => {
          nest.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } });
        },
      },
    );
    await app.startAllMicroservices();
    await expectServing(app, port);
  });
});

describe('gRPC health service in the sample app (real process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-grpc-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('on SIGTERM readiness turns NOT_SERVING and Watch reports it, while liveness keeps SERVING through the drain', async () => {
    const [httpPort, grpcPort] = [await allocatePort(), await allocatePort()];
    const app = startNode([SAMPLE_MAIN], {
      PORT: String(httpPort),
      HEALTH_GRPC_PORT: String(grpcPort),
      HEALTH_DRAIN_DELAY_MS: '3000',
      SQLITE_PATH: join(dataDir, 'sample.sqlite'),
    });
    const client = new GrpcHealthClient(grpcPort);
    try {
      await waitForOutput(app, /listening on/);
      expect(app.output()).toContain(`gRPC health service (grpc.health.v1.Health) listening on 0.0.0.0:${grpcPort}`);
      await eventually(
        () => client.check(''),
        (answer) => 'status' in answer && answer.status === 'SERVING',
      );
      const readiness = client.watch('');
      await messages(readiness, 1);

      app.child.kill('SIGTERM');
      await waitForOutput(app, /draining for 3000 ms/, 5000);
      expect(await client.check('')).toEqual(NOT_SERVING);
      expect(await client.check('readiness')).toEqual(NOT_SERVING);
      expect(await client.check('liveness')).toEqual(SERVING);
      await messages(readiness, 2);
      expect(readiness.statuses).toEqual(['SERVING', 'NOT_SERVING']);

      // The stream ends with OK when the app closes, and the process exits by the signal.
      await eventually(
        () => Promise.resolve(readiness.ended),
        (ended) => ended !== undefined,
        10_000,
        50,
      );
      expect(readiness.ended).toEqual({ code: GrpcStatus.OK, details: 'OK' });
      const exit = await app.exited;
      expect(exit.signal ?? exit.code).toBe('SIGTERM');
    } finally {
      client.close();
      await app.stop();
    }
  });
});

/** Listens on the port (proving it is free), then closes unless asked to keep it. */
function listenOn(port: number): Promise<undefined>;
function listenOn(port: number, keep: true): Promise<Server>;
function listenOn(port: number, keep = false): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => (keep ? resolve(server) : server.close(() => resolve(undefined))));
  });
}
