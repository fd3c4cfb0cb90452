// What route-aware health (`@DependsOn()`, fail fast) costs the app's routes, side by side:
// (1) an undecorated route (`GET /orders`) in an app with route-aware health on (fail fast, a decorated controller)
//     against the same app with it off (no route carries @DependsOn): nothing is added app-wide, so ≤ 1.02×;
// (2) a decorated route (`GET /guarded-orders`: the same handler behind @DependsOn('database')) against the same
//     route undecorated (`GET /orders`) in the same process: its guard reads a precomputed state, so ≤ 1.05×.
import { measure, median, type Measurement } from '../harness/load.js';
import { startServer, type BenchServer } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { startRedis, stopRedis } from '../harness/services.js';

const CONNECTIONS = 20;
const REFRESH_MS = 1000;
const TIMEOUT_MS = 900;
const UNDECORATED_TARGET = 1.02;
const DECORATED_TARGET = 1.05;

/** `measured` against the mean of the two reference runs around it, per round; the median of the rounds. */
async function ratios(
  rounds: number,
  reference: () => Promise<Measurement>,
  measured: () => Promise<Measurement>,
): Promise<{ ratios: number[]; reference: Measurement[]; measured: Measurement[] }> {
  const result = { ratios: [] as number[], reference: [] as Measurement[], measured: [] as Measurement[] };
  for (let round = 1; round <= rounds; round++) {
    const before = await reference();
    const during = await measured();
    const after = await reference();
    result.reference.push(before, after);
    result.measured.push(during);
    result.ratios.push(during.cpuPerRequest / ((before.cpuPerRequest + after.cpuPerRequest) / 2));
  }
  return result;
}

export const routeAwareScenario: Scenario = {
  name: 'route-aware',
  title: 'server CPU per request of routes without and with @DependsOn, route-aware health on against off',
  async run({ options, report }) {
    const rounds = options.quick ? 1 : 5;
    const seconds = options.quick ? 1 : 3;
    const redis = await startRedis();
    const servers: BenchServer[] = [];
    try {
      const health = { refreshIntervalMs: REFRESH_MS, timeoutMs: TIMEOUT_MS, redisUrl: redis.url };
      const off = await startServer('orders, route-aware off', { variant: 'orders', databaseUrl: options.databaseUrl, health });
      servers.push(off);
      const on = await startServer('orders, route-aware on', { variant: 'orders', databaseUrl: options.databaseUrl, health: { ...health, routeAware: true } });
      servers.push(on);
      const run = (server: BenchServer, path: string) => () => measure(server, path, { connections: CONNECTIONS, duration: seconds });
      // Warm-up of every route measured.
      for (const [server, path] of [
        [off, '/orders'],
        [on, '/orders'],
        [on, '/guarded-orders'],
      ] as const) {
        await run(server, path)();
      }

      const undecorated = await ratios(rounds, run(off, '/orders'), run(on, '/orders'));
      const decorated = await ratios(rounds, run(on, '/orders'), run(on, '/guarded-orders'));
      const rows: string[][] = [];
      for (const [label, result, target] of [
        ['`GET /orders` (no @DependsOn): on against off', undecorated, UNDECORATED_TARGET],
        ["`GET /guarded-orders` (@DependsOn('database')) against `GET /orders`, route-aware on", decorated, DECORATED_TARGET],
      ] as const) {
        const ratio = median(result.ratios);
        rows.push([
          label,
          fmt.us(median(result.reference.map((m) => m.cpuPerRequest))),
          fmt.us(median(result.measured.map((m) => m.cpuPerRequest))),
          fmt.ratio(ratio),
          `${fmt.ratio(Math.min(...result.ratios))}–${fmt.ratio(Math.max(...result.ratios))}`,
          `≤ ${target}×`,
        ]);
        report.target({ scenario: 'route-aware', target: `${label}: CPU/request ≤ ${target}×`, figure: fmt.ratio(ratio), met: ratio <= target });
        log(`route-aware ${label}: CPU ratio ${fmt.ratio(ratio)}`);
      }
      report.table(
        'route-aware',
        `${CONNECTIONS} connections, ${rounds} round(s) of reference / measured / reference, ${seconds} s each; both apps have HealthModule with database, redis, disk, memory, eventLoop refreshing every ${REFRESH_MS} ms; "on" adds \`dependsOn: { failFast: true }\` and a controller with \`@DependsOn('database')\` (database UP)`,
        ['route', 'server CPU/request (reference)', 'measured', 'ratio (CPU, median)', 'ratio range', 'target'],
        rows,
      );
      report.record('route-aware', { undecorated, decorated });
    } finally {
      for (const server of servers) await server.stop();
      await stopRedis(redis);
    }
  },
};
