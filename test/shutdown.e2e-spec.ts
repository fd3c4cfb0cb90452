import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADAPTERS } from './support/http-app.js';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { HAPROXY, keepAliveLoad, startL4Balancer, type KeepAliveClient, type L4Balancer } from './support/rolling-stop.js';

const APP = 'test/fixtures/shutdown-app.mjs';
const running = new Set<RunningProcess>();
let balancer: L4Balancer | undefined;

beforeAll(() => {
  expect(existsSync('dist/apps/sample/libs/health/src/index.js')).toBe(true);
});
afterEach(async () => {
  await Promise.all([...running].map((proc) => proc.stop()));
  running.clear();
});
afterAll(async () => {
  await balancer?.stop();
});

async function startApp(env: Record<string, string>): Promise<{ proc: RunningProcess; url: string; port: number }> {
  const port = await allocatePort();
  const proc = startNode([APP], { PORT: String(port), NO_COLOR: '1', ...env });
  running.add(proc);
  await waitForOutput(proc, /listening \d+/, 60_000);
  return { proc, url: `http://127.0.0.1:${port}`, port };
}

/** Sends the signal and returns when it was sent (performance.now()). */
function signal(proc: RunningProcess, name: NodeJS.Signals = 'SIGTERM'): number {
  proc.child.kill(name);
  return performance.now();
}

/**
 * The process exits at `shutdown.timeoutMs` (4000 ms): not before it (its timer starts when the signal arrives, after
 * the test sent it; 10 ms are left for timer rounding), and well before the next second. What lies between is the
 * exit itself and the test's own event loop noticing it: up to 480 ms on a loaded CI machine.
 */
function expectExitAtTimeout(elapsedMs: number): void {
  expect(elapsedMs).toBeGreaterThanOrEqual(3990);
  expect(elapsedMs).toBeLessThan(5000);
}

async function errorLine(proc: RunningProcess): Promise<string> {
  const [line] = await waitForOutput(proc, /ERROR \[HealthModule\] shutdown did not finish[^\n]*/, 1000);
  return line;
}

describe.each(ADAPTERS)('rolling stop behind an L4 balancer (HAProxy mode tcp) on %s', (adapter) => {
  it.each<KeepAliveClient>(['fetch', 'agent'])(
    '20 keep-alive clients (%s) on GET /notes lose no request when one of two instances gets SIGTERM',
    async (client) => {
      expect(existsSync(HAPROXY)).toBe(true);
      const drainDelayMs = 2500;
      const [a, b] = await Promise.all([
        startApp({ ADAPTER: adapter, DRAIN_MS: String(drainDelayMs) }),
        startApp({ ADAPTER: adapter, DRAIN_MS: String(drainDelayMs) }),
      ]);
      await balancer?.stop();
      balancer = await startL4Balancer(await allocatePort(), [a.port, b.port]);

      // Before the drain the library adds nothing to the app's request path: the adapter's handler is the only listener.
      expect(await (await fetch(`${a.url}/request-listeners`)).json()).toEqual({ count: 1 });

      const load = keepAliveLoad(`${balancer.url}/notes`, { clients: 20, client });
      await sleep(1000);
      const signalledAt = signal(a.proc);
      const exit = await a.proc.exited;
      expect(exit.at - signalledAt).toBeGreaterThanOrEqual(drainDelayMs);
      await sleep(500);
      const outcome = await load.stop();

      expect(outcome.failures).toEqual([]);
      expect(outcome.failed).toBe(0);
      expect(outcome.ok).toBeGreaterThan(200);
      // The drain told the clients on the stopping instance to reconnect.
      if (client === 'agent') expect(outcome.closing).toBeGreaterThanOrEqual(1);
      expect(b.proc.child.exitCode).toBeNull();
    },
  );
});

