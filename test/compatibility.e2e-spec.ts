import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  Catch,
  Controller,
  Get,
  HttpException,
  Injectable,
  NotFoundException,
  Param,
  Query,
  SetMetadata,
  UnauthorizedException,
  ValidationPipe,
  VersioningType,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type ModuleMetadata,
  type Provider,
  type NestInterceptor,
  type CallHandler,
  type VersioningOptions,
} from '@nestjs/common';
import * as nestCommon from '@nestjs/common';
import * as nestCore from '@nestjs/core';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiTags, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import compression from 'compression';
import helmet from 'helmet';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { map, type Observable } from 'rxjs';
import { HealthIndicator, HealthModule, type HealthCheckContext } from 'nest-vitals';
import { HTML_CONTENT_SECURITY_POLICY } from '../libs/health/src/formats/html/html.format.js';
import { ADAPTERS, startApp, type AdapterName } from './support/http-app.js';
import type { ReportBody } from './support/report.js';

// @nestjs/throttler is CommonJS and require()s the ESM-only Nest 12 packages, which Jest's CommonJS loader cannot
// load before Node 24.9. Its require() calls get the very modules the app runs on (the same instances, nothing replaced).
jest.mock('@nestjs/common', () => nestCommon);
jest.mock('@nestjs/core', () => nestCore);
const { SkipThrottle, ThrottlerGuard, ThrottlerModule } = await import('@nestjs/throttler');

/**
 * One real app per row, as Nest teams build them (global guards, throttler, prefix, versioning,
 * interceptors, filters, pipes, helmet, compression, CORS), on Express and on Fastify: the probes
 * and a route of the app's own must both keep answering as their owners expect.
 */

const TOKEN = 'user-session-token';
const HEALTH_KEY = 'ops-key-0123456789';

@HealthIndicator('db')
class DbIndicator {
  check({ indicator }: HealthCheckContext) {
    return indicator.up({ pool: 4 });
  }
}

@HealthIndicator('search')
class SearchIndicator {
  check({ indicator }: HealthCheckContext) {
    return indicator.down({ message: 'search cluster is red' });
  }
}

/** The app's own `Public()` marker, read by its JWT-style guard. */
const IS_PUBLIC = 'app:isPublic';
const Public = () => SetMetadata(IS_PUBLIC, true);

/** A JWT-style global guard: 401 `login required` unless the handler or its class is `Public()` or a valid bearer token comes along. */
@Injectable()
class JwtStyleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (headers.authorization === `Bearer ${TOKEN}`) return true;
    throw new UnauthorizedException('login required');
  }
}

class ListOrdersQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3)
  limit?: number;
}

const ORDERS = [{ id: 1 }, { id: 2 }, { id: 3 }];

/** The app's own route. */
@Controller('orders')
class OrdersController {
  @Get()
  list(@Query() query: ListOrdersQuery) {
    return { orders: ORDERS.slice(0, query.limit ?? ORDERS.length), limitType: typeof query.limit };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    const order = ORDERS.find((candidate) => String(candidate.id) === id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return order;
  }
}

/** Wraps every answer in `{ data }`, as many apps' response envelopes do. */
@Injectable()
class EnvelopeInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data: unknown) => ({ data })));
  }
}

/** Writes every exception as `{ error: { status, message } }`. */
@Catch()
@Injectable()
class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message = exception instanceof HttpException ? exception.message : 'internal error';
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: { status, message } }, status);
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: <T = ReportBody>() => T;
}

