import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Injectable,
  SetMetadata,
  VersioningType,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type VersioningOptions,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { HealthIndicator, HealthIndicatorService, HealthModule, type HealthModuleOptions } from 'nest-vitals';
import { ADAPTERS, bootstrapError, startApp, type AdapterName } from './support/http-app.js';
import { rawRequest } from './support/raw-http.js';

const KEY = 'ops-key-0123456789';
const OTHER_KEY = 'second-key';

@HealthIndicator('alpha')
class AlphaIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('alpha').up({ connections: 3 });
  }
}

@HealthIndicator('broken')
class BrokenIndicator {
  check(): never {
    throw new Error('broken dependency answered 500');
  }
}

@HealthIndicator('optional', { critical: false })
class OptionalIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('optional').down({ message: 'optional is unreachable' });
  }
}

/** A global guard that lets only controllers marked public through, as an app's auth guard would. */
const PUBLIC = 'test:public';
@Injectable()
class PublicOnlyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    return this.reflector.get<boolean>(PUBLIC, context.getClass()) === true;
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(adapter: AdapterName, options: HealthModuleOptions, providers: unknown[] = [AlphaIndicator, BrokenIndicator]) {
  const started = await startApp({ imports: [HealthModule.forRoot(options)], providers: providers as never[] }, { adapter });
  app = started.app;
  return started.url;
}

