// How fast a failure shows: with `refreshIntervalMs: R`, the time from a dependency failing (refused or hung) to
// `/health/ready` answering 503 and to `health_status{probe="readiness"}` reading 0 on `/metrics`, and back after it
// returns. Redis is a redis-server of our own (stopped, or frozen with SIGSTOP); PostgreSQL is the shared one behind a
// TCP proxy (the proxy is stopped or frozen, never the database).
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../harness/processes.js';
import { summarize, watchReadiness, type Detection } from '../harness/readiness-watch.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { hostAndPort, startProxy, startRedis, stopRedis } from '../harness/services.js';

const TIMEOUT_MS = 500;
const SLACK_MS = 50;

interface FailureKind {
  name: string;
  hung: boolean;
  fail(): Promise<void> | void;
  recover(): Promise<void> | void;
}

export const detectionScenario: Scenario = {
  name: 'detection',
  title: 'time from a dependency failing (and returning) to readiness and its metric changing',
  async run({ options, report }) {
    const refreshMs = options.refreshMs;
    const redis = await startRedis();
    const proxy = await startProxy(hostAndPort(options.databaseUrl, 5432));
    const databaseUrl = new URL(options.databaseUrl);
    databaseUrl.host = `127.0.0.1:${proxy.port}`;
    const server = await startServer('detection', {
      variant: 'orders',
      databaseUrl: databaseUrl.toString(),
      health: { refreshIntervalMs: refreshMs, timeoutMs: TIMEOUT_MS, redisUrl: redis.url },
    });
    const kinds: FailureKind[] = [
      { name: 'Redis stopped (refused)', hung: false, fail: () => redis.stop(), recover: () => redis.start() },
      { name: 'Redis frozen (SIGSTOP)', hung: true, fail: () => redis.pause(), recover: () => redis.resume() },
      { name: 'PostgreSQL proxy stopped (refused)', hung: false, fail: () => proxy.stop(), recover: () => proxy.start() },
      { name: 'PostgreSQL proxy frozen', hung: true, fail: () => proxy.hang(), recover: () => proxy.resume() },
    ];
    const limitMs = 15_000;
    const rows: string[][] = [];
    const data: Record<string, { down: Detection[]; up: Detection[] }> = {};
    try {
      const healthy = await watchReadiness(server, 'UP', performance.now(), limitMs);
      if (Number.isNaN(healthy.readyMs)) throw new Error('detection: the app never became ready');
      for (const kind of kinds) {
        const down: Detection[] = [];
        const up: Detection[] = [];
        for (let trial = 1; trial <= options.trials; trial++) {
          // A random phase against the refresh loop, so the trials do not all fail at the same point of it.
          await sleep(Math.random() * refreshMs);
          const failedAt = performance.now();
          await kind.fail();
          down.push(await watchReadiness(server, 'DOWN', failedAt, limitMs));
          await sleep(Math.random() * refreshMs);
          await kind.recover();
          const back = await watchReadiness(server, 'UP', performance.now(), limitMs);
          up.push(back);
          if (Number.isNaN(back.readyMs) || Number.isNaN(back.metricMs)) throw new Error(`detection: ${kind.name}: not ready again within ${limitMs} ms`);
        }
        data[kind.name] = { down, up };
        const failLimit = refreshMs + (kind.hung ? TIMEOUT_MS : 0) + SLACK_MS;
        const recoverLimit = refreshMs + SLACK_MS;
        const cells = (values: Detection[], key: keyof Detection) => {
          const { median, worst, missed } = summarize(values.map((value) => value[key]));
          return `${fmt.ms(median)} / ${Number.isFinite(worst) ? fmt.ms(worst) : `never (${missed})`}`;
        };
        const worst = (values: Detection[]) =>
          Math.max(...values.flatMap((value) => [value.readyMs, value.metricMs]).map((v) => (Number.isNaN(v) ? Infinity : v)));
        rows.push([
          kind.name,
          cells(down, 'readyMs'),
          cells(down, 'metricMs'),
          `≤ ${failLimit} ms`,
          cells(up, 'readyMs'),
          cells(up, 'metricMs'),
          `≤ ${recoverLimit} ms`,
        ]);
        report.target({
          scenario: 'detection',
          target: `${kind.name}: 503 and metric within ${failLimit} ms (worst of ${options.trials})`,
          figure: fmt.ms(worst(down)),
          met: worst(down) <= failLimit,
        });
        report.target({
          scenario: 'detection',
          target: `${kind.name}, back: 200 and metric within ${recoverLimit} ms (worst of ${options.trials})`,
          figure: fmt.ms(worst(up)),
          met: worst(up) <= recoverLimit,
        });
        log(`detection ${kind.name}: done`);
      }
      report.table(
        'detection',
        `\`refreshIntervalMs: ${refreshMs}\`, \`timeoutMs: ${TIMEOUT_MS}\`; median / worst of ${options.trials} trials, polled every 5 ms`,
        ['failure', '→ 503', '→ `health_status` 0', 'target', 'back → 200', 'back → `health_status` 1', 'target'],
        rows,
        [
          'failure times run from the moment the harness stops or freezes the dependency; recovery times from the moment it answers again',
          '`health_status` changes when a probe answers differently: it follows the readiness polls, not the background refresh alone',
        ],
      );
      report.record('detection', { refreshMs, timeoutMs: TIMEOUT_MS, data });
    } finally {
      await server.stop();
      await proxy.stop();
      await stopRedis(redis);
    }
  },
};
