// No leak per request: heap after many cached readiness probes stays within 5 MB of the heap after the first thousand.
import { load } from '../harness/load.js';
import { startServer } from '../harness/processes.js';
import { fmt } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { startRedis, stopRedis } from '../harness/services.js';

export const heapScenario: Scenario = {
  name: 'heap',
  title: 'heap growth under readiness probes',
  async run({ options, report }) {
    const total = options.quick ? 20_000 : 100_000;
    const redis = await startRedis();
    const server = await startServer('vitals heap', {
      variant: 'vitals',
      checks: 'ready',
      indicators: options.indicators,
      cacheTtlMs: 1000,
      databaseUrl: options.databaseUrl,
      redisUrl: redis.url,
    });
    try {
      const url = `${server.url}/health/ready`;
      await load(url, { connections: 20, amount: 1000 });
      const first = await server.heapUsed();
      const rest = await load(url, { connections: 20, amount: total - 1000 });
      const last = await server.heapUsed();
      const growth = last - first;
      report.table(
        'heap',
        `heap used after GC, \`cacheTtlMs: 1000\`, 20 connections`,
        ['after 1,000 requests', `after ${fmt.int(total)}`, 'growth', 'non-2xx', 'target'],
        [[fmt.mb(first), fmt.mb(last), fmt.mb(growth), fmt.int(rest.non2xx), 'within 5 MB']],
      );
      report.target({
        scenario: 'heap',
        target: `heap after ${fmt.int(total)} requests within 5 MB of after 1,000`,
        figure: fmt.mb(growth),
        met: Math.abs(growth) <= 5 * 1024 * 1024,
      });
    } finally {
      await server.stop();
      await stopRedis(redis);
    }
  },
};
