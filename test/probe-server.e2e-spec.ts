import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  Module,
  SetMetadata,
  VersioningType,
  type CanActivate,
  type ExecutionContext,
  type INestApplicationContext,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HealthIndicator,
  HealthIndicatorService,
  HealthModule,
  HealthOptionsError,
  HealthProbeServer,
  HealthProbeServerError,
  type HealthModuleOptions,
} from 'nest-vitals';
import { ADAPTERS, bootstrapError, startApp, type AdapterName } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { rawRequestTarget, type RawResponse } from './support/raw-http.js';
import { portAccepts } from './support/server-process.js';

const KEY = 'probe-server-key';

@HealthIndicator('database')
class DatabaseIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('database').up({ driver: 'postgres' });
  }
}

@HealthIndicator('cache', { critical: false })
class CacheIndicator {
  check(): never {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
  }
}

/** A global guard that lets only handlers marked public through, as an app's JWT guard would. */
const IS_PUBLIC = 'test:is-public';
const Public = () => SetMetadata(IS_PUBLIC, true);
@Injectable()
class JwtLikeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) === true;
  }
}

@Controller()
class UserController {
  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('secret')
  secret() {
    return { secret: true };
  }
}

/** Holds bootstrap in its onModuleInit, as a slow connection would. */
@Injectable()
class SlowStartProvider implements OnModuleInit {
  static holdMs = 2000;
  done = false;
  async onModuleInit(): Promise<void> {
    await sleep(SlowStartProvider.holdMs);
    this.done = true;
  }
}

let apps: INestApplicationContext[] = [];
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** An app on the adapter with the probe server on its own port; returns the app's and the probe server's base URLs. */
async function startWithProbeServer(adapter: AdapterName, options: HealthModuleOptions = {}, providers: unknown[] = [DatabaseIndicator, CacheIndicator]) {
  const port = await allocatePort();
  const started = await startApp(
    { imports: [HealthModule.forRoot({ ...options, server: { port, host: '127.0.0.1' } })], providers: providers as never[] },
    { adapter },
  );
  apps.push(started.app);
  return { appUrl: started.url, probeUrl: `http://127.0.0.1:${port}`, port };
}

