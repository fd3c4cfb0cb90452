import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HealthModule, HealthService } from 'nest-vitals';
import { Registry } from 'prom-client';
import { ADAPTERS, bootstrapError, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { eventually } from './support/report.js';
import { validateOpenApi } from './support/openapi-validator.js';

const KEY = 'group-test-key';

/** Runs the package's probe CLI (`nest-vitals probe <url>`) as a real process; resolves its exit code. */
function probeCli(url: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['libs/health/bin/nest-vitals.js', 'probe', url], { timeout: 10_000 }, (error) => {
      resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0);
    });
  });
}

interface Answer {
  statusCode: number;
  contentType: string;
  text: string;
  json: () => Record<string, unknown>;
}

async function get(
  url: string,
  { accept = 'application/json', key, method = 'GET' }: { accept?: string; key?: string; method?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept };
  if (key) headers['x-health-key'] = key;
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return {
    statusCode: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

describe.each(ADAPTERS)('health groups (%s)', (adapter) => {
  const db = scriptedIndicator('db', { tags: ['payments', 'storage'] });
  const ledger = scriptedIndicator('ledger', { tags: ['payments'], critical: false });
  const cache = scriptedIndicator('cache', { tags: ['edge'] });
  const registry = new Registry();
  const logger = new CapturingLogger();
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startApp(
      {
        imports: [
          HealthModule.forRoot({
            apiKey: KEY,
            metrics: { registry },
            groups: {
              // By tag, details for everyone.
              payments: { include: ['tag:payments'], details: 'always' },
              // By name, minus a tag; module policy (when-authorized) and its own status codes.
              edge: { include: ['cache', 'db', 'ledger'], exclude: ['tag:storage'], httpStatus: { DEGRADED: 207 } },
            },
          }),
        ],
        providers: [db, ledger, cache],
      },
      { adapter, logger },
    ));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves a group selected by tag, in every representation, with HEAD', async () => {
    db.answer = ledger.answer = cache.answer = 'up';
    const json = await get(`${url}/health/groups/payments`);
    expect(json.statusCode).toBe(200);
    expect(json.contentType).toMatch(/^application\/json/);
    const body = json.json();
    expect(body.status).toBe('UP');
    expect(Object.keys(body.details as object)).toEqual(['db', 'ledger']);
    expect(body.serviceInfo).toBeDefined();

    const healthJson = await get(`${url}/health/groups/payments`, { accept: 'application/health+json' });
    expect(healthJson.statusCode).toBe(200);
    expect(healthJson.contentType).toMatch(/^application\/health\+json/);
    expect(healthJson.json()).toMatchObject({ status: 'pass' });
    expect(Object.keys(healthJson.json().checks as object).sort()).toEqual(['db:responseTime', 'db:run', 'ledger:responseTime', 'ledger:run']);

    const text = await get(`${url}/health/groups/payments`, { accept: 'text/plain' });
    expect(text.statusCode).toBe(200);
    expect(text.contentType).toMatch(/^text\/plain/);
    expect(text.text).toContain('[+]db ok');
    expect(text.text).toContain('[+]ledger ok');
    expect(text.text).not.toContain('cache');
    expect(text.text).toContain('group payments check passed');

    const html = await get(`${url}/health/groups/payments`, { accept: 'text/html' });
    expect(html.statusCode).toBe(200);
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.text).toContain('group payments');
    expect(html.text).toContain('ledger');

    const head = await fetch(`${url}/health/groups/payments`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(json.contentType);
    expect(await head.text()).toBe('');

    const post = await get(`${url}/health/groups/payments`, { method: 'POST' });
    expect(post.statusCode).toBe(405);
  });

  it('serves a group selected by name under its own policy, status codes and ?exclude rules', async () => {
    db.answer = ledger.answer = cache.answer = 'up';
    // when-authorized: the status only for an anonymous caller.
    expect((await get(`${url}/health/groups/edge`)).json()).toEqual({ status: 'UP' });
    const authorized = (await get(`${url}/health/groups/edge`, { key: KEY })).json();
    expect(Object.keys(authorized.details as object)).toEqual(['ledger', 'cache']);

    // exclude is honoured only for a caller who may see details.
    const excluded = (await get(`${url}/health/groups/edge?exclude=ledger,nope`, { key: KEY })).json();
    expect(Object.keys(excluded.details as object)).toEqual(['cache']);
    expect(excluded.notes).toEqual(['exclude: no check named "nope"; ignored']);
    cache.answer = 'down';
    expect((await get(`${url}/health/groups/edge?exclude=cache`)).statusCode).toBe(503);

    // A non-critical member DOWN: DEGRADED, answered with the group's own 207.
    cache.answer = 'up';
    ledger.answer = 'down';
    const degraded = await get(`${url}/health/groups/edge`, { key: KEY });
    expect(degraded.statusCode).toBe(207);
    expect(degraded.json().status).toBe('DEGRADED');
    ledger.answer = 'up';
  });

  it('turns DOWN with a critical member, records health_status{probe="group:<name>"} and logs the transition naming the group', async () => {
    db.answer = 'up';
    expect((await get(`${url}/health/groups/payments`)).statusCode).toBe(200);
    db.answer = 'down';
    const down = await get(`${url}/health/groups/payments`);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'DOWN', details: { db: { status: 'DOWN', error: 'scripted failure' } } });
    // The group is not the readiness probe: cache is not in it.
    expect((await get(`${url}/health/groups/edge`)).statusCode).toBe(200);

    const metrics = await registry.metrics();
    expect(metrics).toContain('health_status{probe="group:payments"} 0');
    expect(metrics).toContain('health_status{probe="group:edge"} 1');
    expect(logger.lines.some((line) => line.startsWith('WARN') && line.includes('health probe transition probe=group:payments from=UP to=DOWN'))).toBe(true);
    db.answer = 'up';
    expect((await get(`${url}/health/groups/payments`)).statusCode).toBe(200);
    expect(await registry.metrics()).toContain('health_status{probe="group:payments"} 1');
  });

  it('follows the readiness lifecycle: refused readiness makes the group DOWN, its checks still shown', async () => {
    db.answer = ledger.answer = cache.answer = 'up';
    const health = app.get(HealthService);
    health.setReadiness('refusing', 'maintenance window');
    try {
      const refused = await get(`${url}/health/groups/payments`);
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ status: 'DOWN', reason: 'maintenance window', details: { db: { status: 'UP' } } });
    } finally {
      health.setReadiness('accepting');
    }
    expect((await get(`${url}/health/groups/payments`)).statusCode).toBe(200);
  });

  it('answers an unknown group 404 in JSON, listing the groups only to an authorized caller', async () => {
    const anonymous = await get(`${url}/health/groups/paymnts`, { accept: 'text/html' });
    expect(anonymous.statusCode).toBe(404);
    expect(anonymous.contentType).toMatch(/^application\/json/);
    expect(anonymous.json()).toEqual({ statusCode: 404, message: 'No health group named "paymnts"', error: 'Not Found' });
    const authorized = await get(`${url}/health/groups/paymnts`, { key: KEY });
    expect(authorized.json()).toEqual({ statusCode: 404, message: 'No health group named "paymnts"; known groups: payments, edge', error: 'Not Found' });
  });
});

