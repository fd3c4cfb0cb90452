// Requests lost when one of two sample-app instances behind an L4 balancer (HAProxy `mode tcp`, the stand-in for
// kube-proxy) gets SIGTERM while keep-alive clients call a user route. `BENCH_SAMPLE_MAIN_BEFORE` points at a build of
// the sample app from before "Shutdown that loses nothing" (e.g. main's `dist/apps/sample/apps/sample/src/main.js`
// built in a second checkout): the scenario then measures both side by side.
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, waitForOutput, type RunningProcess } from '../../../test/support/processes.js';
import { keepAliveLoad, startL4Balancer, type KeepAliveClient } from '../../../test/support/rolling-stop.js';
import { BENCH_DIST, trackChild } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { benchPort } from '../harness/services.js';

const DRAIN_DELAY_MS = 2500;
const CLIENTS = 20;
type Client = KeepAliveClient | 'autocannon';
const CLIENT_LABELS: Record<Client, string> = {
  autocannon: `autocannon, ${CLIENTS} keep-alive connections`,
  fetch: `fetch (undici pool), ${CLIENTS} loops`,
  agent: `http.Agent({ keepAlive: true }), ${CLIENTS} loops`,
};

interface Trial {
  requests: number;
  failed: number;
  /** The first few failures (error codes or statuses), for the log. */
  failures?: string[];
}

/** Ports of the two instances and the balancer, allocated once and reused by every trial (each trial frees them). */
interface TrialPorts {
  a: number;
  b: number;
  balancer: number;
}

async function startSample(main: string, dir: string, name: string, port: number): Promise<{ proc: RunningProcess; port: number }> {
  const proc = startNode([main], {
    PORT: String(port),
    SQLITE_PATH: join(dir, `${name}.sqlite`),
    HEALTH_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
    NO_COLOR: '1',
  });
  trackChild(proc.child);
  await waitForOutput(proc, /listening on/, 60_000);
  return { proc, port };
}

/** Two instances, HAProxy over them, the load; SIGTERM to the first 2 s in; the load runs until 1 s after it has exited. */
async function trial(main: string, client: Client, ports: TrialPorts): Promise<Trial> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-rolling-'));
  const [a, b] = await Promise.all([startSample(main, dir, 'a', ports.a), startSample(main, dir, 'b', ports.b)]);
  const balancer = await startL4Balancer(ports.balancer, [a.port, b.port]);
  try {
    const url = `${balancer.url}/notes`;
    const stopAfterExit = async () => {
      await sleep(2000);
      a.proc.child.kill('SIGTERM');
      await Promise.race([a.proc.exited, sleep(30_000)]);
      await sleep(1000);
    };
    if (client === 'autocannon') {
      const run = autocannon({ url, connections: CLIENTS, pipelining: 1, timeout: 10, duration: 3600 });
      await stopAfterExit();
      (run as unknown as { stop: () => void }).stop();
      const result = await run;
      return { requests: result.requests.total, failed: result.errors + result.timeouts + result.non2xx };
    }
    const load = keepAliveLoad(url, { clients: CLIENTS, client });
    await stopAfterExit();
    const outcome = await load.stop();
    return { requests: outcome.ok + outcome.failed, failed: outcome.failed, failures: outcome.failures };
  } finally {
    await balancer.stop();
    await Promise.all([a.proc.stop(), b.proc.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const rollingStopScenario: Scenario = {
  name: 'rolling-stop',
  title: 'requests lost in a rolling stop behind HAProxy mode tcp',
  async run({ options, report }) {
    const trials = options.quick ? 1 : 3;
    const builds: [string, string][] = [
      ['after', process.env.BENCH_SAMPLE_MAIN ?? resolve(BENCH_DIST, '../../../../dist/apps/sample/apps/sample/src/main.js')],
    ];
    if (process.env.BENCH_SAMPLE_MAIN_BEFORE) builds.unshift(['before', process.env.BENCH_SAMPLE_MAIN_BEFORE]);
    const rows: string[][] = [];
    const ports: TrialPorts = { a: await benchPort(), b: await benchPort(), balancer: await benchPort() };
    for (const client of ['agent', 'fetch', 'autocannon'] as const) {
      const row = [CLIENT_LABELS[client]];
      for (const [label, main] of builds) {
        const results: Trial[] = [];
        for (let i = 0; i < trials; i++) {
          results.push(await trial(main, client, ports));
          const last = results.at(-1)!;
          log(
            `rolling-stop ${label} ${client} #${i + 1}: ${last.failed} failed of ${last.requests}${last.failures?.length ? ` (${last.failures.join(', ')})` : ''}`,
          );
        }
        const failed = results.reduce((sum, result) => sum + result.failed, 0);
        const requests = results.reduce((sum, result) => sum + result.requests, 0);
        row.push(`${fmt.int(failed)} of ${fmt.int(requests)} (${results.map((result) => result.failed).join(', ')})`);
        report.record('rolling-stop', { build: label, client, trials: results });
        if (label === 'after')
          report.target({ scenario: 'rolling-stop', target: `${CLIENT_LABELS[client]}: 0 requests lost`, figure: fmt.int(failed), met: failed === 0 });
      }
      rows.push(row);
    }
    report.table(
      'rolling-stop',
      `two sample-app instances behind HAProxy mode tcp (checks GET /health/ready every 200 ms), GET /notes, SIGTERM to one (drainDelayMs ${DRAIN_DELAY_MS}); failed requests of all, over ${trials} trial(s) (per trial)`,
      ['clients', ...builds.map(([label]) => (label === 'before' ? 'before (main before issue 12)' : 'after'))],
      rows,
    );
  },
};