describe.each(ADAPTERS)('probe server beside an HTTP app on %s', (adapter) => {
  it('serves the probes with a global guard, a global prefix and URI versioning in place and no decorators; the in-app paths 404; STARTING while bootstrap is held', async () => {
    const port = await allocatePort();
    @Module({
      imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' } })],
      controllers: [UserController],
      providers: [DatabaseIndicator, SlowStartProvider, { provide: APP_GUARD, useClass: JwtLikeGuard }],
    })
    class GuardedAppModule {}
    let bootstrapped = false;
    const booting = (async () => {
      const app = await NestFactory.create(GuardedAppModule, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
      apps.push(app);
      app.setGlobalPrefix('api');
      app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      await app.listen(0, '127.0.0.1');
      bootstrapped = true;
      return app;
    })();
    const probe = `http://127.0.0.1:${port}/health`;

    // While the slow provider holds bootstrap, the probe server already answers.
    const deadline = performance.now() + 10_000;
    let startup = await get(`${probe}/startup`).catch(() => undefined);
    while (!startup) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
      startup = await get(`${probe}/startup`).catch(() => undefined);
    }
    expect({ status: startup.status, body: startup.body }).toEqual({ status: 503, body: { status: 'STARTING' } });
    const ready = await get(`${probe}/ready`);
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: { status: 'STARTING' } });
    const live = await get(`${probe}/live`);
    expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'UP' } });
    expect(bootstrapped).toBe(false);

    const app = await booting;
    expect(app.get(SlowStartProvider).done).toBe(true);
    let afterBoot = await get(`${probe}/startup`);
    while (afterBoot.status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
      afterBoot = await get(`${probe}/startup`);
    }
    expect(afterBoot.body).toEqual({ status: 'UP' });
    expect(await get(`${probe}/ready`)).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await get(`${probe}/live`)).toMatchObject({ status: 200, body: { status: 'UP' } });

    // The app's own routes are guarded, prefixed and versioned; the health routes are not mounted in it.
    const appUrl = await app.getUrl();
    const appBase = appUrl.replace('[::1]', '127.0.0.1');
    expect(await get(`${appBase}/api/v1/open`)).toMatchObject({ status: 200, body: { open: true } });
    expect((await get(`${appBase}/api/v1/secret`)).status).toBe(403);
    for (const path of ['/api/v1/health/live', '/api/v1/health/ready', '/api/health/live', '/health/live', '/health/ready', '/v1/health/live']) {
      expect({ path, status: (await get(`${appBase}${path}`)).status }).toEqual({ path, status: 404 });
    }

    // It closes with the app.
    await app.close();
    apps = apps.filter((entry) => entry !== app);
    expect(await portAccepts(port)).toBe(false);
  });

  it('answers 503 STARTING while a slow provider factory (a database connect) holds NestFactory.create', async () => {
    const port = await allocatePort();
    let connected = false;
    @Module({
      imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' } })],
      providers: [
        {
          provide: 'SLOW_CONNECTION',
          useFactory: async () => {
            await sleep(2000);
            connected = true;
            return 'connected';
          },
        },
      ],
    })
    class SlowConnectModule {}
    const creating = NestFactory.create(SlowConnectModule, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false }).then(
      (app) => (apps.push(app), app),
    );
    const deadline = performance.now() + 10_000;
    let startup = await get(`http://127.0.0.1:${port}/health/startup`).catch(() => undefined);
    while (!startup) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
      startup = await get(`http://127.0.0.1:${port}/health/startup`).catch(() => undefined);
    }
    expect({ status: startup.status, body: startup.body, connected }).toEqual({ status: 503, body: { status: 'STARTING' }, connected: false });
    const app = await creating;
    await app.listen(0, '127.0.0.1');
    let ready = await get(`http://127.0.0.1:${port}/health/ready`);
    while (ready.status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
      ready = await get(`http://127.0.0.1:${port}/health/ready`);
    }
    expect(ready.body).toEqual({ status: 'UP' });
  });

  it('answers every route, representation, policy, HEAD and 405 exactly as the in-app routes do', async () => {
    const options: HealthModuleOptions = { apiKey: KEY, service: { name: 'orders', version: '1.4.2', environment: 'test' } };
    const inApp = await startApp({ imports: [HealthModule.forRoot(options)], providers: [DatabaseIndicator, CacheIndicator] }, { adapter });
    apps.push(inApp.app);
    const { probeUrl } = await startWithProbeServer(adapter, options);
    const key = { 'X-Health-Key': KEY };
    const requests: [string, string, Record<string, string>][] = [];
    for (const route of [
      '/health',
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/health/checks/database',
      '/health/checks/nope',
      '/health/checks/cache',
    ]) {
      for (const headers of [{}, key, { Authorization: `Bearer ${KEY}` }, { 'X-Health-Key': 'wrong' }] as Record<string, string>[]) {
        for (const accept of ['application/json', 'application/health+json', 'text/plain', 'text/html', '*/*']) {
          requests.push(['GET', route, { ...headers, Accept: accept }]);
        }
        requests.push(['HEAD', route, headers], ['POST', route, headers], ['DELETE', route, headers]);
      }
    }
    requests.push(['GET', '/health/ready?exclude=cache', key], ['GET', '/health?exclude=cache&exclude=nope', key], ['GET', '/health?exclude=cache', {}]);

    // The startup gate opens in the background after bootstrap.
    const deadline = performance.now() + 5000;
    while ((await get(`${probeUrl}/health/startup`)).status !== 200 || (await get(`${inApp.url}/health/startup`)).status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
    }
    const comparable = (response: RawResponse) => ({
      status: response.statusCode,
      contentType: response.headers['content-type'],
      cacheControl: response.headers['cache-control'],
      vary: response.headers.vary,
      allow: response.headers.allow,
      wwwAuthenticate: response.headers['www-authenticate'],
      // Times differ between two servers; everything else must not.
      body: response.rest
        .toString()
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'TIME')
        .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, 'TIME')
        .replace(/("durationMs"|"uptimeSeconds"|"observedValue"):\s*\d+(\.\d+)?/g, '$1:N')
        .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, 'N$2'),
    });
    for (const [method, route, headers] of requests) {
      const [fromApp, fromProbe] = await Promise.all([rawRequestTarget(inApp.url, method, route, headers), rawRequestTarget(probeUrl, method, route, headers)]);
      expect({ method, route, headers, ...comparable(fromProbe) }).toEqual({ method, route, headers, ...comparable(fromApp) });
    }
  });
});

