import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService, type HealthModuleOptions } from 'nest-vitals';
import { resolveHealthOptions } from '../libs/health/src/options/health-options.resolver.js';
import { GrpcHealthClient, type CheckAnswer, type WatchRecording } from './support/grpc-health-client.js';
import { startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput } from './support/processes.js';
import { eventually } from './support/report.js';

const HERO_PROTO = 'test/fixtures/grpc/hero.proto';
const SERVING: CheckAnswer = { status: 'SERVING' };
const NOT_SERVING: CheckAnswer = { status: 'NOT_SERVING' };

interface HeroStub extends grpc.Client {
  FindOne(request: { id: number }, callback: (error: grpc.ServiceError | null, hero?: { id: number; name: string }) => void): void;
}
const heroPackage = grpc.loadPackageDefinition(loadSync(HERO_PROTO)) as unknown as {
  hero: { HeroService: new (address: string, credentials: grpc.ChannelCredentials) => HeroStub };
};

/** Calls the app's own RPC on the port. */
function findHero(port: number, id: number): Promise<{ id: number; name: string }> {
  const stub = new heroPackage.hero.HeroService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) =>
    stub.FindOne({ id }, (error, hero) => {
      stub.close();
      if (error) reject(error);
      else resolve(hero!);
    }),
  );
}

@Controller()
class HeroController {
  @GrpcMethod('HeroService', 'FindOne')
  findOne({ id }: { id: number }) {
    return { id, name: `hero ${id}` };
  }
}

function messages(recording: WatchRecording, count: number, timeoutMs = 15_000) {
  return eventually(
    () => Promise.resolve(recording.statuses),
    (statuses) => statuses.length >= count || recording.ended !== undefined,
    timeoutMs,
    20,
  );
}

const grpcOptions = (port: number) => ({ url: `127.0.0.1:${port}`, package: 'hero', protoPath: HERO_PROTO });

