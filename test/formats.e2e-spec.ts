import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
import { ADAPTERS, startApp, type AdapterName } from './support/http-app.js';

const KEY = 'formats-key';
const authorized = { 'X-Health-Key': KEY };

@HealthIndicator('database')
class DatabaseIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('database').up({ driver: 'postgres', responseTimeMs: 2 });
  }
}

@HealthIndicator('redis', { critical: false })
class RedisIndicator {
  check(): never {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
  }
}

@HealthIndicator('evil', { critical: false })
class EvilIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('evil').degraded({ message: '<script>alert("pwned")</script><img src=x onerror=alert(1)>' });
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(adapter: AdapterName): Promise<string> {
  const started = await startApp(
    {
      imports: [HealthModule.forRoot({ apiKey: KEY, service: { name: 'orders', version: '1.4.2', environment: 'test' } })],
      providers: [DatabaseIndicator, RedisIndicator, EvilIndicator],
    },
    { adapter },
  );
  app = started.app;
  return started.url;
}

async function get(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    headers: response.headers,
    text: await response.text(),
  };
}

describe.each(ADAPTERS)('representations on %s', (adapter) => {
  it.each([
    [undefined, 'application/json; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/xml', 'application/json; charset=utf-8'],
    ['application/health+json', 'application/health+json; charset=utf-8'],
    ['text/html', 'text/html; charset=utf-8'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html; charset=utf-8'],
    ['text/plain', 'text/plain; charset=utf-8'],
  ])('Accept: %s → %s, with Vary: Accept', async (accept, contentType) => {
    const url = await start(adapter);
    for (const route of ['/health', '/health/ready', '/health/live', '/health/checks/database']) {
      const response = await get(`${url}${route}`, accept ? { ...authorized, Accept: accept } : authorized);
      expect({ route, contentType: response.contentType }).toEqual({ route, contentType });
      expect(response.vary).toMatch(/\bAccept\b/i);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('application/json is the report', async () => {
    const url = await start(adapter);
    const response = await get(`${url}/health`, authorized);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 'DEGRADED',
      details: { database: { status: 'UP' }, redis: { status: 'DOWN', error: 'connect ECONNREFUSED 127.0.0.1:6390' }, evil: { status: 'DEGRADED' } },
      serviceInfo: { name: 'orders', version: '1.4.2', environment: 'test' },
    });
  });

  it('application/health+json follows draft-inadarei-api-health-check', async () => {
    const url = await start(adapter);
    const response = await get(`${url}/health/ready`, { ...authorized, Accept: 'application/health+json' });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text) as Record<string, unknown> & { checks: Record<string, Record<string, unknown>[]> };
    expect(body).toMatchObject({ status: 'warn', version: '1', releaseId: '1.4.2', serviceId: 'orders', description: 'readiness of orders (test)' });
    expect(body.output).toContain('redis: connect ECONNREFUSED');
    expect(body.checks['database:responseTime']).toEqual([
      { componentType: 'datastore', observedValue: 2, observedUnit: 'ms', status: 'pass', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
    expect(body.checks['redis:responseTime'][0]).toMatchObject({
      componentType: 'datastore',
      status: 'fail',
      observedUnit: 'ms',
      output: 'connect ECONNREFUSED 127.0.0.1:6390',
    });
    expect(body.checks['evil:responseTime'][0]).toMatchObject({ componentType: 'component', status: 'warn' });
    for (const [key, entries] of Object.entries(body.checks)) {
      expect(key).toMatch(/^[a-z0-9-_.]+:[A-Za-z]+$/);
      expect(Array.isArray(entries)).toBe(true);
    }

    const anonymous = await get(`${url}/health/ready`, { Accept: 'application/health+json' });
    expect(anonymous.contentType).toBe('application/health+json; charset=utf-8');
    expect(JSON.parse(anonymous.text)).toEqual({ status: 'warn' });
  });

  it('text/plain is Kubernetes verbose style', async () => {
    const url = await start(adapter);
    const response = await get(`${url}/health/ready`, { ...authorized, Accept: 'text/plain' });
    expect(response.text.split('\n')).toEqual([
      '[+]database ok',
      '[+]evil degraded: <script>alert("pwned")</script><img src=x onerror=alert(1)> (non-critical)',
      '[-]redis failed: connect ECONNREFUSED 127.0.0.1:6390 (non-critical)',
      'readiness check passed',
      '',
    ]);
    expect((await get(`${url}/health/ready`, { Accept: 'text/plain' })).text).toBe('readiness check passed\n');
    expect((await get(`${url}/health/live`, { Accept: 'text/plain' })).text).toBe('liveness check passed\n');
  });

  it('text/html is a self-contained status page with one row per check, escaping check output', async () => {
    const url = await start(adapter);
    const response = await get(`${url}/health`, { ...authorized, Accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = response.text;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<header class="banner s-degraded" role="status">');
    expect([...html.matchAll(/<tr class="s-[a-z-]+" data-check="([^"]+)">/g)].map((match) => match[1]).sort()).toEqual(['database', 'evil', 'redis']);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img|<link|src="http/i);
    expect(html).toContain('<meta http-equiv="refresh"');
    expect(html).toContain('<dt>Service</dt><dd>orders</dd>');

    const anonymous = await get(`${url}/health`, { Accept: 'text/html' });
    expect(anonymous.text).toContain('<span class="status">DEGRADED</span>');
    expect(anonymous.text).not.toContain('<table');
    expect(anonymous.text).not.toContain('ECONNREFUSED');
  });

  it('one check in each representation', async () => {
    const url = await start(adapter);
    expect(JSON.parse((await get(`${url}/health/checks/redis`, authorized)).text)).toMatchObject({ status: 'DOWN', critical: false });
    expect((await get(`${url}/health/checks/redis`, { ...authorized, Accept: 'text/plain' })).text).toBe(
      '[-]redis failed: connect ECONNREFUSED 127.0.0.1:6390 (non-critical)\nredis check failed\n',
    );
    expect(JSON.parse((await get(`${url}/health/checks/redis`, { ...authorized, Accept: 'application/health+json' })).text)).toMatchObject({
      status: 'fail',
      checks: { 'redis:responseTime': [expect.objectContaining({ status: 'fail' })] },
    });
    expect((await get(`${url}/health/checks/redis`, { ...authorized, Accept: 'text/html' })).text).toContain('data-check="redis"');
  });
});