/** One request on `node:http` (no automatic decompression, HEAD and OPTIONS as sent). */
function call(url: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`${method} ${url}: no answer within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const LIVE_BODY = { status: 'UP' };
const READY_BODY = {
  status: 'UP',
  details: { db: expect.objectContaining({ status: 'UP', critical: true, data: { pool: 4 } }) },
  serviceInfo: expect.objectContaining({ name: expect.any(String) }),
};

describe.each(ADAPTERS)('compatibility on %s', (adapter: AdapterName) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** Starts this row's app: the health module, the app's own route, its indicators and whatever the row adds. */
  async function boot({
    health = { details: 'always' },
    providers = [],
    imports = [],
    prepare,
  }: {
    health?: Parameters<typeof HealthModule.forRoot>[0];
    providers?: Provider[];
    imports?: ModuleMetadata['imports'];
    prepare?: (nest: INestApplication) => unknown;
  } = {}): Promise<string> {
    const started = await startApp(
      {
        imports: [...(imports ?? []), HealthModule.forRoot(health)],
        controllers: [OrdersController],
        providers: [DbIndicator, ...providers],
      },
      { adapter, prepare },
    );
    app = started.app;
    return started.url;
  }

  const guard = { provide: APP_GUARD, useClass: JwtStyleGuard };

  describe('a global JWT-style guard', () => {
    it('without decorators answers the probes 401 "login required" (the documented failure: a kubelet would restart the pod)', async () => {
      const url = await boot({ providers: [guard] });
      for (const path of ['/health/live', '/health/ready']) {
        const answer = await call(`${url}${path}`);
        expect([path, answer.status, answer.json()]).toEqual([path, 401, { statusCode: 401, message: 'login required', error: 'Unauthorized' }]);
      }
      expect((await call(`${url}/orders`)).status).toBe(401);
      const mine = await call(`${url}/orders`, { headers: bearer });
      expect([mine.status, mine.json()]).toEqual([200, { orders: ORDERS, limitType: 'undefined' }]);
    });

    it('with decorators: [Public()] lets the probes through and still guards the app', async () => {
      const url = await boot({ providers: [guard], health: { details: 'always', decorators: [Public()] } });
      const live = await call(`${url}/health/live`);
      expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
      const ready = await call(`${url}/health/ready`);
      expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
      const check = await call(`${url}/health/checks/db`);
      expect([check.status, check.json<{ status: string }>().status]).toEqual([200, 'UP']);
      const anonymous = await call(`${url}/orders`);
      expect([anonymous.status, anonymous.json()]).toEqual([401, { statusCode: 401, message: 'login required', error: 'Unauthorized' }]);
      expect((await call(`${url}/orders`, { headers: bearer })).status).toBe(200);
    });

    it('with forRootAsync({ decorators: [Public()], useFactory }) lets the probes through as well', async () => {
      const started = await startApp(
        {
          imports: [HealthModule.forRootAsync({ decorators: [Public()], useFactory: () => ({ details: 'always' as const }) })],
          controllers: [OrdersController],
          providers: [DbIndicator, guard],
        },
        { adapter },
      );
      app = started.app;
      const live = await call(`${started.url}/health/live`);
      expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
      const ready = await call(`${started.url}/health/ready`);
      expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
      expect((await call(`${started.url}/orders`)).status).toBe(401);
    });

    it('is the app of issue 11 (guard, prefix with exclude, URI versioning) with probes at /health and the app at /api/v1', async () => {
      const url = await boot({
        providers: [guard],
        health: { details: 'always', decorators: [Public()] },
        prepare: (nest) => {
          nest.setGlobalPrefix('api', { exclude: ['health', 'health/*path'] });
          nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
        },
      });
      const live = await call(`${url}/health/live`);
      expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
      const ready = await call(`${url}/health/ready`);
      expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
      for (const moved of ['/api/health/live', '/api/v1/health/live', '/v1/health/live'])
        expect([moved, (await call(`${url}${moved}`)).status]).toEqual([moved, 404]);
      expect((await call(`${url}/api/v1/orders`)).status).toBe(401);
      const mine = await call(`${url}/api/v1/orders`, { headers: bearer });
      expect([mine.status, mine.json()]).toEqual([200, { orders: ORDERS, limitType: 'undefined' }]);
    });
  });

  describe('@nestjs/throttler as a global guard, 3 per minute', () => {
    const throttler = () => ({
      imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 3 }])],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    });

    it('never answers 429 to 50 probes with decorators: [SkipThrottle()], while the app route is limited after 3', async () => {
      const url = await boot({ ...throttler(), health: { details: 'always', decorators: [SkipThrottle()] } });
      const probes = await Promise.all(Array.from({ length: 50 }, (_, index) => call(`${url}/health/${index % 2 === 0 ? 'live' : 'ready'}`)));
      expect(probes.map((answer) => answer.status)).toEqual(Array.from({ length: 50 }, () => 200));
      expect(probes[0].json()).toEqual(LIVE_BODY);
      expect(probes[1].json()).toEqual(READY_BODY);
      const mine: Answer[] = [];
      for (let index = 0; index < 4; index++) mine.push(await call(`${url}/orders`));
      expect(mine.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
      expect(mine[0].json()).toEqual({ orders: ORDERS, limitType: 'undefined' });
      expect(mine[3].json()).toEqual({ statusCode: 429, message: 'ThrottlerException: Too Many Requests' });
      expect((await call(`${url}/health/ready`)).status).toBe(200);
    });

    it('throttles the probes like any route without SkipThrottle() (why the decorator is needed)', async () => {
      const url = await boot(throttler());
      const statuses: number[] = [];
      for (let index = 0; index < 4; index++) statuses.push((await call(`${url}/health/live`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    });
  });

  describe('a global prefix', () => {
    it("moves the probes under it when they are not excluded (the app's choice)", async () => {
      const url = await boot({ prepare: (nest) => nest.setGlobalPrefix('api') });
      const live = await call(`${url}/api/health/live`);
      expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
      const ready = await call(`${url}/api/health/ready`);
      expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
      expect((await call(`${url}/health/live`)).status).toBe(404);
      expect((await call(`${url}/api/orders`)).json()).toEqual({ orders: ORDERS, limitType: 'undefined' });
    });

    it.each([[['health', 'health/*path']], [['health{/*path}']]])(
      'leaves every health route, HEAD and the 405s at /health with exclude %j',
      async (exclude) => {
        const url = await boot({ prepare: (nest) => nest.setGlobalPrefix('api', { exclude }) });
        const live = await call(`${url}/health/live`);
        expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
        const ready = await call(`${url}/health/ready`);
        expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
        expect((await call(`${url}/health/startup`)).status).toBe(200);
        const report = await call(`${url}/health`);
        expect([report.status, report.json().status]).toEqual([200, 'UP']);
        const check = await call(`${url}/health/checks/db`);
        expect([check.status, check.json<{ status: string; data: unknown }>()]).toEqual([200, expect.objectContaining({ status: 'UP', data: { pool: 4 } })]);
        const unknown = await call(`${url}/health/checks/nope`);
        expect([unknown.status, unknown.json()]).toEqual([
          404,
          { statusCode: 404, message: 'No health check named "nope"; known checks: db', error: 'Not Found' },
        ]);
        const head = await call(`${url}/health/ready`, { method: 'HEAD' });
        expect([head.status, head.headers['content-type'], head.body.length]).toEqual([200, 'application/json; charset=utf-8', 0]);
        const post = await call(`${url}/health/checks/db`, { method: 'POST' });
        expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
        for (const prefixed of ['/api/health', '/api/health/live', '/api/health/checks/db'])
          expect([prefixed, (await call(`${url}${prefixed}`)).status]).toEqual([prefixed, 404]);
        expect((await call(`${url}/api/orders`)).json()).toEqual({ orders: ORDERS, limitType: 'undefined' });
        expect((await call(`${url}/orders`)).status).toBe(404);
      },
    );
  });

  it.each([
    ['URI', { type: VersioningType.URI, defaultVersion: '1' }, { path: '/v1/orders', headers: {} }],
    ['header', { type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' }, { path: '/orders', headers: { 'x-api-version': '1' } }],
    ['media-type', { type: VersioningType.MEDIA_TYPE, key: 'v=', defaultVersion: '1' }, { path: '/orders', headers: { accept: 'application/json;v=1' } }],
  ] as [string, VersioningOptions, { path: string; headers: Record<string, string> }][])(
    '%s versioning with a default version leaves the probe paths unchanged',
    async (_name, versioning, mine) => {
      const url = await boot({ prepare: (nest) => nest.enableVersioning(versioning) });
      for (const headers of [{}, { 'x-api-version': '2', accept: 'application/json;v=2' }] as Record<string, string>[]) {
        const live = await call(`${url}/health/live`, { headers });
        expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
        const ready = await call(`${url}/health/ready`, { headers });
        expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
      }
      expect((await call(`${url}/v1/health/live`)).status).toBe(404);
      const own = await call(`${url}${mine.path}`, { headers: mine.headers });
      expect([own.status, own.json()]).toEqual([200, { orders: ORDERS, limitType: 'undefined' }]);
    },
  );

  it('keeps the report contract under a global interceptor that wraps answers in { data }', async () => {
    const url = await boot({ providers: [{ provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor }, SearchIndicator] });
    const live = await call(`${url}/health/live`);
    expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
    const ready = await call(`${url}/health/ready`);
    expect([ready.status, ready.json()]).toEqual([
      503,
      {
        status: 'DOWN',
        details: { db: expect.objectContaining({ status: 'UP' }), search: expect.objectContaining({ status: 'DOWN' }) },
        serviceInfo: expect.any(Object),
      },
    ]);
    const text = await call(`${url}/health/ready`, { headers: { accept: 'text/plain' } });
    expect([text.status, text.headers['content-type'], text.text]).toEqual([
      503,
      'text/plain; charset=utf-8',
      '[+]db ok\n[-]search failed: search cluster is red\nreadiness check failed\n',
    ]);
    const mine = await call(`${url}/orders`);
    expect([mine.status, mine.json()]).toEqual([200, { data: { orders: ORDERS, limitType: 'undefined' } }]);
  });

  it('answers in its own shapes under a global exception filter, which still shapes the errors of the app', async () => {
    const url = await boot({ providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }, SearchIndicator] });
    const live = await call(`${url}/health/live`);
    expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
    const ready = await call(`${url}/health/ready`);
    expect([ready.status, ready.json().status, Object.keys(ready.json().details)]).toEqual([503, 'DOWN', ['db', 'search']]);
    const unknown = await call(`${url}/health/checks/nope`);
    expect([unknown.status, unknown.json()]).toEqual([
      404,
      { statusCode: 404, message: 'No health check named "nope"; known checks: db, search', error: 'Not Found' },
    ]);
    const mine = await call(`${url}/orders/7`);
    expect([mine.status, mine.json()]).toEqual([404, { error: { status: 404, message: 'order 7 not found' } }]);
  });

  it("lets the app's exception filter shape what is thrown before the handler (a guard's 401 on the probes)", async () => {
    const url = await boot({ providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }, guard] });
    const live = await call(`${url}/health/live`);
    expect([live.status, live.json()]).toEqual([401, { error: { status: 401, message: 'login required' } }]);
  });

  it('takes ?exclude from an authorized caller under a global whitelisting ValidationPipe (no 400), and ignores it for anyone else', async () => {
    const url = await boot({
      health: { apiKey: HEALTH_KEY },
      providers: [SearchIndicator],
      prepare: (nest) => {
        nest.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
      },
    });
    const key = { 'x-health-key': HEALTH_KEY };
    const excluded = await call(`${url}/health/ready?exclude=search`, { headers: key });
    expect([excluded.status, excluded.json().status, Object.keys(excluded.json().details)]).toEqual([200, 'UP', ['db']]);
    const repeated = await call(`${url}/health?exclude=search&exclude=db`, { headers: key });
    expect([repeated.status, repeated.json().status, repeated.json().details]).toEqual([200, 'UP', {}]);
    const anonymous = await call(`${url}/health/ready?exclude=search`);
    expect([anonymous.status, anonymous.json()]).toEqual([503, { status: 'DOWN' }]);
    const live = await call(`${url}/health/live?exclude=db&unexpected=1`);
    expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
    const check = await call(`${url}/health/checks/db`, { headers: key });
    expect([check.status, check.json<{ status: string }>().status]).toEqual([200, 'UP']);
    const mine = await call(`${url}/orders?limit=2`);
    expect([mine.status, mine.json()]).toEqual([200, { orders: ORDERS.slice(0, 2), limitType: 'number' }]);
    const rejected = await call(`${url}/orders?limit=2&sort=id`);
    expect([rejected.status, rejected.json()]).toEqual([400, { statusCode: 400, message: ['property sort should not exist'], error: 'Bad Request' }]);
  });

  it(`answers through ${adapter === 'express' ? 'helmet' : '@fastify/helmet'} with its headers, and the status page keeps its own CSP`, async () => {
    const url = await boot({
      prepare: async (nest) => {
        if (adapter === 'express') nest.use(helmet());
        else await (nest as NestFastifyApplication).register(fastifyHelmet);
      },
    });
    const live = await call(`${url}/health/live`);
    expect([live.status, live.json()]).toEqual([200, LIVE_BODY]);
    const ready = await call(`${url}/health/ready`);
    expect([ready.status, ready.json()]).toEqual([200, READY_BODY]);
    for (const answer of [live, ready]) {
      expect(answer.headers).toEqual(
        expect.objectContaining({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'cache-control': 'no-store',
        }),
      );
    }
    const page = await call(`${url}/health/ready`, { headers: { accept: 'text/html' } });
    expect([page.status, page.headers['content-type'], page.headers['content-security-policy']]).toEqual([
      200,
      'text/html; charset=utf-8',
      HTML_CONTENT_SECURITY_POLICY,
    ]);
    expect(page.text).toMatch(/^<!doctype html>/);
    const mine = await call(`${url}/orders`);
    expect([mine.status, mine.headers['x-content-type-options'], mine.json()]).toEqual([200, 'nosniff', { orders: ORDERS, limitType: 'undefined' }]);
  });

  it(`gzips JSON, text and HTML bodies through ${adapter === 'express' ? 'compression' : '@fastify/compress'}; they decode to the same content and type`, async () => {
    const url = await boot({
      providers: [SearchIndicator],
      prepare: async (nest) => {
        // threshold 0: every body is compressed, also the short ones a default threshold (1 KiB) would let through as they are.
        if (adapter === 'express') nest.use(compression({ threshold: 0 }));
        else await (nest as NestFastifyApplication).register(fastifyCompress, { threshold: 0 });
      },
    });
    const gzip = (accept: string) => ({ headers: { 'accept-encoding': 'gzip', accept } });
    const decoded = (answer: Answer) => {
      expect(answer.headers['content-encoding']).toBe('gzip');
      return gunzipSync(answer.body).toString('utf8');
    };

    const live = await call(`${url}/health/live`, gzip('application/json'));
    expect([live.status, live.headers['content-type'], JSON.parse(decoded(live))]).toEqual([200, 'application/json; charset=utf-8', LIVE_BODY]);
    const json = await call(`${url}/health/ready`, gzip('application/json'));
    expect([json.status, json.headers['content-type']]).toEqual([503, 'application/json; charset=utf-8']);
    expect(JSON.parse(decoded(json))).toEqual({
      status: 'DOWN',
      details: { db: expect.objectContaining({ status: 'UP' }), search: expect.objectContaining({ status: 'DOWN', error: 'search cluster is red' }) },
      serviceInfo: expect.any(Object),
    });
    const healthJson = await call(`${url}/health/ready`, gzip('application/health+json'));
    expect([healthJson.headers['content-type'], (JSON.parse(decoded(healthJson)) as { status: string }).status]).toEqual([
      'application/health+json; charset=utf-8',
      'fail',
    ]);
    const text = await call(`${url}/health/ready`, gzip('text/plain'));
    expect([text.status, text.headers['content-type'], decoded(text)]).toEqual([
      503,
      'text/plain; charset=utf-8',
      '[+]db ok\n[-]search failed: search cluster is red\nreadiness check failed\n',
    ]);
    const page = await call(`${url}/health`, gzip('text/html'));
    const html = decoded(page);
    expect([page.status, page.headers['content-type']]).toEqual([503, 'text/html; charset=utf-8']);
    expect(html).toMatch(/^<!doctype html>[\s\S]*search cluster is red[\s\S]*<\/html>\s*$/);
    const head = await call(`${url}/health/ready`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect([head.status, head.body.length]).toEqual([503, 0]);
    const mine = await call(`${url}/orders`, gzip('application/json'));
    expect([mine.status, JSON.parse(decoded(mine))]).toEqual([200, { orders: ORDERS, limitType: 'undefined' }]);
    for (const answer of [live, json, text, page]) expect(String(answer.headers.vary).toLowerCase()).toMatch(/accept-encoding/);
  });

  describe('CORS (app.enableCors())', () => {
    const origin = 'https://dashboard.example';

    it('answers preflight and simple requests to the probes with CORS headers', async () => {
      const url = await boot({ prepare: (nest) => nest.enableCors() });
      for (const path of ['/health/live', '/health/ready']) {
        const preflight = await call(`${url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
        expect([path, preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([path, 204, '*']);
        expect(preflight.headers['access-control-allow-methods']).toMatch(/GET/);
      }
      const live = await call(`${url}/health/live`, { headers: { origin } });
      expect([live.status, live.headers['access-control-allow-origin'], live.json()]).toEqual([200, '*', LIVE_BODY]);
      const ready = await call(`${url}/health/ready`, { headers: { origin } });
      expect([ready.status, ready.headers['access-control-allow-origin'], ready.json()]).toEqual([200, '*', READY_BODY]);
      const mine = await call(`${url}/orders`, { headers: { origin } });
      expect([mine.status, mine.headers['access-control-allow-origin'], mine.json()]).toEqual([200, '*', { orders: ORDERS, limitType: 'undefined' }]);
    });

    it('keeps Vary: Origin next to Vary: Accept when the allowed origin depends on the request', async () => {
      const url = await boot({ prepare: (nest) => nest.enableCors({ origin: [origin] }) });
      const ready = await call(`${url}/health/ready`, { headers: { origin } });
      expect([ready.status, ready.headers['access-control-allow-origin'], ready.json()]).toEqual([200, origin, READY_BODY]);
      const vary = String(ready.headers.vary)
        .split(',')
        .map((token) => token.trim().toLowerCase());
      expect(vary).toEqual(expect.arrayContaining(['origin', 'accept']));
      const stranger = await call(`${url}/health/ready`, { headers: { origin: 'https://elsewhere.example' } });
      expect([stranger.status, stranger.headers['access-control-allow-origin']]).toEqual([200, undefined]);
    });
  });

  it("shows the routes under the app's tag with decorators: [ApiTags('ops')] in the OpenAPI document", async () => {
    await boot({ health: { decorators: [ApiTags('ops')] } });
    const document = SwaggerModule.createDocument(app!, new DocumentBuilder().setTitle('compat').setVersion('1').build());
    for (const path of ['/health/live', '/health/ready', '/health/startup', '/health', '/health/checks/{name}']) {
      expect([path, document.paths[path]?.get?.tags]).toEqual([path, ['ops']]);
    }
    const tags = Object.values(document.paths).flatMap((item) => item.get?.tags ?? []);
    expect(tags).not.toContain('Health');
  });
});
