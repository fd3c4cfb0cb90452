// What nest-vitals costs the app's own routes: server CPU per request of an ordinary route (`GET /orders`) in an app
// with HealthModule and every built-in refreshing each second, against the same app without HealthModule, while the
// `http` built-in's dependency is UP, refuses connections, or accepts them and never answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { get, load, measure, median, type Measurement } from '../harness/load.js';
import { startServer, type BenchServer } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { hostAndPort, startHttpPeer, startProxy, startRedis, stopRedis, type TcpProxy } from '../harness/services.js';

const CONNECTIONS = 20;
const REFRESH_MS = 1000;
const TIMEOUT_MS = 900;
const TARGET = 1.02;

type DependencyState = 'UP' | 'DOWN (refused)' | 'hung';

/** Puts the dependency's proxy in `state`. */
async function enter(proxy: TcpProxy, state: DependencyState): Promise<void> {
  if (state === 'DOWN (refused)') return proxy.stop();
  await proxy.start();
  if (state === 'hung') proxy.hang();
}

/** Waits until the app's own report shows the dependency in `state` (the reason of a hung one is a timeout). */
async function settled(server: BenchServer, state: DependencyState): Promise<void> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const { body } = await get(`${server.url}/health`, { 'X-Health-Key': 'bench-key' });
    const dependency = (JSON.parse(body) as { details?: Record<string, { status: string; error?: string }> }).details?.dependency;
    const reached =
      state === 'UP' ? dependency?.status === 'UP' : dependency?.status === 'DOWN' && (state === 'hung') === /timed out/.test(dependency.error ?? '');
    if (reached) return;
    if (performance.now() > deadline) throw new Error(`the dependency did not reach ${state}: ${JSON.stringify(dependency)}`);
    await sleep(100);
  }
}

export const appTaxScenario: Scenario = {
  name: 'app-tax',
  title: "an app route's server CPU per request, with HealthModule (every built-in refreshing) against without",
  async run({ options, report }) {
    const rounds = options.quick ? 1 : 5;
    const seconds = options.quick ? 1 : 3;
    const redis = await startRedis();
    const peer = await startHttpPeer();
    const proxy = await startProxy(hostAndPort(peer.url, 80));
    const servers: BenchServer[] = [];
    try {
      const without = await startServer('orders without HealthModule', { variant: 'orders', databaseUrl: options.databaseUrl });
      servers.push(without);
      const withHealth = await startServer('orders with HealthModule', {
        variant: 'orders',
        databaseUrl: options.databaseUrl,
        health: { refreshIntervalMs: REFRESH_MS, timeoutMs: TIMEOUT_MS, redisUrl: redis.url, httpUrl: `http://127.0.0.1:${proxy.port}/health` },
      });
      servers.push(withHealth);
      for (const server of servers) await load(`${server.url}/orders`, { connections: CONNECTIONS, duration: 1 });

      const rows: string[][] = [];
      const data: Record<string, { without: Measurement[]; with: Measurement[] }> = {};
      for (const state of ['UP', 'DOWN (refused)', 'hung'] as const) {
        await enter(proxy, state);
        await settled(withHealth, state);
        const runs = { without: [] as Measurement[], with: [] as Measurement[] };
        const cpuRatios: number[] = [];
        const rpsRatios: number[] = [];
        for (let round = 1; round <= rounds; round++) {
          // without, with, without: the round's reference is the mean of the two runs around it.
          const run = (server: BenchServer) => measure(server, '/orders', { connections: CONNECTIONS, duration: seconds });
          const before = await run(without);
          const measured = await run(withHealth);
          const after = await run(without);
          runs.without.push(before, after);
          runs.with.push(measured);
          cpuRatios.push(measured.cpuPerRequest / ((before.cpuPerRequest + after.cpuPerRequest) / 2));
          rpsRatios.push(measured.rps / ((before.rps + after.rps) / 2));
        }
        await settled(withHealth, state); // still in that state at the end, not only at the start
        const cpuRatio = median(cpuRatios);
        rows.push([
          state,
          fmt.us(median(runs.without.map((m) => m.cpuPerRequest))),
          fmt.us(median(runs.with.map((m) => m.cpuPerRequest))),
          fmt.ratio(cpuRatio),
          `${fmt.ratio(Math.min(...cpuRatios))}–${fmt.ratio(Math.max(...cpuRatios))}`,
          fmt.ratio(median(rpsRatios)),
          `≤ ${TARGET}×`,
        ]);
        report.target({
          scenario: 'app-tax',
          target: `\`GET /orders\` CPU/request, dependency ${state}: ≤ ${TARGET}× without HealthModule`,
          figure: fmt.ratio(cpuRatio),
          met: cpuRatio <= TARGET,
        });
        data[state] = runs;
        log(`app-tax ${state}: CPU ratio ${fmt.ratio(cpuRatio)}`);
      }
      report.table(
        'app-tax',
        `\`GET /orders\`, ${CONNECTIONS} connections, ${rounds} round(s) of without / with / without, ${seconds} s each; HealthModule with database, redis, http, disk, memory, eventLoop, \`refreshIntervalMs: ${REFRESH_MS}\`, \`timeoutMs: ${TIMEOUT_MS}\``,
        ['`http` dependency', 'server CPU/request without', 'with', 'ratio (CPU, median)', 'ratio range', 'ratio (throughput)', 'target'],
        rows,
        [
          'the dependency sits behind a TCP proxy: stopped (connections refused) or hung (accepted, never answered); its state is checked in the report before and after the rounds',
        ],
      );
      report.record('app-tax', data);
    } finally {
      for (const server of servers) await server.stop();
      await proxy.stop();
      await peer.close();
      await stopRedis(redis);
    }
  },
};
