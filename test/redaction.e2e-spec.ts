import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:net';
import { HealthIndicator, HealthIndicatorService, HealthModule, HealthService } from 'nest-vitals';
import { CapturingLogger } from './support/capturing-logger.js';
import { ADAPTERS, startApp } from './support/http-app.js';

const SECRET = 's3cretpw';
/** Any 5 characters of the password count as a leak (a cut-off URL must not show half of it). */
const FRAGMENT = /s3cre|3cret|cretp|retpw/;
const KEY = 'redaction-key';

@HealthIndicator('leaky-throw')
class LeakyThrow {
  check(): never {
    throw new Error(`connect failed postgres://app:${SECRET}@10.0.0.1/db password=${SECRET}`);
  }
}

@HealthIndicator('leaky-data', { critical: false })
class LeakyData {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('leaky-data').down({
      message: `upstream said 401 to Authorization: Bearer ${SECRET}`,
      url: `https://svc:${SECRET}@api.example.com/x?token=${SECRET}`,
      dsn: `mysql://root:${SECRET}@db/x`,
      password: SECRET,
      nested: { connection: `host=db user=app password=${SECRET}`, list: [`redis://default:${SECRET}@cache:6379`] },
    });
  }
}

@HealthIndicator('leaky-degraded', { critical: false })
class LeakyDegraded {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('leaky-degraded').degraded({ message: `slow: Server=db;pwd=${SECRET};Database=x` });
  }
}

@HealthIndicator('leaky-reject', { critical: false })
class LeakyReject {
  check(): Promise<never> {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a plain-object rejection (not an Error) is the case under test
    return Promise.reject({ message: `redis://:${SECRET}@127.0.0.1:6390 refused` });
  }
}

@HealthIndicator('leaky-long', { critical: false })
class LeakyLong {
  check(): never {
    // Long enough that a 500-character cut would fall inside the password.
    throw new Error(`${'x'.repeat(475)} postgres://app:${SECRET}@h/db`);
  }
}

@HealthIndicator('leaky-cause', { critical: false })
class LeakyCause {
  check(): never {
    throw new Error('query failed', { cause: new Error(`auth failed for postgres://app:${SECRET}@h/db`) });
  }
}

@HealthIndicator('leaky-damped', { critical: false, failureThreshold: 3 })
class LeakyDamped {
  check(): never {
    throw new Error(`token=${SECRET} rejected`);
  }
}

const INDICATORS = [LeakyThrow, LeakyData, LeakyDegraded, LeakyReject, LeakyLong, LeakyCause, LeakyDamped];
const CHECK_NAMES = ['leaky-throw', 'leaky-data', 'leaky-degraded', 'leaky-reject', 'leaky-long', 'leaky-cause', 'leaky-damped', 'payments', 'redis', 'nope'];
const ACCEPTS = ['application/json', 'application/health+json', 'text/html', 'text/plain'];
const CALLERS: Record<string, Record<string, string>> = {
  anonymous: {},
  authorized: { 'X-Health-Key': KEY },
  bearer: { Authorization: `Bearer ${KEY}` },
  wrong: { 'X-Health-Key': 'not-the-key' },
};

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  jest.restoreAllMocks();
});

interface Captured {
  caller: string;
  request: string;
  status: number;
  headers: string;
  body: string;
}

async function collect(url: string): Promise<Captured[]> {
  const routes = ['/health', '/health/ready', '/health/startup', '/health/live', ...CHECK_NAMES.map((name) => `/health/checks/${name}`)];
  const captured: Captured[] = [];
  for (const [caller, headers] of Object.entries(CALLERS)) {
    for (const route of routes) {
      for (const accept of ACCEPTS) {
        const response = await fetch(`${url}${route}`, { headers: { ...headers, Accept: accept } });
        captured.push({
          caller,
          request: `${route} (${accept})`,
          status: response.status,
          headers: JSON.stringify([...response.headers.entries()]),
          body: await response.text(),
        });
      }
    }
  }
  return captured;
}

describe.each(ADAPTERS)('credentials never leave the module on %s', (adapter) => {
  it('no password from any URL or error is in any body, header or log line, under every failure', async () => {
    const logger = new CapturingLogger();
    const consoleLines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map(String).join(' '));
      });
    }
    const port = await closedPort();
    const started = await startApp(
      {
        imports: [
          HealthModule.forRoot({
            apiKey: KEY,
            authorize: () => {
              throw new Error(`directory lookup failed: ldap://admin:${SECRET}@ldap.local`);
            },
            http: { payments: { url: `http://user:${SECRET}@127.0.0.1:${port}/health`, critical: false, timeoutMs: 2000 } },
            redis: { url: `redis://default:${SECRET}@127.0.0.1:${port}`, critical: false, timeoutMs: 1000 },
          }),
        ],
        providers: INDICATORS,
      },
      { adapter, logger },
    );
    app = started.app;

    const captured = await collect(started.url);
    // The app steers readiness with a reason of its own: that text leaves the module too.
    app.get(HealthService, { strict: false }).setReadiness('refusing', `maintenance of postgres://app:${SECRET}@10.0.0.1/db`);
    captured.push(...(await collect(started.url)));

    const leaks = captured.filter((entry) => FRAGMENT.test(`${entry.headers}${entry.body}`));
    expect(leaks.map((entry) => `${entry.caller} ${entry.request}: ${entry.body.slice(0, 300)}`)).toEqual([]);
    expect(logger.lines.filter((line) => FRAGMENT.test(line))).toEqual([]);
    expect(consoleLines.filter((line) => FRAGMENT.test(line))).toEqual([]);

    // The redacted text is still there for an authorized caller: redaction, not removal.
    const report = captured.find((entry) => entry.caller === 'authorized' && entry.request === '/health (application/json)')!;
    expect(report.body).toContain('connect failed postgres://app:***@10.0.0.1/db password=***');
    // The built-ins configured with credentialed URLs ran, and failed.
    expect(JSON.parse(report.body)).toMatchObject({ details: { payments: { status: 'DOWN' }, redis: { status: 'DOWN' } } });
    const refusing = captured.filter((entry) => entry.caller === 'authorized' && entry.request === '/health/ready (application/json)').at(-1)!;
    expect(JSON.parse(refusing.body)).toMatchObject({ status: 'DOWN', reason: expect.stringContaining('postgres://app:***@10.0.0.1/db') });
    // The authorize() failure was logged, redacted.
    expect(logger.lines.some((line) => line.includes('authorize() threw') && line.includes('ldap://admin:***@ldap.local'))).toBe(true);

    // Unauthorized callers get no error text at all, in any representation.
    for (const entry of captured.filter((candidate) => candidate.caller === 'anonymous' || candidate.caller === 'wrong')) {
      expect({ request: entry.request, body: entry.body }).toEqual({
        request: entry.request,
        body: expect.not.stringMatching(/connect failed|refused|query failed|upstream said|rejected|slow:|maintenance|leaky|ECONNREFUSED|\*\*\*/),
      });
    }
  });
});