type Caller = 'anonymous' | 'header key' | 'bearer key' | 'wrong key' | 'wrong bearer';
const CALLERS: Record<Caller, Record<string, string>> = {
  anonymous: {},
  'header key': { 'X-Health-Key': KEY },
  'bearer key': { Authorization: `Bearer ${KEY}` },
  'wrong key': { 'X-Health-Key': `${KEY}x` },
  'wrong bearer': { Authorization: 'Bearer nope' },
};
const authorizedCallers = new Set<Caller>(['header key', 'bearer key']);

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe.each(ADAPTERS)('exposure on %s', (adapter) => {
  describe.each(['never', 'when-authorized', 'always'] as const)('details: %s', (policy) => {
    it.each(Object.keys(CALLERS) as Caller[])('%s caller', async (caller) => {
      const url = await start(adapter, { details: policy, apiKey: KEY });
      const headers = CALLERS[caller];
      const showsDetails = policy === 'always' || (policy === 'when-authorized' && authorizedCallers.has(caller));

      for (const route of ['/health/ready', '/health']) {
        const response = await get(`${url}${route}`, headers);
        // Same code for everyone: a kubelet sends no key and must still see 503.
        expect(response.status).toBe(503);
        if (showsDetails) {
          expect(response.body).toMatchObject({
            status: 'DOWN',
            details: { alpha: { status: 'UP' }, broken: { status: 'DOWN', error: 'broken dependency answered 500' } },
          });
          expect(response.body).toHaveProperty('serviceInfo');
        } else {
          expect(response.body).toEqual({ status: 'DOWN' });
          expect(response.text).not.toContain('broken dependency');
        }
      }

      const live = await get(`${url}/health/live`, headers);
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'UP' });

      const check = await get(`${url}/health/checks/broken`, headers);
      if (policy === 'always') {
        expect(check.status).toBe(503);
        expect(check.body).toMatchObject({ status: 'DOWN', critical: true, error: 'broken dependency answered 500' });
      } else if (authorizedCallers.has(caller)) {
        expect(check.status).toBe(503);
        expect(check.body).toEqual(policy === 'never' ? { status: 'DOWN' } : expect.objectContaining({ error: 'broken dependency answered 500' }));
      } else {
        expect(check.status).toBe(401);
        expect(check.headers.get('www-authenticate')).toBe('Bearer realm="health"');
        expect(check.body).toEqual({ statusCode: 401, message: expect.stringContaining('authorization'), error: 'Unauthorized' });
      }
    });
  });

  it('defaults to when-authorized, and without a key or authorize nobody sees details', async () => {
    const url = await start(adapter, {});
    expect((await get(`${url}/health/ready`)).body).toEqual({ status: 'DOWN' });
    expect((await get(`${url}/health/ready`, { 'X-Health-Key': 'anything' })).body).toEqual({ status: 'DOWN' });
    expect((await get(`${url}/health/checks/alpha`)).status).toBe(401);
  });

  it('does not tell an unauthorized caller which checks exist', async () => {
    const url = await start(adapter, { apiKey: KEY });
    const unknown = await get(`${url}/health/checks/nope`);
    expect(unknown.status).toBe(401);
    expect(unknown.text).not.toContain('alpha');
    const authorized = await get(`${url}/health/checks/nope`, { 'X-Health-Key': KEY });
    expect(authorized.status).toBe(404);
    expect(authorized.body).toMatchObject({ statusCode: 404, message: expect.stringMatching(/known checks: (alpha, broken|broken, alpha)$/) });
  });

  it('accepts any key of a list', async () => {
    const url = await start(adapter, { apiKey: [KEY, OTHER_KEY] });
    for (const key of [KEY, OTHER_KEY]) {
      expect((await get(`${url}/health/ready`, { 'X-Health-Key': key })).body).toHaveProperty('details');
      expect((await get(`${url}/health/ready`, { Authorization: `Bearer ${key}` })).body).toHaveProperty('details');
    }
    expect((await get(`${url}/health/ready`, { 'X-Health-Key': 'third' })).body).toEqual({ status: 'DOWN' });
  });

  it('asks authorize(request) with the platform request, sync or async, and treats a throw as unauthorized', async () => {
    const seen: string[] = [];
    const url = await start(adapter, {
      authorize: async (request) => {
        const role = (request as { headers: Record<string, string | undefined> }).headers['x-role'];
        seen.push(String(role));
        if (role === 'explode') throw new Error('authorization backend down at postgres://a:b@c/d');
        await new Promise((resolve) => setTimeout(resolve, 5));
        return role === 'ops';
      },
    });
    expect((await get(`${url}/health/ready`, { 'X-Role': 'ops' })).body).toHaveProperty('details');
    expect((await get(`${url}/health/ready`, { 'X-Role': 'guest' })).body).toEqual({ status: 'DOWN' });
    const exploded = await get(`${url}/health/ready`, { 'X-Role': 'explode' });
    expect(exploded.status).toBe(503);
    expect(exploded.body).toEqual({ status: 'DOWN' });
    expect((await get(`${url}/health/checks/alpha`, { 'X-Role': 'ops' })).status).toBe(200);
    expect((await get(`${url}/health/checks/alpha`, { 'X-Role': 'guest' })).status).toBe(401);
    expect(seen).toEqual(expect.arrayContaining(['ops', 'guest', 'explode']));
  });

  it('lets a route override the policy', async () => {
    const url = await start(adapter, { details: 'never', apiKey: KEY, routes: { report: { details: 'always' }, checks: { details: 'when-authorized' } } });
    expect((await get(`${url}/health`)).body).toHaveProperty('details');
    expect((await get(`${url}/health/ready`, { 'X-Health-Key': KEY })).body).toEqual({ status: 'DOWN' });
    expect((await get(`${url}/health/checks/alpha`, { 'X-Health-Key': KEY })).body).toMatchObject({ status: 'UP', data: { connections: 3 } });
    expect((await get(`${url}/health/checks/alpha`)).status).toBe(401);
  });

  it('answers HEAD on every route with the GET status and headers and no body', async () => {
    const url = await start(adapter, { apiKey: KEY });
    const routes = [
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/health',
      '/health/checks/alpha',
      '/health/checks/broken',
      '/health/checks/nope',
      '/health/ready?exclude=broken',
    ];
    for (const headers of [{}, { 'X-Health-Key': KEY }] as Record<string, string>[]) {
      for (const route of routes) {
        const [getResponse, head] = await Promise.all([rawRequest(`${url}${route}`, 'GET', headers), rawRequest(`${url}${route}`, 'HEAD', headers)]);
        expect({ route, status: head.statusCode }).toEqual({ route, status: getResponse.statusCode });
        expect({ route, bytes: head.rest.length }).toEqual({ route, bytes: 0 });
        expect(getResponse.rest.length).toBeGreaterThan(0);
        expect(head.headers['content-type']).toBe(getResponse.headers['content-type']);
        expect(head.headers['cache-control']).toBe('no-store');
      }
    }
    const html = await rawRequest(`${url}/health`, 'HEAD', { Accept: 'text/html', 'X-Health-Key': KEY });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.rest.length).toBe(0);
  });

  it('leaves out ?exclude checks, repeatable and comma-separated, and notes unknown names', async () => {
    const url = await start(adapter, { apiKey: KEY }, [AlphaIndicator, BrokenIndicator, OptionalIndicator]);
    const key = { 'X-Health-Key': KEY };
    expect((await get(`${url}/health/ready`, key)).status).toBe(503);

    const one = await get(`${url}/health/ready?exclude=broken`, key);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'DEGRADED' });
    expect(Object.keys(one.body!.details as object).sort()).toEqual(['alpha', 'optional']);
    expect(one.body).not.toHaveProperty('notes');

    const repeated = await get(`${url}/health?exclude=broken&exclude=optional`, key);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toMatchObject({ status: 'UP' });
    expect(Object.keys(repeated.body!.details as object)).toEqual(['alpha']);

    const comma = await get(`${url}/health?exclude=broken,optional`, key);
    expect(Object.keys(comma.body!.details as object)).toEqual(['alpha']);

    const unknown = await get(`${url}/health/ready?exclude=broken&exclude=nope`, key);
    expect(unknown.status).toBe(200);
    expect(unknown.body!.notes).toEqual(['exclude: no check named "nope"; ignored']);

    // Only a caller who may see details may exclude (it would tell which check fails): anyone else gets the answer without it.
    const anonymous = await get(`${url}/health/ready?exclude=broken&exclude=nope`);
    expect(anonymous.status).toBe(503);
    expect(anonymous.body).toEqual({ status: 'DOWN' });
    const wrongKey = await get(`${url}/health?exclude=broken`, { 'X-Health-Key': OTHER_KEY });
    expect(wrongKey.status).toBe(503);
    expect(wrongKey.body).toEqual({ status: 'DOWN' });

    const text = await get(`${url}/health/ready?exclude=broken&exclude=nope`, { ...key, Accept: 'text/plain' });
    expect(text.text).toContain('note: exclude: no check named "nope"; ignored');
  });
});