describe.each(ADAPTERS)('indicators registered at run time (%s)', (adapter) => {
  const registry = new Registry();
  const base = scriptedIndicator('base', { tags: ['tenants'] });
  let app: INestApplication;
  let url: string;
  let health: HealthService;

  beforeAll(async () => {
    ({ app, url } = await startApp(
      {
        imports: [HealthModule.forRoot({ details: 'always', metrics: { registry }, groups: { tenants: { include: ['tag:tenants'] } } })],
        providers: [base],
      },
      { adapter },
    ));
    health = app.get(HealthService);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('takes part in probes, groups by tag, /checks/:name and metrics, and leaves nothing behind when unregistered', async () => {
    let runs = 0;
    const unregister = health.register(
      'tenant-acme',
      ({ indicator }) => {
        runs++;
        return indicator.down({ message: 'acme database unreachable' });
      },
      { tags: ['tenants'], critical: false, probes: ['readiness', 'startup'], refreshIntervalMs: 50 },
    );
    const ready = (await get(`${url}/health/ready`)).json();
    expect(ready).toMatchObject({ status: 'DEGRADED', details: { base: { status: 'UP' }, 'tenant-acme': { status: 'DOWN', critical: false } } });
    expect((await get(`${url}/health/groups/tenants`)).json()).toMatchObject({ details: { 'tenant-acme': { error: 'acme database unreachable' } } });
    const check = await get(`${url}/health/checks/tenant-acme`);
    expect(check.statusCode).toBe(503);
    expect(check.json()).toMatchObject({ status: 'DOWN', error: 'acme database unreachable' });
    expect(await registry.metrics()).toContain('health_check_status{check="tenant-acme",critical="false"} 0');
    // The CLI probes it like any check: its route answers 503, the group's 200 (DEGRADED: the tenant is not critical).
    expect(await probeCli(`${url}/health/checks/tenant-acme`)).toBe(1);
    expect(await probeCli(`${url}/health/groups/tenants`)).toBe(0);
    // Background refresh runs it.
    const before = runs;
    await eventually(
      () => Promise.resolve(runs),
      (count) => count >= before + 2,
    );

    unregister();
    unregister();
    const afterRuns = runs;
    expect((await get(`${url}/health/ready`)).json()).toMatchObject({ status: 'UP' });
    expect(Object.keys((await get(`${url}/health/groups/tenants`)).json().details as object)).toEqual(['base']);
    expect((await get(`${url}/health/checks/tenant-acme`)).statusCode).toBe(404);
    expect(await registry.metrics()).not.toContain('tenant-acme');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toBe(afterRuns);
    expect(await registry.metrics()).not.toContain('tenant-acme');
  });

  it('validates like the decorator: a duplicate name or a bad option throws and registers nothing', () => {
    const check = { check: ({ indicator }: { indicator: { up: () => never } }) => indicator.up() };
    expect(() => health.register('base', check as never)).toThrow(
      /two health indicators are named "base": Scripted_base and HealthService\.register\("base"\)/,
    );
    expect(() => health.register('Bad Name', check as never)).toThrow(/name "Bad Name" is invalid/);
    expect(() => health.register('tenant-x', check as never, { timeoutMs: 0, tags: ['Upper'] })).toThrow(/timeoutMs[\s\S]*tags\[0\]/);
    expect(health.checkNames()).toEqual(['base']);
    const unregister = health.register('tenant-x', check as never);
    expect(() => health.register('tenant-x', check as never)).toThrow(/two health indicators are named "tenant-x"/);
    unregister();
    health.register('tenant-x', check as never)();
  });

  it('never answers 500 while indicators come and go under concurrent probes, and leaves no series behind', async () => {
    const routes = ['/health/ready', '/health', '/health/groups/tenants', '/health/startup', '/health/checks/tenant-0'];
    let stop = false;
    const statuses = new Map<number, number>();
    const probe = async () => {
      let index = 0;
      while (!stop) {
        const response = await fetch(`${url}${routes[index++ % routes.length]}`);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const probes = Array.from({ length: 6 }, () => probe());
    for (let round = 0; round < 40; round++) {
      const unregisters = Array.from({ length: 3 }, (_, index) =>
        health.register(
          `tenant-${index}`,
          async ({ indicator, signal }) => {
            await new Promise((resolve) => setTimeout(resolve, 2 + index));
            signal.throwIfAborted();
            return round % 2 === 0 ? indicator.up({ round }) : indicator.down({ round });
          },
          { tags: ['tenants'], critical: index !== 0, refreshIntervalMs: index === 1 ? 5 : 0 },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const unregister of unregisters) unregister();
    }
    stop = true;
    await Promise.all(probes);
    const codes = [...statuses.keys()].sort();
    expect(codes.every((code) => code === 200 || code === 404 || code === 503)).toBe(true);
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThan(50);
    // Runs still in flight when their indicator went must not bring a series back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await registry.metrics()).not.toMatch(/check="tenant-/);
    expect(health.checkNames()).toEqual(['base']);
  });
});

describe('group configuration errors stop startup', () => {
  const db = scriptedIndicator('db', { tags: ['storage'] });

  it.each([
    [{ payments: { include: ['tag:payments'] } }, '"groups.payments" selects no check (include: tag:payments); a group needs at least one check'],
    [
      { ready: { include: ['db'] } },
      '"groups.ready": the group name "ready" clashes with a health route; choose another name (reserved: live, ready, startup, checks, groups, settings)',
    ],
    [{ groups: { include: ['db'] } }, 'the group name "groups" clashes with a health route'],
    [{ core: { include: ['db', 'dbb'] } }, '"groups.core.include[1]" names the check "dbb", but no check has that name; registered checks: db'],
    [{ core: { include: ['tag:storage'], exclude: ['db'] } }, '"groups.core" selects no check (include: tag:storage; exclude: db)'],
    [{ core: {} }, '"groups.core.include" is required'],
    [{ core: { include: ['tag:Bad'] } }, '"groups.core.include[0]" must be a tag matching'],
  ])('%j', async (groups, message) => {
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ groups: groups as never })], providers: [db] });
    expect(error.message).toContain(message);
  });
});

