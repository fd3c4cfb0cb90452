import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Controller,
  Get,
  HttpException,
  Param,
  Post,
  Version,
  VersioningType,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { execFile } from 'node:child_process';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { DependsOn, HealthModule } from 'nest-vitals';
import { Registry } from 'prom-client';
import { ADAPTERS, bootstrapError, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { eventually } from './support/report.js';

const KEY = 'route-aware-key';

interface Endpoint {
  method: string;
  path: string;
  failFast: boolean;
}
type Json = Record<string, unknown>;
interface Report {
  details: Record<string, { routes?: Endpoint[] }>;
}
interface HealthJson {
  checks: Record<string, { affectedEndpoints?: string[] }[]>;
}
interface Operation {
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content: Record<string, { schema: unknown }> }>;
}
const REFRESH_MS = 200;

/** Marks every HttpException answer, so a test can tell the app's own filter answered. */
@Catch(HttpException)
class MarkingFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(exception: HttpException, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'X-App-Filter', 'yes');
    adapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}

function makeControllers() {
  const calls = { list: 0, create: 0, catalogue: 0 };

  @Controller({ path: 'orders', version: '1' })
  @DependsOn('db')
  class OrdersController {
    @Get()
    list() {
      calls.list++;
      return { orders: [] };
    }

    @Post()
    @DependsOn('payments')
    create() {
      calls.create++;
      return { created: true };
    }

    @Get(':id')
    @Version(['1', '2'])
    one(@Param('id') id: string) {
      return { id };
    }
  }

  @Controller({ path: 'catalogue', version: ['1', '2'] })
  class CatalogueController {
    @Get()
    list() {
      calls.catalogue++;
      return { items: [] };
    }
  }
  return { calls, OrdersController, CatalogueController };
}

async function get(url: string, { key, method = 'GET', accept = 'application/json' }: { key?: string; method?: string; accept?: string } = {}) {
  const headers: Record<string, string> = { accept };
  if (key) headers['x-health-key'] = key;
  const started = performance.now();
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    elapsedMs: performance.now() - started,
    json: <T = Json>() => JSON.parse(text) as T,
  };
}