describe.each(ADAPTERS)('routes on %s', (adapter) => {
  it('honours ?exclude from an anonymous caller when details are always shown', async () => {
    const url = await start(adapter, { details: 'always' });
    const response = await get(`${url}/health/ready?exclude=broken`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body!.details as object)).toEqual(['alpha']);
  });

  it('answers other methods 405 with Allow: GET, HEAD on every route', async () => {
    const url = await start(adapter, { apiKey: KEY });
    for (const route of ['/health', '/health/live', '/health/ready', '/health/startup', '/health/checks/alpha']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await fetch(`${url}${route}`, { method, headers: { 'X-Health-Key': KEY } });
        expect({ route, method, status: response.status }).toEqual({ route, method, status: 405 });
        expect(response.headers.get('allow')).toBe('GET, HEAD');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.json()).toEqual({
          statusCode: 405,
          message: `${method} is not allowed on the health routes; use GET or HEAD`,
          error: 'Method Not Allowed',
        });
      }
    }
  });

  it.each([
    ['URI', { type: VersioningType.URI, defaultVersion: '1' }],
    ['header', { type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' }],
    ['media type', { type: VersioningType.MEDIA_TYPE, key: 'v=', defaultVersion: '1' }],
  ] as [string, VersioningOptions][])('keeps its paths under %s versioning (version-neutral)', async (_name, versioning) => {
    const started = await startApp(
      { imports: [HealthModule.forRoot({ details: 'always' })], providers: [AlphaIndicator] },
      { adapter, prepare: (nest) => nest.enableVersioning(versioning) },
    );
    app = started.app;
    expect((await get(`${started.url}/health/ready`)).status).toBe(200);
    expect((await get(`${started.url}/health/ready`, { 'X-API-Version': '2', Accept: 'application/json;v=2' })).status).toBe(200);
    expect((await get(`${started.url}/v1/health/ready`)).status).toBe(404);
  });

  it("applies the app's class decorators to the controller of that import only", async () => {
    const started = await startApp(
      {
        imports: [
          HealthModule.forRoot({ details: 'always', decorators: [SetMetadata(PUBLIC, true)] }),
          HealthModule.forRoot({ path: 'internal/health', details: 'always' }),
        ],
        providers: [AlphaIndicator, { provide: APP_GUARD, useClass: PublicOnlyGuard }],
      },
      { adapter },
    );
    app = started.app;
    expect((await get(`${started.url}/health/ready`)).status).toBe(200);
    expect((await get(`${started.url}/internal/health/ready`)).status).toBe(403);
  });
});

describe('exposure options', () => {
  it('refuses a per-route policy for liveness and bad values, naming the option', async () => {
    const live = await bootstrapError({ imports: [HealthModule.forRoot({ routes: { live: { details: 'always' } } } as never)] });
    expect(live.message).toContain('"routes.live" is not accepted: liveness never shows details; "routes" accepts ready, startup, report, checks');
    const value = await bootstrapError({ imports: [HealthModule.forRoot({ routes: { ready: { details: 'sometimes' } } } as never)] });
    expect(value.message).toContain('"routes.ready.details" must be one of "never", "when-authorized", "always"; got "sometimes"');
    const unknown = await bootstrapError({ imports: [HealthModule.forRoot({ routes: { readiness: {} } } as never)] });
    expect(unknown.message).toContain('unknown option "routes.readiness"; accepted: ready, startup, report, checks');
  });
});
