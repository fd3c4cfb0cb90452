// Five checks of 50 ms each, uncached: a probe takes about as long as the slowest check, not the sum.
import { load, type LoadSummary } from '../harness/load.js';
import { startServer } from '../harness/processes.js';
import { fmt } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { SHARED_REDIS_URL } from '../harness/services.js';

export const slowChecksScenario: Scenario = {
  name: 'slow',
  title: 'five 50 ms checks, uncached: median latency',
  async run({ options, report }) {
    const seconds = options.quick ? 2 : 4;
    const results: Partial<Record<'terminus' | 'vitals', { single: LoadSummary; concurrent: LoadSummary }>> = {};
    for (const variant of ['terminus', 'vitals'] as const) {
      const server = await startServer(`${variant} 5×50 ms`, { variant, checks: 'slow5', databaseUrl: options.databaseUrl, redisUrl: SHARED_REDIS_URL });
      try {
        const url = `${server.url}/health/ready`;
        await load(url, { connections: 1, duration: 1 });
        results[variant] = {
          single: await load(url, { connections: 1, duration: seconds }),
          concurrent: await load(url, { connections: 10, duration: seconds }),
        };
      } finally {
        await server.stop();
      }
    }
    const { terminus, vitals } = results as Required<typeof results>;
    report.table(
      'slow',
      'five checks × 50 ms, uncached',
      ['connections', '(b) plain Terminus, median', '(c) nest-vitals, median', 'target for (c)'],
      [
        ['1', fmt.ms(terminus.single.p50), fmt.ms(vitals.single.p50), '≤ 60 ms'],
        ['10', fmt.ms(terminus.concurrent.p50), fmt.ms(vitals.concurrent.p50), '≤ 60 ms'],
      ],
    );
    for (const [connections, summary] of [
      ['1', vitals.single],
      ['10', vitals.concurrent],
    ] as const) {
      report.target({
        scenario: 'slow',
        target: `5 × 50 ms checks, ${connections} connection(s): median ≤ 60 ms`,
        figure: fmt.ms(summary.p50),
        met: summary.p50 <= 60,
      });
    }
  },
};
