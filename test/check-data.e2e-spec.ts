import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
import { allocatePort } from './support/ports.js';
import { ADAPTERS, startApp } from './support/http-app.js';

/** `{ level: { level: … value } }`, `levels` deep. */
function nested(levels: number, value: unknown): Record<string, unknown> {
  let node: Record<string, unknown> = value as Record<string, unknown>;
  for (let index = 0; index < levels; index++) node = { level: node };
  return node;
}

/** A cycle whose back reference sits 12 levels down (past the old redaction depth of 8). */
function deepCycle(): Record<string, unknown> {
  const root: Record<string, unknown> = { name: 'root' };
  let node = root;
  for (let index = 0; index < 12; index++) node = node.child = { index } as Record<string, unknown>;
  node.back = root;
  return root;
}

/** Every kind of value the issue met, in one check's data. */
@HealthIndicator('odd-data')
class OddData {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('odd-data').up({
      big: 10n,
      deep: deepCycle(),
      layers: nested(10, { password: 'deep-hunter2', url: 'postgres://deep:d33psecret@db/x' }),
      at: new Date(Date.UTC(2026, 11, 6)),
      buffer: Buffer.alloc(1234),
      fn: () => 'dropped',
      sym: Symbol('dropped'),
      long: 'x'.repeat(100_000),
    });
  }
}

const SECRETS = /deep-hunter2|d33psecret/;
const ROUTES = ['/health', '/health/ready', '/health/checks/odd-data'];
const ACCEPTS = ['application/json', 'application/health+json', 'text/html', 'text/plain'];

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe.each(ADAPTERS)('odd check data renders on %s', (adapter) => {
  it('BigInt, a deep cycle, deep secrets, Date, Buffer, functions and long strings: 200 in every representation on both doors, no secret', async () => {
    // The probe server replaces the in-app routes: one app for each door.
    const inApp = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [OddData] }, { adapter });
    apps.push(inApp.app);
    const port = await allocatePort();
    const withProbeServer = await startApp(
      { imports: [HealthModule.forRoot({ details: 'always', server: { port, host: '127.0.0.1' } })], providers: [OddData] },
      { adapter },
    );
    apps.push(withProbeServer.app);
    const origins = { app: inApp.url, probe: `http://127.0.0.1:${port}` };
    const answers: { where: string; status: number; body: string; type: string }[] = [];
    for (const [door, origin] of Object.entries(origins)) {
      for (const route of ROUTES) {
        for (const accept of ACCEPTS) {
          const response = await fetch(`${origin}${route}`, { headers: { Accept: accept } });
          answers.push({
            where: `${door} ${route} ${accept}`,
            status: response.status,
            body: await response.text(),
            type: response.headers.get('content-type') ?? '',
          });
        }
      }
    }
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.where}: ${answer.status} ${answer.body.slice(0, 200)}`)).toEqual([]);
    expect(answers.filter((answer) => SECRETS.test(answer.body)).map((answer) => answer.where)).toEqual([]);
    for (const answer of answers.filter((candidate) => candidate.type.includes('json'))) expect(() => JSON.parse(answer.body) as unknown).not.toThrow();

    // The JSON report carries the data, serialized: nothing lost that JSON can hold.
    const check = JSON.parse(answers.find((answer) => answer.where === 'app /health/checks/odd-data application/json')!.body) as {
      status: string;
      data: Record<string, unknown>;
    };
    expect(check.status).toBe('UP');
    expect(check.data).toMatchObject({ big: '10', at: '2026-12-06T00:00:00.000Z', buffer: '[Buffer 1234 bytes]' });
    expect(check.data).not.toHaveProperty('fn');
    expect(check.data).not.toHaveProperty('sym');
    expect((check.data.long as string).length).toBeLessThan(3000);
    expect(JSON.stringify(check.data.deep)).toContain('"back":"[Circular]"');
    const layers = JSON.stringify(check.data.layers);
    expect(layers).toContain('"password":"***"');
    expect(layers).toContain('postgres://deep:***@db/x');
  });
});