describe('probe server answers odd requests (fuzz) with no 500 and no hang', () => {
  const longKey = 'k'.repeat(8000);
  /** [method, request target, headers, status the probe server answers]. */
  const INPUTS: [string, string, Record<string, string>, number][] = [
    ['GET', '/health/live', { Accept: '*/*;q=0' }, 200],
    ['GET', '/health/ready', { Accept: 'text/html;q=abc, application/json;q=' }, 200],
    ['GET', '/health/ready', { Accept: ',,,;;;===' }, 200],
    ['GET', '/health/ready', { Accept: `${'application/x-'.repeat(500)}json` }, 200],
    ['GET', '/health/ready', { Accept: 'application/health+json;q=0.1, text/plain;q=0.9' }, 200],
    ['GET', '/health', { 'X-Health-Key': 'k'.repeat(8000) }, 200],
    ['GET', '/health', { Authorization: 'Bearer' }, 200],
    ['GET', `/health/ready?${longKey}=1`, {}, 200],
    ['GET', `/health/ready?exclude=${'a,'.repeat(2000)}`, {}, 200],
    ['GET', `/health/ready?${'exclude=x&'.repeat(500)}`, {}, 200],
    ['GET', '/health/ready?exclude=%E0%A4%A&__proto__=1&constructor=2', {}, 200],
    ['GET', '/health/live/', {}, 200],
    ['GET', '/health/live?', {}, 200],
    ['GET', '/health/', {}, 200],
    ['GET', '/health//live', {}, 404],
    ['GET', '/health/..', {}, 404],
    ['GET', '/health/../health/live', {}, 404],
    ['GET', '/health/%2e%2e/health/live', {}, 404],
    ['GET', '/health/%6Cive', {}, 404],
    ['GET', '/health/checks/..%2F..%2Fetc%2Fpasswd', { 'X-Health-Key': KEY }, 404],
    ['GET', '/health/checks/%', { 'X-Health-Key': KEY }, 404],
    ['GET', '/health/checks/%E0%A4%A', { 'X-Health-Key': KEY }, 404],
    ['GET', `/health/checks/${'x'.repeat(10_000)}`, { 'X-Health-Key': KEY }, 404],
    ['GET', '/health/checks/database/extra', { 'X-Health-Key': KEY }, 404],
    ['GET', '/HEALTH/LIVE', {}, 404],
    ['GET', '/live', {}, 404],
    ['GET', '/', {}, 404],
    ['GET', '//health/live', {}, 404],
    ['GET', '/healthz', {}, 404],
    ['GET', `/${'a/'.repeat(6000)}`, {}, 404],
    ['GET', `/health/ready?${'q'.repeat(20_000)}`, {}, 431],
    ['GET', '*', {}, 404],
    ['OPTIONS', '/health/live', {}, 404],
    ['TRACE', '/health/ready', {}, 404],
    ['PROPFIND', '/health', {}, 404],
    ['POST', '/health/ready', { 'Content-Type': 'application/json', 'Content-Length': '0' }, 405],
    ['PUT', '/health/checks/database', {}, 405],
    ['PATCH', '/health/startup', {}, 405],
    ['DELETE', '/health/live', {}, 405],
    ['BREW', '/health/live', {}, 400],
  ];

  it('answers each input with the expected status within 5 s, never 500, and 405 names the allowed methods; the in-app routes survive the same inputs', async () => {
    const { probeUrl } = await startWithProbeServer('express', { apiKey: KEY });
    const inApp = await Promise.all(
      ADAPTERS.map(async (adapter) => {
        const started = await startApp({ imports: [HealthModule.forRoot({ apiKey: KEY })], providers: [DatabaseIndicator, CacheIndicator] }, { adapter });
        apps.push(started.app);
        return started.url;
      }),
    );
    const deadline = performance.now() + 5000;
    while ((await get(`${probeUrl}/health/startup`)).status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
    }
    for (const [method, target, headers, expected] of INPUTS) {
      const shown = `${method} ${target.slice(0, 60)}`;
      const answer = await rawRequestTarget(probeUrl, method, target, headers, 5000);
      expect({ input: shown, status: answer.statusCode }).toEqual({ input: shown, status: expected });
      if (expected === 405) {
        expect(answer.headers.allow).toBe('GET, HEAD');
        expect(JSON.parse(answer.rest.toString())).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
      }
      if (expected === 404) expect(JSON.parse(answer.rest.toString())).toMatchObject({ statusCode: 404, error: 'Not Found' });
      if (expected === 200) expect(answer.headers['cache-control']).toBe('no-store');
      for (const url of inApp) {
        const survived = await rawRequestTarget(url, method, target, headers, 5000);
        expect({ input: shown, app: url, status: survived.statusCode < 500 }).toEqual({ input: shown, app: url, status: true });
      }
    }
    // Still serving after all of it.
    expect((await get(`${probeUrl}/health/live`)).status).toBe(200);
  });
});

