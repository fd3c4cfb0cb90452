import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inspectPeerCertificate } from '../libs/health/src/indicators/tls/tls-certificate.js';
import { allocatePort } from './support/ports.js';
import { eventually } from './support/report.js';
import { startSilentServer } from './support/tcp-proxy.js';
import { startHttpsServer, TestCertificateAuthority } from './support/tls-certificates.js';

const CASES = [
  { days: 40, label: 'expiring in 40 days' },
  { days: 10, label: 'expiring in 10 days' },
  { days: 1, label: 'expiring in 1 day' },
  { days: -2, label: 'expired 2 days ago' },
];

let authority: TestCertificateAuthority;
const servers: { days: number; port: number; close: () => Promise<void> }[] = [];

beforeAll(async () => {
  authority = await TestCertificateAuthority.create();
  for (const { days } of CASES) {
    const certificate = await authority.expiringIn(days);
    servers.push({ days, ...(await startHttpsServer(certificate, await allocatePort())) });
  }
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await authority?.remove();
});

function portFor(days: number): number {
  return servers.find((server) => server.days === days)!.port;
}

describe('inspectPeerCertificate against local HTTPS servers with openssl-made certificates', () => {
  it.each(CASES)('reads daysLeft for a certificate $label', async ({ days }) => {
    const info = await inspectPeerCertificate({
      host: '127.0.0.1',
      port: portFor(days),
      servername: 'localhost',
      signal: AbortSignal.timeout(5000),
      ca: authority.caCert,
    });
    expect(info).toMatchObject({
      daysLeft: days,
      expired: days < 0,
      subject: `CN=expires-in-${days}d.localhost`,
      issuer: 'CN=nest-vitals test CA',
      subjectAltNames: ['DNS:localhost', 'IP Address:127.0.0.1'],
      hostnameMatches: true,
      authorized: days >= 0,
    });
    expect(Date.parse(info.validTo) - Date.now()).toBeGreaterThan(days * 86_400_000);
    expect(Date.parse(info.validTo) - Date.now()).toBeLessThan(days * 86_400_000 + 3_600_000);
    expect(info.msLeft).toBeLessThan(days * 86_400_000 + 3_600_000);
    expect(info.protocol).toMatch(/^TLSv1\.[23]$/);
    if (days < 0) expect(info.authorizationError).toBe('CERT_HAS_EXPIRED');
    else expect(info).not.toHaveProperty('authorizationError');
  });

  it('reports a certificate the default roots do not trust, without refusing it', async () => {
    const info = await inspectPeerCertificate({ host: '127.0.0.1', port: portFor(40), signal: AbortSignal.timeout(5000) });
    expect(info).toMatchObject({ daysLeft: 40, authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN', hostnameMatches: true });
  });

  it('says when the certificate does not name the servername (Node counts that as not authorized, too)', async () => {
    const info = await inspectPeerCertificate({
      host: '127.0.0.1',
      port: portFor(10),
      servername: 'api.example.com',
      signal: AbortSignal.timeout(5000),
      ca: authority.caCert,
    });
    expect(info).toMatchObject({
      daysLeft: 10,
      authorized: false,
      authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID',
      hostnameMatches: false,
      hostnameError: expect.stringContaining('api.example.com'),
    });
  });

  it('rejects when the signal aborts on a peer that accepts and never speaks, and leaves no connection', async () => {
    const silentPort = await allocatePort();
    const silent = await startSilentServer(silentPort);
    try {
      const controller = new AbortController();
      const started = performance.now();
      const probe = inspectPeerCertificate({ host: '127.0.0.1', port: silentPort, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('tls check timed out after 300 ms')), 300);
      await eventually(
        () => Promise.resolve(silent.connections()),
        (count) => count === 1,
        5000,
        20,
      );
      await expect(probe).rejects.toThrow('tls check timed out after 300 ms');
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(3000);
      await eventually(
        () => Promise.resolve(silent.connections()),
        (count) => count === 0,
        5000,
        20,
      );
    } finally {
      await silent.close();
    }
  });

  it('rejects at once on an already aborted signal, and with a clear error on a refused port', async () => {
    const aborted = AbortSignal.abort(new Error('already aborted'));
    await expect(inspectPeerCertificate({ host: '127.0.0.1', port: portFor(40), signal: aborted })).rejects.toThrow('already aborted');
    const closed = await allocatePort();
    await expect(inspectPeerCertificate({ host: '127.0.0.1', port: closed, signal: AbortSignal.timeout(5000) })).rejects.toThrow(
      `TLS connection to 127.0.0.1:${closed} failed: connect ECONNREFUSED`,
    );
  });
});
