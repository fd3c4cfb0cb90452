import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';

/** HAProxy in `mode tcp` (an L4 balancer, as kube-proxy is) over backends on 127.0.0.1, checking `GET /health/ready`. */
export interface L4Balancer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts HAProxy as a child process (`-db`: foreground) with a temporary config: `mode tcp`, `option httpchk GET
 * /health/ready` every 200 ms (fall 1, rise 1; a check times out after 2 s, as a readiness probe's `timeoutSeconds: 2`). Resolves once a request through it has been answered by each backend's
 * port at least once the checks have run.
 */
export async function startL4Balancer(port: number, backends: number[]): Promise<L4Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode tcp',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      // Without it the check times out after `inter` (200 ms): a loaded machine would fail healthy backends.
      '  timeout check 2s',
      'frontend app',
      `  bind 127.0.0.1:${port}`,
      '  default_backend pods',
      'backend pods',
      '  balance roundrobin',
      '  option httpchk GET /health/ready',
      '  http-check expect status 200',
      '  default-server inter 200ms fall 1 rise 1',
      ...backends.map((backend, index) => `  server pod${index} 127.0.0.1:${backend} check`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output}`);
    const answered = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`haproxy on ${port} did not forward within 15 s:\n${output}`);
    }
    await sleep(100);
  }
  // Checks run every 200 ms; let each backend pass one.
  await sleep(600);
  return { url, output: () => output, stop };
}

/** What a keep-alive load saw. */
export interface LoadOutcome {
  ok: number;
  failed: number;
  /** The first few failures, as `status 503` or an error code. */
  failures: string[];
  /** Responses that carried `Connection: close`. */
  closing: number;
}

export type KeepAliveClient = 'fetch' | 'agent';

/**
 * `clients` loops calling `url` one request after the other until stopped: `fetch` (undici's keep-alive pool) or
 * `agent` (`http.request` with one shared `http.Agent({ keepAlive: true })`). A request fails on any error or a
 * status other than 200.
 */
export function keepAliveLoad(
  url: string,
  { clients = 20, client = 'fetch' }: { clients?: number; client?: KeepAliveClient } = {},
): { stop: () => Promise<LoadOutcome> } {
  const outcome: LoadOutcome = { ok: 0, failed: 0, failures: [], closing: 0 };
  const agent = new Agent({ keepAlive: true });
  let running = true;
  const fail = (what: string) => {
    outcome.failed++;
    if (outcome.failures.length < 10) outcome.failures.push(what);
  };
  const once = async (): Promise<void> => {
    try {
      const { status, connection } = client === 'fetch' ? await viaFetch(url) : await viaAgent(url, agent);
      if (connection === 'close') outcome.closing++;
      if (status === 200) outcome.ok++;
      else fail(`status ${status}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      fail(cause?.code ?? (error as { code?: string }).code ?? (error as Error).message);
    }
  };
  const loops = Array.from({ length: clients }, async () => {
    while (running) await once();
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return outcome;
    },
  };
}

async function viaFetch(url: string): Promise<{ status: number; connection: string | null }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return { status: response.status, connection: response.headers.get('connection') };
}

function viaAgent(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
      response.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}