describe('OpenAPI of the group route', () => {
  const db = scriptedIndicator('db', { tags: ['payments'] });

  async function groupParameter(module: DynamicModule): Promise<{ document: OpenAPIObject; parameter: Record<string, unknown> }> {
    const { app } = await startApp({ imports: [module], providers: [db] });
    try {
      const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
      const parameters = (document.paths['/health/groups/{name}'].get?.parameters ?? []) as unknown as Record<string, unknown>[];
      return { document, parameter: parameters.find((candidate) => candidate.name === 'name')! };
    } finally {
      await app.close();
    }
  }

  it('lists the group names of forRoot as an enum, in a valid document', async () => {
    const { document, parameter } = await groupParameter(
      HealthModule.forRoot({ groups: { payments: { include: ['tag:payments'] }, core: { include: ['db'] } } }),
    );
    expect(parameter).toMatchObject({ in: 'path', required: true, schema: { type: 'string', enum: ['payments', 'core'] } });
    const get = document.paths['/health/groups/{name}'].get!;
    expect(Object.keys(get.responses).sort()).toEqual(['200', '404', '503']);
    expect(get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'exclude', in: 'query' })]));
    await expect(validateOpenApi(document)).resolves.toEqual({ valid: true });
  });

  it('documents a plain string under forRootAsync, saying why the names are not listed', async () => {
    const { parameter } = await groupParameter(HealthModule.forRootAsync({ useFactory: () => ({ groups: { payments: { include: ['db'] } } }) }));
    expect(parameter).toMatchObject({ in: 'path', required: true, schema: { type: 'string' } });
    expect((parameter.schema as Record<string, unknown>).enum).toBeUndefined();
    expect(parameter.description).toContain('forRootAsync');
  });
});
