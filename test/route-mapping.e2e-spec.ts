import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Post, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ExpressAdapter } from '@nestjs/platform-express';
import { HealthModule } from 'nest-vitals';
import { ADAPTERS, httpServer, startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import type { AddressInfo } from 'node:net';

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A logger that keeps what Nest's router logs: one "Mapped {path, METHOD} route" line per route it registers. */
function routerLog(): { logger: LoggerService; mapped: string[] } {
  const mapped: string[] = [];
  const keep = (message: unknown, context?: unknown) => {
    if (context === 'RouterExplorer' && typeof message === 'string') mapped.push(message);
  };
  return { logger: { log: keep, error: () => undefined, warn: keep, debug: () => undefined, verbose: () => undefined }, mapped };
}

/** The app's own route below the health path, declared after the module: the refusals must leave it alone. */
@Controller('health')
class OwnHealthRoutes {
  @Post('reset')
  reset() {
    return { reset: true };
  }
}

async function send(url: string, method: string, path: string): Promise<{ status: number; allow: string | null; body: string }> {
  const response = await fetch(`${url}${path}`, { method });
  return { status: response.status, allow: response.headers.get('allow'), body: await response.text() };
}

describe.each(ADAPTERS)('the health routes as Nest maps them, on %s', (adapter) => {
  it('logs one "Mapped" line per route and method the table answers, and the 405s in a few, not one per route and method', async () => {
    const { logger, mapped } = routerLog();
    const started = await startApp({ imports: [HealthModule.forRoot()] }, { adapter, logger });
    apps.push(started.app);
    const health = mapped.filter((line) => line.startsWith('Mapped {/health'));
    const served = health.filter((line) => !/ALL\}|\{\/health, (POST|PUT|PATCH|DELETE)\}/.test(line));
    // 7 GET routes and the simulation route's PUT and DELETE.
    expect(served).toHaveLength(9);
    expect(health.length - served.length).toBe(adapter === 'express' ? 2 : 5);
    // Nothing warned about a path Nest had to convert.
    expect(mapped.filter((line) => !line.startsWith('Mapped'))).toEqual([]);
  });

  it('answers 405 with Allow on every route a method is refused at, and leaves everything else to the app', async () => {
    const DatabaseCheck = scriptedIndicator('database');
    const started = await startApp(
      { imports: [HealthModule.forRoot({ apiKey: 'k' })], controllers: [OwnHealthRoutes], providers: [DatabaseCheck] },
      { adapter },
    );
    apps.push(started.app);
    const cases: [string, string, number, string | null][] = [
      ['POST', '/health/live', 405, 'GET, HEAD'],
      ['PATCH', '/health/ready', 405, 'GET, HEAD'],
      ['DELETE', '/health', 405, 'GET, HEAD'],
      ['PUT', '/health/checks/database', 405, 'GET, HEAD'],
      ['POST', '/health/groups/edge', 405, 'GET, HEAD'],
      ['GET', '/health/checks/database/simulation', 405, 'PUT, DELETE'],
      ['POST', '/health/checks/database/simulation', 405, 'PUT, DELETE'],
      // The app's own route below the health path, and paths that are no health route: the app's answers.
      ['POST', '/health/reset', 201, null],
      ['POST', '/health/READY', 404, null],
      ['GET', '/health/nope', 404, null],
      ['POST', '/health/ready/more', 404, null],
      ['OPTIONS', '/health/ready', 404, null],
      ['POST', '/healthz', 404, null],
    ];
    const answers = await Promise.all(cases.map(async ([method, path]) => send(started.url, method, path)));
    expect(answers.map(({ status, allow }, index) => [cases[index][0], cases[index][1], status, allow])).toEqual(cases);
    expect(JSON.parse(answers[0].body)).toEqual({
      statusCode: 405,
      message: 'POST is not allowed on the health routes; use GET or HEAD',
      error: 'Method Not Allowed',
    });
    // What the app says when no route matched (Nest's 404), not the module's words.
    expect(JSON.parse(answers[9].body)).toEqual({ statusCode: 404, message: 'Cannot GET /health/nope', error: 'Not Found' });
    expect(JSON.parse(answers[7].body)).toEqual({ reset: true });
  });

  it('refuses under a global prefix and a nested path, and in an app made from a testing module (adapter known only then)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HealthModule.forRoot({ path: 'ops/health' })] }).compile();
    const app = moduleRef.createNestApplication(adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
    app.setGlobalPrefix('api');
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(httpServer(app).address() as AddressInfo).port}`;
    const answers = await Promise.all(
      [
        ['GET', '/api/ops/health/live'],
        ['POST', '/api/ops/health/live'],
        ['DELETE', '/api/ops/health'],
        ['POST', '/ops/health/live'],
      ].map(([method, path]) => send(url, method, path)),
    );
    expect(answers.map(({ status, allow }) => [status, allow])).toEqual([
      [200, null],
      [405, 'GET, HEAD'],
      [405, 'GET, HEAD'],
      [404, null],
    ]);
  });
});