describe.each(ADAPTERS)('shutdown of a real process on %s', (adapter) => {
  it('while draining every response carries Connection: close (routes, 404s, health), a 1.5 s request that started before the signal completes with 200, and an idle keep-alive connection is closed when Nest closes', async () => {
    const { proc, url, port } = await startApp({ ADAPTER: adapter, DRAIN_MS: '800' });
    const before = await fetch(`${url}/notes`);
    expect(before.headers.get('connection')).toBe('keep-alive');

    // A keep-alive connection that served one request before the signal, then stays idle.
    const idle: Socket = connect(port, '127.0.0.1');
    let idleReply = '';
    idle.setEncoding('utf8');
    idle.on('data', (chunk: string) => (idleReply += chunk));
    const idleClosed = new Promise<number>((resolve) => idle.once('close', () => resolve(performance.now())));
    idle.write('GET /notes HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!idleReply.includes('keep-alive')) await sleep(10);

    const slow = fetch(`${url}/slow?ms=1500`).then(async (response) => ({ status: response.status, body: await response.json() }));
    await sleep(100);
    const signalledAt = signal(proc);
    await waitForOutput(proc, /draining for 800 ms/, 2000);

    const during = await Promise.all([fetch(`${url}/notes`), fetch(`${url}/no-such-route`), fetch(`${url}/health/ready`), fetch(`${url}/health/live`)]);
    expect(during.map((response) => response.status)).toEqual([200, 404, 503, 200]);
    expect(during.map((response) => response.headers.get('connection'))).toEqual(['close', 'close', 'close', 'close']);
    expect(await (await fetch(`${url}/request-listeners`)).json()).toEqual({ count: 2 });

    expect(await slow).toEqual({ status: 200, body: { tookMs: 1500 } });
    const closedAt = await idleClosed;
    expect(closedAt - signalledAt).toBeGreaterThanOrEqual(800);
    const exit = await proc.exited;
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1400);
    // The slow request's keep-alive connection closes once answered, not at the keep-alive timeout (5 s on Express, 72 s on Fastify).
    expect(exit.at - signalledAt).toBeLessThan(4500);
    expect(exit.signal).toBe('SIGTERM');
  });

  it('a hold released 3 s after the signal delays the exit until then; the report, readiness reason and log name it', async () => {
    const { proc, url } = await startApp({ ADAPTER: adapter, DRAIN_MS: '500' });
    expect(await (await fetch(`${url}/hold?reason=import%20job%2042&releaseAfterMs=3000`, { method: 'POST' })).json()).toEqual({ held: 'import job 42' });
    const signalledAt = signal(proc);

    await waitForOutput(proc, /LOG \[HealthModule\] waiting for 1 hold: "import job 42"/, 2500);
    const report = await fetch(`${url}/health`);
    expect(report.status).toBe(503);
    expect(await report.json()).toMatchObject({ status: 'SHUTTING_DOWN', reason: 'received SIGTERM; waiting for 1 hold: "import job 42"' });
    expect(await (await fetch(`${url}/health/ready`)).json()).toEqual({
      status: 'SHUTTING_DOWN',
      reason: 'received SIGTERM; waiting for 1 hold: "import job 42"',
    });
    expect(proc.child.exitCode).toBeNull();

    const exit = await proc.exited;
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(2900);
    expect(exit.signal).toBe('SIGTERM');
    expect(proc.output()).toContain('hold "import job 42" released; no hold left');
  });

  it('a hold never released ends, with timeoutMs: 4000, in exit code 1 at 4 s and one ERROR line naming it', async () => {
    const { proc, url } = await startApp({ ADAPTER: adapter, DRAIN_MS: '500', TIMEOUT_MS: '4000' });
    await fetch(`${url}/hold?reason=flush%20metrics`, { method: 'POST' });
    const signalledAt = signal(proc);
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expectExitAtTimeout(exit.at - signalledAt);
    expect(await errorLine(proc)).toBe(
      'ERROR [HealthModule] shutdown did not finish within shutdown.timeoutMs (4000 ms after SIGTERM); still pending: hold "flush metrics"; exiting with code 1',
    );
    expect(proc.output().match(/ERROR/g)).toHaveLength(1);
  });

  it('an onModuleDestroy that never resolves is named the same way', async () => {
    const { proc } = await startApp({ ADAPTER: adapter, DRAIN_MS: '500', TIMEOUT_MS: '4000', STUCK_DESTROY: '1' });
    const signalledAt = signal(proc);
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expectExitAtTimeout(exit.at - signalledAt);
    expect(await errorLine(proc)).toContain('still pending: StuckExporter.onModuleDestroy() in AppModule; exiting with code 1');
  });
});

describe('signals', () => {
  it('a second SIGTERM during the drain does not restart it', async () => {
    const { proc } = await startApp({ DRAIN_MS: '1500', TIMEOUT_MS: '10000' });
    const signalledAt = signal(proc);
    await sleep(1000);
    signal(proc);
    const exit = await proc.exited;
    // A restarted drain would end 2.5 s after the first signal at the earliest.
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1500);
    expect(exit.at - signalledAt).toBeLessThan(2400);
    expect(proc.output().match(/draining for 1500 ms/g)).toHaveLength(1);
  });

  it('SIGINT drains only when shutdown.signals lists it', async () => {
    const [plain, listed] = await Promise.all([startApp({ DRAIN_MS: '2000' }), startApp({ DRAIN_MS: '2000', SIGNALS: 'SIGTERM,SIGINT', TIMEOUT_MS: '3000' })]);
    const plainAt = signal(plain.proc, 'SIGINT');
    const listedAt = signal(listed.proc, 'SIGINT');
    const [plainExit, listedExit] = await Promise.all([plain.proc.exited, listed.proc.exited]);
    expect(plainExit.at - plainAt).toBeLessThan(1500);
    expect(plain.proc.output()).not.toContain('draining for');
    expect(listedExit.at - listedAt).toBeGreaterThanOrEqual(2000);
    expect(listedExit.signal).toBe('SIGINT');
    expect(listed.proc.output()).toContain('draining for 2000 ms');
  });
});