/** `nest-vitals routes ...` as a real process. */
function routesCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['libs/health/bin/nest-vitals.js', 'routes', ...args],
      { timeout: 10_000, env: { ...process.env, HEALTH_API_KEY: '' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe.each(ADAPTERS)('route-aware health (%s)', (adapter) => {
  const db = scriptedIndicator('db', { refreshIntervalMs: REFRESH_MS });
  const payments = scriptedIndicator('payments', { probes: [], refreshIntervalMs: REFRESH_MS });
  const { calls, OrdersController, CatalogueController } = makeControllers();
  const registry = new Registry();
  const logger = new CapturingLogger();
  let app: INestApplication;
  let url: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, url } = await startApp(
      {
        imports: [HealthModule.forRoot({ apiKey: KEY, metrics: { registry }, dependsOn: { failFast: true } })],
        controllers: [OrdersController, CatalogueController],
        providers: [db, payments],
      },
      {
        adapter,
        logger,
        prepare: (created) => {
          created.setGlobalPrefix('api', { exclude: ['health', 'health/(.*)'] });
          created.enableVersioning({ type: VersioningType.URI });
          created.useGlobalFilters(new MarkingFilter(created.get(HttpAdapterHost)));
          document = SwaggerModule.createDocument(created, new DocumentBuilder().build());
        },
      },
    ));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('maps each check to the served paths of its routes, only for callers who may see details', async () => {
    const report = (await get(`${url}/health`, { key: KEY })).json<Report>();
    expect(report.details.db.routes).toEqual([
      { method: 'GET', path: '/api/v1/orders', failFast: true },
      { method: 'POST', path: '/api/v1/orders', failFast: true },
      { method: 'GET', path: '/api/v1/orders/:id', failFast: true },
      { method: 'GET', path: '/api/v2/orders/:id', failFast: true },
    ]);
    // Each listed path is served.
    expect((await get(`${url}/api/v1/orders/7`)).json()).toEqual({ id: '7' });
    expect((await get(`${url}/api/v2/orders/7`)).status).toBe(200);
    expect(report.details.payments.routes).toEqual([{ method: 'POST', path: '/api/v1/orders', failFast: true }]);

    const healthJson = (await get(`${url}/health`, { key: KEY, accept: 'application/health+json' })).json<HealthJson>();
    expect(healthJson.checks['payments:responseTime'][0].affectedEndpoints).toEqual(['/api/v1/orders']);
    expect(healthJson.checks['db:responseTime'][0].affectedEndpoints).toEqual(['/api/v1/orders', '/api/v1/orders/:id', '/api/v2/orders/:id']);

    const html = (await get(`${url}/health`, { key: KEY, accept: 'text/html' })).text;
    expect(html).toContain('<code>POST /api/v1/orders</code>');

    const check = (await get(`${url}/health/checks/payments`, { key: KEY })).json();
    expect(check.routes).toEqual([{ method: 'POST', path: '/api/v1/orders', failFast: true }]);

    // Without details: the status only, no map.
    expect((await get(`${url}/health`)).json()).toEqual({ status: 'UP' });
    expect((await get(`${url}/health`, { accept: 'application/health+json' })).json()).toEqual({ status: 'pass' });
  });

  it('fails fast while a route-scoped check is DOWN: 503 with Retry-After through the app filter, no handler run, readiness stays UP', async () => {
    payments.answer = 'down';
    await eventually(
      () => get(`${url}/api/v1/orders`, { method: 'POST' }),
      (answer) => answer.status === 503,
    );
    const before = { ...calls };
    const rejected = await get(`${url}/api/v1/orders`, { method: 'POST' });
    expect(rejected.status).toBe(503);
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.headers.get('x-app-filter')).toBe('yes');
    expect(rejected.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'POST /api/v1/orders depends on "payments", which is DOWN; retry after 1 s',
      check: 'payments',
      retryAfterSeconds: 1,
    });
    expect(calls.create).toBe(before.create);

    // The pod stays in service: readiness (payments is in no probe), the other routes.
    expect((await get(`${url}/health/ready`)).status).toBe(200);
    expect((await get(`${url}/api/v1/orders`)).status).toBe(200);
    expect((await get(`${url}/api/v2/catalogue`)).status).toBe(200);
    expect(calls.list).toBe(before.list + 1);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/health_route_rejections_total\{check="payments",method="POST",route="\/api\/v1\/orders"\} [1-9]/);
    expect(logger.lines.some((line) => line.includes('health routes failing fast check=payments to=DOWN routes="POST /api/v1/orders"'))).toBe(true);

    payments.answer = 'up';
    const runsBefore = payments.runs;
    await eventually(
      () => get(`${url}/api/v1/orders`, { method: 'POST' }),
      (answer) => answer.status === 201,
      5000,
      20,
    );
    // Back with the first passing run of the check, i.e. within one refresh (counted in runs, which a loaded machine
    // cannot stretch; a second may start while the poll is on its way).
    expect(payments.runs - runsBefore).toBeLessThanOrEqual(2);
    expect(logger.lines.some((line) => line.includes('health routes no longer failing fast check=payments to=UP'))).toBe(true);
  });

  it('a check in a probe gates its routes and the class list adds to the method list', async () => {
    db.answer = 'down';
    await eventually(
      () => get(`${url}/api/v1/orders`),
      (answer) => answer.status === 503,
    );
    expect((await get(`${url}/api/v1/orders`, { method: 'POST' })).json().check).toBe('db');
    expect((await get(`${url}/api/v2/orders/7`)).status).toBe(503);
    expect((await get(`${url}/api/v1/catalogue`)).status).toBe(200);
    db.answer = 'up';
    await eventually(
      () => get(`${url}/api/v1/orders`),
      (answer) => answer.status === 200,
    );
  });

  it('prints the map with nest-vitals routes, only with a key', async () => {
    const printed = await routesCli(`${url}/health`, '--key', KEY);
    expect(printed).toEqual({
      code: 0,
      stdout: 'db UP\n  GET /api/v1/orders\n  POST /api/v1/orders\n  GET /api/v1/orders/:id\n  GET /api/v2/orders/:id\npayments UP\n  POST /api/v1/orders\n',
      stderr: '',
    });
    const anonymous = await routesCli(`${url}/health`);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toBe('nest-vitals routes: the report shows no details to this caller; pass --key <key> (or set HEALTH_API_KEY)\n');
    const usage = await routesCli();
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing <url>');
    expect((await routesCli(`${url}/api/v2/catalogue`, '--key', KEY)).stderr).toContain('is not a health report');
  });

  it('adds nothing app-wide: no global guard, no guard on undecorated controllers, one guard per decorated route', () => {
    const config = app.get(ApplicationConfig);
    expect(config.getGlobalGuards()).toEqual([]);
    expect(config.getGlobalInterceptors()).toEqual([]);
    expect(Reflect.getMetadata(GUARDS_METADATA, CatalogueController)).toBeUndefined();
    expect(Reflect.getMetadata(GUARDS_METADATA, Object.getOwnPropertyDescriptor(CatalogueController.prototype, 'list')!.value as object)).toBeUndefined();
    expect(Reflect.getMetadata(GUARDS_METADATA, OrdersController)).toHaveLength(1);
    expect(Reflect.getMetadata(GUARDS_METADATA, Object.getOwnPropertyDescriptor(OrdersController.prototype, 'create')!.value as object)).toEqual([]);
  });

  it('documents the 503 with its DTO and Retry-After on exactly the decorated routes', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Partial<Operation>>).map(([method, operation]) => ({ path, method, operation })),
    );
    const with503 = operations
      .filter(({ path, operation }) => !path.includes('health') && operation.responses?.['503'])
      .map(({ path, method }) => `${method} ${path}`);
    expect(with503.sort()).toEqual(['get /api/v1/orders', 'get /api/v1/orders/{id}', 'get /api/v2/orders/{id}', 'post /api/v1/orders']);
    const create = (document.paths['/api/v1/orders'] as Record<string, Operation>).post;
    expect(create.responses['201']).toBeDefined();
    expect(create.responses['503'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DependencyUnavailableDto' });
    expect(create.responses['503'].headers?.['Retry-After']).toBeDefined();
    expect(create.responses['503'].description).toContain('db, payments');
    expect(document.components?.schemas?.DependencyUnavailableDto).toBeDefined();
  });
});

describe('@DependsOn() naming what the app does not have', () => {
  it('stops startup, listing the known checks and groups', async () => {
    const db = scriptedIndicator('db');
    @Controller('pay')
    class PayController {
      @Get()
      @DependsOn('paymnts')
      pay() {
        return 'ok';
      }

      @Get('group')
      @DependsOn('group:nope')
      group() {
        return 'ok';
      }
    }
    const error = await bootstrapError({
      imports: [HealthModule.forRoot({ groups: { storage: { include: ['db'] } } })],
      controllers: [PayController],
      providers: [db],
    });
    expect(error.name).toBe('RouteDependencyError');
    expect(error.message).toContain('PayController.pay: @DependsOn("paymnts") names no registered check; known checks: db; known groups: group:storage');
    expect(error.message).toContain('PayController.group: @DependsOn("group:nope") names no configured group; known groups: storage');
  });

  it('refuses malformed arguments where the decorator is written', () => {
    expect(() => DependsOn('')).toThrow('argument 1 must be a check name');
    expect(() => DependsOn('db', { failfast: true } as never)).toThrow('unknown option "failfast"');
  });
});
