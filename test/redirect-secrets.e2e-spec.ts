import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthModule, type HealthModuleOptions } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';

/** A peer that records the headers of every request and answers with `answer`. */
async function peer(answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', headers: request.headers });
    const { status, headers = {}, body = '' } = answer(request.url ?? '');
    response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { seen, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const servers: Server[] = [];
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const REPORT = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"UP"}' };
/** Every header a configured secret travels in. */
const SECRET_HEADERS = ['authorization', 'x-health-key', 'x-api-token', 'x-api-key'];

async function checksOf(options: HealthModuleOptions): Promise<Record<string, { status: string; error?: string; data?: Record<string, unknown> }>> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', ...options })] });
  app = started.app;
  const response = await fetch(`${started.url}/health`);
  return ((await response.json()) as { details: Record<string, { status: string; error?: string; data?: Record<string, unknown> }> }).details;
}

describe('redirects keep secrets with their origin (http and remote)', () => {
  it('a 307 to another origin is followed without any configured header, key or credential; the data shows where it led', async () => {
    const elsewhere = await peer(() => REPORT);
    const origin = await peer((path) => (path.startsWith('/moved') ? REPORT : { status: 307, headers: { location: `${elsewhere.origin}/health?from=a` } }));
    const host = origin.origin.replace('http://', '');
    const checks = await checksOf({
      http: { payments: { url: `http://user:hunter2@${host}/health`, headers: { 'x-api-token': 'tok-123' } } },
      remote: { inventory: { url: `http://svc:hunter3@${host}/health`, apiKey: 'key-456', headers: { 'x-api-key': 'key-789' }, critical: true } },
    });
    // The configured origin got every secret; the other origin got none of them.
    expect(origin.seen).toHaveLength(2);
    for (const request of origin.seen) expect(request.headers.authorization).toMatch(/^Basic /);
    expect(origin.seen.map((request) => request.headers['x-api-token'] ?? request.headers['x-health-key'])).toEqual(
      expect.arrayContaining(['tok-123', 'key-456']),
    );
    expect(elsewhere.seen).toHaveLength(2);
    for (const request of elsewhere.seen) {
      expect(SECRET_HEADERS.filter((name) => request.headers[name] !== undefined)).toEqual([]);
      expect(JSON.stringify(request.headers)).not.toMatch(/hunter|tok-123|key-456|key-789/);
    }
    // Both checks followed and report where they ended up.
    expect(checks.payments).toMatchObject({ status: 'UP', data: { statusCode: 200, redirects: 1, redirectedTo: `${elsewhere.origin}/health?from=a` } });
    expect(checks.inventory).toMatchObject({ status: 'UP', data: { statusCode: 200, redirects: 1, redirectedTo: `${elsewhere.origin}/health?from=a` } });
  });

  it('a redirect within the origin keeps the configured headers', async () => {
    const origin = await peer((path) => (path === '/moved' ? REPORT : { status: 308, headers: { location: '/moved' } }));
    const checks = await checksOf({ http: { payments: { url: `${origin.origin}/health`, headers: { 'x-api-token': 'tok-123' } } } });
    expect(origin.seen.map((request) => [request.path, request.headers['x-api-token']])).toEqual([
      ['/health', 'tok-123'],
      ['/moved', 'tok-123'],
    ]);
    expect(checks.payments).toMatchObject({ status: 'UP', data: { redirects: 1, redirectedTo: `${origin.origin}/moved` } });
  });

  it("redirect: 'same-origin' does not follow to another origin (DOWN, naming where); 'manual' checks the redirect itself", async () => {
    const elsewhere = await peer(() => REPORT);
    const origin = await peer(() => ({ status: 307, headers: { location: `${elsewhere.origin}/health` } }));
    const checks = await checksOf({
      http: {
        strict: { url: `${origin.origin}/health`, headers: { 'x-api-token': 'tok-123' }, redirect: 'same-origin' },
        manual: { url: `${origin.origin}/health`, redirect: 'manual', expectedStatus: 307 },
      },
      remote: { inventory: { url: `${origin.origin}/health`, apiKey: 'key-456', redirect: 'same-origin', critical: false } },
    });
    expect(elsewhere.seen).toHaveLength(0);
    const refused = `redirected to ${elsewhere.origin}/health, another origin; not followed (redirect: 'same-origin')`;
    expect(checks.strict).toMatchObject({
      status: 'DOWN',
      error: expect.stringContaining(refused),
      data: { statusCode: 307, location: `${elsewhere.origin}/health` },
    });
    expect(checks.inventory).toMatchObject({ status: 'DOWN', error: expect.stringContaining(refused) });
    expect(checks.manual).toMatchObject({ status: 'UP', data: { statusCode: 307 } });
  });

  it('a redirect loop stops after 5 hops', async () => {
    const origin = await peer(() => ({ status: 302, headers: { location: '/again' } }));
    const checks = await checksOf({ http: { loop: { url: `${origin.origin}/health` } } });
    expect(origin.seen).toHaveLength(6);
    expect(checks.loop).toMatchObject({ status: 'DOWN', error: expect.stringContaining('more than 5 redirects') });
  });

  it('an unknown redirect value stops startup naming the option and the accepted values', async () => {
    const error = await bootstrapError({
      imports: [HealthModule.forRoot({ http: { payments: { url: 'http://127.0.0.1:9/x', redirect: 'always' as never } } })],
    });
    expect(error.message).toContain('"http.payments.redirect" must be one of "follow", "same-origin", "manual"; got "always"');
  });
});
