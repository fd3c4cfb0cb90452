import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { connect } from 'node:net';
import { HealthModule } from 'nest-vitals';
import { PROBE_SERVER_TIMEOUTS } from '../libs/health/src/probe-server/health-probe.server.js';
import { allocatePort } from './support/ports.js';
import { startApp } from './support/http-app.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('probe server timeouts', () => {
  it('a client that never finishes its headers is answered 408 and cut after headersTimeout, not Node’s 60 s', async () => {
    const port = await allocatePort();
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ server: { port, host: '127.0.0.1' } })] }));
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('GET /health/live HTTP/1.1\r\nHost: probe\r\nX-Slow: ');
    const started = performance.now();
    await new Promise((resolve) => socket.once('close', resolve));
    const elapsed = performance.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // Node checks the timeouts every connectionsCheckingInterval.
    expect(elapsed).toBeGreaterThanOrEqual(PROBE_SERVER_TIMEOUTS.headersTimeout - 50);
    expect(elapsed).toBeLessThan(PROBE_SERVER_TIMEOUTS.headersTimeout + PROBE_SERVER_TIMEOUTS.connectionsCheckingInterval + 2000);
    // The probe server still answers.
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  }, 30_000);
});