describe('health on the app’s own gRPC server (grpc: { attach: true }), createMicroservice', () => {
  const Dependency = scriptedIndicator('dependency', { refreshIntervalMs: 100, timeoutMs: 200 });
  let app: INestApplicationContext;
  let health: HealthService;
  let client: GrpcHealthClient;
  let port: number;

  beforeAll(async () => {
    port = await allocatePort();
    @Module({
      imports: [HealthModule.forRoot({ grpc: { attach: true }, microservices: true, groups: { payments: { include: ['dependency'] } } })],
      controllers: [HeroController],
      providers: [Dependency],
    })
    class GrpcAppModule {}
    const microservice = await NestFactory.createMicroservice<MicroserviceOptions>(GrpcAppModule, {
      transport: Transport.GRPC,
      options: grpcOptions(port),
      logger: false,
      abortOnError: false,
    });
    await microservice.listen();
    app = microservice;
    health = app.get(HealthService);
    client = new GrpcHealthClient(port);
    await eventually(
      () => client.check('startup'),
      (answer) => 'status' in answer && answer.status === 'SERVING',
    );
  });

  afterEach(async () => {
    Dependency.answer = 'up';
    await eventually(
      async () => (await health.checkOne('dependency'))?.status,
      (status) => status === 'UP',
    );
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it("answers Check on the app's port for '', the probes, a check, a group and the app's own hero.HeroService; the app's RPC works on the same port", async () => {
    for (const service of ['', 'readiness', 'liveness', 'startup', 'dependency', 'group:payments', 'hero.HeroService', 'transport-grpc']) {
      expect({ service, answer: await client.check(service) }).toEqual({ service, answer: SERVING });
    }
    expect(await client.check('hero.Nope')).toEqual({ code: grpc.status.NOT_FOUND, details: 'unknown service "hero.Nope"' });
    expect(await findHero(port, 7)).toEqual({ id: 7, name: 'hero 7' });
  });

  it('List answers every name with its status, the app’s own service included', async () => {
    expect(await client.list()).toEqual({
      statuses: {
        '': 'SERVING',
        readiness: 'SERVING',
        liveness: 'SERVING',
        startup: 'SERVING',
        dependency: 'SERVING',
        'transport-grpc': 'SERVING',
        'group:payments': 'SERVING',
        'hero.HeroService': 'SERVING',
      },
    });
  });

  it('a critical dependency DOWN: hero.HeroService NOT_SERVING on Check and Watch, liveness SERVING, the RPC still answers', async () => {
    const watch = client.watch('hero.HeroService');
    try {
      await messages(watch, 1);
      Dependency.answer = 'down';
      await messages(watch, 2);
      expect(await client.check('hero.HeroService')).toEqual(NOT_SERVING);
      expect(await client.check('')).toEqual(NOT_SERVING);
      expect(await client.check('liveness')).toEqual(SERVING);
      expect(await findHero(port, 1)).toEqual({ id: 1, name: 'hero 1' });
      Dependency.answer = 'up';
      await messages(watch, 3);
      expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    } finally {
      watch.cancel();
    }
  });
});

describe('health on the app’s own gRPC server: configuration and other app shapes', () => {
  it('grpc.services maps a service to a check; the separate port can run beside it', async () => {
    const [port, healthPort] = [await allocatePort(), await allocatePort()];
    const Payments = scriptedIndicator('payments', { refreshIntervalMs: 100 });
    @Module({
      imports: [HealthModule.forRoot({ grpc: { attach: true, port: healthPort, host: '127.0.0.1', services: { 'hero.HeroService': 'payments' } } })],
      controllers: [HeroController],
      providers: [Payments],
    })
    class MappedModule {}
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(MappedModule, {
      transport: Transport.GRPC,
      options: grpcOptions(port),
      logger: false,
      abortOnError: false,
    });
    await app.listen();
    const client = new GrpcHealthClient(port);
    const separate = new GrpcHealthClient(healthPort);
    try {
      Payments.answer = 'down';
      await eventually(
        () => client.check('hero.HeroService'),
        (answer) => 'status' in answer && answer.status === 'NOT_SERVING',
      );
      // The separate listener does not answer for the app's services.
      expect(await separate.check('hero.HeroService')).toEqual({ code: grpc.status.NOT_FOUND, details: 'unknown service "hero.HeroService"' });
      expect(await separate.check('payments')).toEqual(NOT_SERVING);
    } finally {
      client.close();
      separate.close();
      await app.close();
    }
  });

  it('a hybrid app (HTTP + connectMicroservice, started before listen) serves health on its gRPC port', async () => {
    const port = await allocatePort();
    const { app } = await startApp(
      { imports: [HealthModule.forRoot({ grpc: { attach: true }, microservices: true })], controllers: [HeroController] },
      {
        prepare: async (nest) => {
          nest.connectMicroservice<MicroserviceOptions>({ transport: Transport.GRPC, options: grpcOptions(port) });
          await nest.startAllMicroservices();
        },
      },
    );
    const client = new GrpcHealthClient(port);
    try {
      await eventually(
        () => client.check('hero.HeroService'),
        (answer) => 'status' in answer && answer.status === 'SERVING',
      );
      expect(await client.check('transport-grpc')).toEqual(SERVING);
      expect(await findHero(port, 3)).toEqual({ id: 3, name: 'hero 3' });
    } finally {
      client.close();
      await app.close();
    }
  });

  it('Watch calls end with status OK on app.close() (gracefulShutdown: true does not wait for them)', async () => {
    const port = await allocatePort();
    @Module({ imports: [HealthModule.forRoot({ grpc: { attach: true } })], controllers: [HeroController] })
    class GracefulModule {}
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(GracefulModule, {
      transport: Transport.GRPC,
      options: { ...grpcOptions(port), gracefulShutdown: true },
      logger: false,
      abortOnError: false,
    });
    await app.listen();
    const client = new GrpcHealthClient(port);
    try {
      const watch = client.watch('hero.HeroService');
      await messages(watch, 1);
      const started = performance.now();
      await app.close();
      expect(performance.now() - started).toBeLessThan(3000);
      await eventually(
        () => Promise.resolve(watch.ended),
        (ended) => ended !== undefined,
        5000,
        20,
      );
      expect(watch.ended).toEqual({ code: grpc.status.OK, details: 'OK' });
    } finally {
      client.close();
    }
  });

  it('attach without a Nest gRPC server stops startup with a message naming "grpc.attach"', async () => {
    @Module({ imports: [HealthModule.forRoot({ grpc: { attach: true } })] })
    class NoGrpcModule {}
    await expect(NestFactory.createApplicationContext(NoGrpcModule, { logger: false, abortOnError: false })).rejects.toThrow(
      '"grpc.attach" is true, but the app has no Nest gRPC server',
    );
  });

  it('rejects bad attach options with messages naming the option', () => {
    const problems = (grpcOption: unknown) => {
      try {
        resolveHealthOptions({ grpc: grpcOption } as HealthModuleOptions);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problems({ attach: true })).toBe('');
    expect(problems({ attach: 'yes' })).toContain('"grpc.attach" must be true or false; got "yes"');
    expect(problems({ attach: false })).toContain('"grpc.port" is required, e.g. { port: 50051 }, unless "grpc.attach" is true');
    expect(problems({ port: 50051, services: { 'hero.HeroService': '' } })).toContain(
      '"grpc.services" names the app\'s own gRPC services and needs "grpc.attach": true',
    );
    expect(problems({ attach: true, services: { HeroService: '' } })).toContain(
      '"grpc.services key" must be a fully-qualified gRPC service name such as "hero.HeroService"; got "HeroService"',
    );
    expect(problems({ attach: true, services: { 'hero.HeroService': 'Not A Check' } })).toContain('"grpc.services.hero.HeroService" must be');
  });
});

describe('health on the app’s own gRPC server in a real process', () => {
  it('SIGTERM: Watch turns NOT_SERVING during the drain while the app’s RPC still answers, then ends OK before the server closes', async () => {
    const port = await allocatePort();
    const app = startNode(['test/fixtures/grpc-app.mjs'], { GRPC_PORT: String(port), DRAIN_MS: '1500' });
    const client = new GrpcHealthClient(port);
    try {
      await waitForOutput(app, /gRPC app listening/);
      await eventually(
        () => client.check('hero.HeroService'),
        (answer) => 'status' in answer && answer.status === 'SERVING',
      );
      const own = client.watch('hero.HeroService');
      const readiness = client.watch('');
      await messages(own, 1);
      await messages(readiness, 1);

      app.child.kill('SIGTERM');
      await messages(own, 2, 1000);
      await messages(readiness, 2, 1000);
      expect([own.statuses, readiness.statuses]).toEqual([
        ['SERVING', 'NOT_SERVING'],
        ['SERVING', 'NOT_SERVING'],
      ]);
      // Still draining: the port serves the app's RPC and health.
      expect(await findHero(port, 5)).toEqual({ id: 5, name: 'hero 5' });
      expect(await client.check('liveness')).toEqual(SERVING);
      expect(own.ended).toBeUndefined();

      await eventually(
        () => Promise.resolve(own.ended),
        (ended) => ended !== undefined,
        10_000,
        20,
      );
      expect(own.ended).toEqual({ code: grpc.status.OK, details: 'OK' });
      const exit = await app.exited;
      expect(exit.signal ?? exit.code).toBe('SIGTERM');
      await sleep(0);
    } finally {
      client.close();
      await app.stop();
    }
  });
});