describe('probe server options', () => {
  const PORT = 'an integer from 0 to 65535 (a TCP port; 0 picks a free one)';
  it.each([
    [{ port: 70_000 }, `"server.port" must be ${PORT}; got number 70000`],
    [{ port: -1 }, `"server.port" must be ${PORT}; got number -1`],
    [{ port: 80.5 }, `"server.port" must be ${PORT}; got number 80.5`],
    [{ port: '9000' }, `"server.port" must be ${PORT}; got "9000"`],
    [{}, `"server.port" is required: ${PORT}`],
    [{ port: 9000, host: '' }, '"server.host" must be a non-empty string; got ""'],
    [{ port: 9000, host: 9000 }, '"server.host" must be a non-empty string; got number 9000'],
    [{ port: 9000, hostname: 'x' }, 'unknown option "server.hostname"; accepted: port, host'],
    [9000, '"server" must be an object; got number 9000'],
  ])('refuses server %j when the module is defined, naming the option and what is accepted', (server, message) => {
    expect(() => HealthModule.forRoot({ server } as never)).toThrow(new HealthOptionsError([message]));
    expect(() => HealthModule.forRootAsync({ server, useFactory: () => ({}) } as never)).toThrow(new HealthOptionsError([message]));
  });

  it('takes server beside useFactory in forRootAsync, and refuses it from the factory', async () => {
    const port = await allocatePort();
    const started = await startApp({
      imports: [HealthModule.forRootAsync({ server: { port, host: '127.0.0.1' }, useFactory: () => Promise.resolve({ details: 'always' as const }) })],
      providers: [DatabaseIndicator],
    });
    apps.push(started.app);
    expect((await get(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    expect((await get(`${started.url}/health/live`)).status).toBe(404);

    const error = await bootstrapError({ imports: [HealthModule.forRootAsync({ useFactory: () => ({ server: { port: 9 } }) as never })] });
    expect(error.message).toContain(
      '"server" is read when the module is defined: give it beside useFactory, HealthModule.forRootAsync({ server: ..., useFactory }), not in the options the factory returns',
    );
  });

  it('stops startup when the port is in use, naming the address and the option', async () => {
    const port = await allocatePort();
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' } })] });
    expect(error).toBeInstanceOf(HealthProbeServerError);
    expect(error.message).toBe(`"server.port": 127.0.0.1:${port} is already in use; free it or choose another port (an integer from 0 to 65535)`);
  });

  it('picks a free port with port 0 and tells it through HealthProbeServer.address() and the log', async () => {
    const started = await startApp({ imports: [HealthModule.forRoot({ server: { port: 0, host: '127.0.0.1' } })] });
    apps.push(started.app);
    const { port } = started.app.get(HealthProbeServer).address();
    expect(port).toBeGreaterThan(0);
    expect(await get(`http://127.0.0.1:${port}/health/live`)).toMatchObject({ status: 200, body: { status: 'UP' } });
  });

  it('serves probes in a standalone context (createApplicationContext) and closes with it', async () => {
    const port = await allocatePort();
    @Module({ imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' }, details: 'always' })], providers: [DatabaseIndicator] })
    class WorkerModule {}
    const context = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    apps.push(context);
    expect(await get(`http://127.0.0.1:${port}/health/live`)).toMatchObject({ status: 200, body: { status: 'UP' } });
    const deadline = performance.now() + 5000;
    let ready = await get(`http://127.0.0.1:${port}/health/ready`);
    while (ready.status !== 200) {
      expect(performance.now()).toBeLessThan(deadline);
      await sleep(20);
      ready = await get(`http://127.0.0.1:${port}/health/ready`);
    }
    expect(ready.body).toMatchObject({ status: 'UP', details: { database: { status: 'UP' } } });
    await context.close();
    apps = [];
    expect(await portAccepts(port)).toBe(false);
  });
});
