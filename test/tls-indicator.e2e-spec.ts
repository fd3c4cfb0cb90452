import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthModule, type HealthModuleOptions, type TlsIndicatorOptions } from 'nest-vitals';
import { bootstrapError, startApp } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { getCheck, getReport } from './support/report.js';
import { startSilentServer } from './support/tcp-proxy.js';
import { startHttpsServer, TestCertificateAuthority } from './support/tls-certificates.js';

const TIMEOUT_MS = 500;
/** The check answers within its timeout; this much more covers the HTTP round trip. */
const SLACK_MS = 100;
const DAYS = [40, 10, 1, -2];

let authority: TestCertificateAuthority;
const servers = new Map<number, { port: number; close: () => Promise<void> }>();
let app: INestApplication | undefined;

async function start(tls: Record<string, TlsIndicatorOptions>): Promise<string> {
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', timeoutMs: TIMEOUT_MS, tls })] });
  app = started.app;
  return started.url;
}

const peer = (days: number): TlsIndicatorOptions => ({ host: '127.0.0.1', port: servers.get(days)!.port, servername: 'localhost' });

beforeAll(async () => {
  authority = await TestCertificateAuthority.create();
  for (const days of DAYS) servers.set(days, await startHttpsServer(await authority.expiringIn(days), await allocatePort()));
}, 60_000);

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  for (const server of servers.values()) await server.close();
  await authority?.remove();
});

describe('tls built-in: days until the peer certificate expires', () => {
  it('is UP at 40 days, DEGRADED at 10, DOWN at 1 and once expired (defaults warnDays 21, downDays 3)', async () => {
    const url = await start({ 'in-40': peer(40), 'in-10': peer(10), 'in-1': peer(1), expired: peer(-2) });
    const report = await getReport(url);
    const common = (days: number) => ({
      host: '127.0.0.1',
      port: servers.get(days)!.port,
      subject: `CN=expires-in-${days}d.localhost`,
      issuer: 'CN=nest-vitals test CA',
      validTo: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      daysLeft: days,
      // The test CA is not among Node's default roots; the check reports it and judges only the expiry.
      authorized: false,
      hostnameMatches: true,
    });
    expect(report.details['in-40']).toEqual({
      status: 'UP',
      critical: true,
      durationMs: expect.any(Number),
      checkedAt: expect.any(String),
      cached: false,
      data: common(40),
    });
    expect(report.details['in-10']).toMatchObject({
      status: 'DEGRADED',
      data: common(10),
      message: expect.stringMatching(
        new RegExp(`^the certificate of 127\\.0\\.0\\.1:${servers.get(10)!.port} expires in 10 days \\(.+\\), fewer than warnDays \\(21\\)$`),
      ),
    });
    expect(report.details['in-1']).toMatchObject({
      status: 'DOWN',
      data: common(1),
      error: expect.stringMatching(/expires in 1 day \(.+\), fewer than downDays \(3\)$/),
    });
    expect(report.details['expired']).toMatchObject({
      status: 'DOWN',
      data: common(-2),
      error: expect.stringMatching(new RegExp(`^the certificate of 127\\.0\\.0\\.1:${servers.get(-2)!.port} expired on \\d{4}-`)),
    });
    const validTo = Date.parse(report.details['in-10'].data!['validTo'] as string);
    expect(validTo - Date.now()).toBeGreaterThan(10 * 86_400_000);
    expect(validTo - Date.now()).toBeLessThan(10 * 86_400_000 + 3_600_000);
    expect(report.status).toBe('DOWN');
    expect(report.httpStatus).toBe(503);
  });

  it('uses the thresholds given', async () => {
    const url = await start({
      strict: { ...peer(40), warnDays: 60, downDays: 45 },
      lenient: { ...peer(10), warnDays: 7, downDays: 0 },
      warned: { ...peer(40), warnDays: 41 },
    });
    const report = await getReport(url);
    expect(report.details['strict']).toMatchObject({ status: 'DOWN', error: expect.stringContaining('fewer than downDays (45)') });
    expect(report.details['lenient']).toMatchObject({ status: 'UP', data: { daysLeft: 10 } });
    expect(report.details['warned']).toMatchObject({ status: 'DEGRADED', message: expect.stringContaining('fewer than warnDays (41)') });
  });

  it('is DOWN "timed out after N ms" within the timeout on a peer that never answers, DOWN with the reason on a closed port', async () => {
    const silentPort = await allocatePort();
    const closedPort = await allocatePort();
    const silent = await startSilentServer(silentPort);
    try {
      const url = await start({ hung: { host: '127.0.0.1', port: silentPort }, closed: { host: '127.0.0.1', port: closedPort } });
      const hung = await getCheck(url, 'hung');
      expect(hung).toMatchObject({ status: 'DOWN', error: `timed out after ${TIMEOUT_MS} ms` });
      expect(hung.elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const closed = await getCheck(url, 'closed');
      expect(closed).toMatchObject({ status: 'DOWN', data: { host: '127.0.0.1', port: closedPort } });
      expect(closed.error).toContain(`TLS connection to 127.0.0.1:${closedPort} failed: connect ECONNREFUSED`);
    } finally {
      await app?.close();
      app = undefined;
      await silent.close();
    }
  });
});

describe('tls options are validated at bootstrap', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no host', { api: { port: 443 } }, '"tls.api.host" is required'],
    ['no port', { api: { host: 'example.com' } }, '"tls.api.port" is required'],
    ['port out of range', { api: { host: 'example.com', port: 70000 } }, '"tls.api.port" must be an integer from 1 to 65535 (TCP port); got number 70000'],
    ['negative days', { api: { host: 'example.com', port: 443, warnDays: -1 } }, '"tls.api.warnDays" must be an integer from 0 to 3650 (days); got number -1'],
    [
      'down above warn',
      { api: { host: 'example.com', port: 443, warnDays: 5, downDays: 10 } },
      '"tls.api.downDays" (10) must not be above "tls.api.warnDays" (5)',
    ],
    ['down above default warn', { api: { host: 'example.com', port: 443, downDays: 30 } }, '"tls.api.downDays" (30) must not be above "tls.api.warnDays" (21)'],
    ['bad check name', { 'API!': { host: 'example.com', port: 443 } }, '"tls key" must be a check name'],
    ['unknown key', { api: { host: 'example.com', port: 443, days: 3 } }, 'unknown option "tls.api.days"; accepted:'],
  ])('%s', async (_label, tls, expected) => {
    const error = await bootstrapError({ imports: [HealthModule.forRoot({ tls } as HealthModuleOptions)] });
    expect(error.message).toContain(expected);
  });
});
