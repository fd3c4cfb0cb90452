import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthModule } from 'nest-vitals';
import { scriptedIndicator } from './support/indicators.js';
import { allocatePort } from './support/ports.js';
import { rawRequestTarget, type RawResponse } from './support/raw-http.js';
import { ADAPTERS, startApp } from './support/http-app.js';

const KEY = 'corpus-key';
const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** One corpus of raw requests, sent as written to both doors; `ABS` stands for the door's own origin (absolute form). */
const CORPUS: [method: string, target: string][] = [
  ['GET', '/health'],
  ['GET', '/health/live'],
  ['GET', '/health/ready'],
  ['HEAD', '/health/ready'],
  ['GET', '/health/checks/database'],
  ['GET', '/health/checks/nope'],
  ['GET', '/health/ready?exclude=database&exclude=database'],
  // Case: one spelling of each route.
  ['GET', '/health/READY'],
  ['GET', '/HEALTH/ready'],
  ['GET', '/Health'],
  ['GET', '/health/Checks/database'],
  ['GET', '/health/%72eady'],
  // Methods: GET and HEAD answer, POST/PUT/PATCH/DELETE are 405, any other is no route.
  ['POST', '/health/ready'],
  ['PUT', '/health/checks/database'],
  ['DELETE', '/health'],
  ['OPTIONS', '/health/ready'],
  ['OPTIONS', '/health'],
  ['TRACE', '/health/ready'],
  ['TRACE', '/health/checks/database'],
  ['PROPFIND', '/health/ready'],
  ['SEARCH', '/health/live'],
  // Absolute-form targets, as a proxy sends them.
  ['GET', 'ABS/health/ready'],
  ['GET', 'ABS/health/live?x=1'],
  ['HEAD', 'ABS/health'],
  ['GET', 'ABS/health/READY'],
  // Paths that are no route.
  ['GET', '/health/nope'],
  ['GET', '//health/ready'],
  ['GET', '/health/checks/'],
  ['GET', '/health/../health/ready'],
  ['GET', '*'],
  ['OPTIONS', '*'],
];

describe.each(ADAPTERS)('both doors answer one corpus alike on %s', (adapter) => {
  it('same status for every request (case, OPTIONS/TRACE, absolute form), and nosniff on every answer the module writes', async () => {
    const options = { apiKey: KEY };
    const DatabaseCheck = scriptedIndicator('database');
    const inApp = await startApp({ imports: [HealthModule.forRoot(options)], providers: [DatabaseCheck] }, { adapter });
    apps.push(inApp.app);
    const port = await allocatePort();
    const probe = await startApp(
      { imports: [HealthModule.forRoot({ ...options, server: { port, host: '127.0.0.1' } })], providers: [DatabaseCheck] },
      { adapter },
    );
    apps.push(probe.app);
    const doors = { app: inApp.url, probe: `http://127.0.0.1:${port}` };
    const differences: string[] = [];
    const answers: { door: string; request: string; response: RawResponse }[] = [];
    for (const [method, target] of CORPUS) {
      const statuses: Record<string, number> = {};
      for (const [door, origin] of Object.entries(doors)) {
        const requestTarget = target.startsWith('ABS') ? `${origin}${target.slice(3)}` : target;
        const response = await rawRequestTarget(origin, method, requestTarget, { 'X-Health-Key': KEY });
        statuses[door] = response.statusCode;
        answers.push({ door, request: `${method} ${target}`, response });
      }
      if (statuses.app !== statuses.probe) differences.push(`${method} ${target}: app ${statuses.app}, probe server ${statuses.probe}`);
    }
    expect(differences).toEqual([]);
    // What each kind of request gets (the same on both doors, as just checked).
    const statusOf = (request: string) => answers.find((answer) => answer.door === 'probe' && answer.request === request)!.response.statusCode;
    expect(['GET /health/READY', 'GET /HEALTH/ready', 'GET /health/%72eady', 'OPTIONS /health/ready', 'TRACE /health/ready'].map(statusOf)).toEqual([
      404, 404, 404, 404, 404,
    ]);
    expect(['GET ABS/health/ready', 'HEAD ABS/health', 'POST /health/ready'].map(statusOf)).toEqual([200, 200, 405]);
    // nosniff on every answer the module wrote: everything on the probe server; in the app, all but the router's own 404s.
    const missing = answers.filter(({ door, response }) => {
      if (response.headers['x-content-type-options'] === 'nosniff') return false;
      return door === 'probe' || !(response.statusCode === 404 && /Cannot [A-Z]+ /.test(response.rest.toString('utf8')));
    });
    expect(missing.map(({ door, request, response }) => `${door} ${request}: ${response.statusCode}`)).toEqual([]);
  });
});
