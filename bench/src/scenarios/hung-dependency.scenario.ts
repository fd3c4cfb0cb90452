// A dependency that accepts connections and never answers: every probe still answers 503 within the timeout.
import { load, type LoadSummary } from '../harness/load.js';
import { startServer } from '../harness/processes.js';
import { fmt } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { SHARED_REDIS_URL, benchPort, startSilentServer } from '../harness/services.js';

export const hungDependencyScenario: Scenario = {
  name: 'hung',
  title: 'dependency that never answers, `timeoutMs: 500`: p99 latency',
  async run({ options, report }) {
    const seconds = options.quick ? 2 : 4;
    const port = await benchPort();
    const hung = await startSilentServer(port);
    const results: Partial<Record<'terminus' | 'vitals', LoadSummary>> = {};
    try {
      for (const variant of ['terminus', 'vitals'] as const) {
        const server = await startServer(`${variant} hung`, {
          variant,
          checks: 'hung',
          indicators: options.indicators,
          timeoutMs: 500,
          hungUrl: `http://127.0.0.1:${port}/health`,
          databaseUrl: options.databaseUrl,
          redisUrl: SHARED_REDIS_URL,
        });
        try {
          results[variant] = await load(`${server.url}/health/ready`, { connections: 10, duration: seconds });
        } finally {
          await server.stop();
        }
      }
    } finally {
      await hung.close();
    }
    const { terminus, vitals } = results as Required<typeof results>;
    report.table(
      'hung',
      `10 connections × ${seconds} s on \`/health/ready\`; (c): ${options.indicators === 'builtin' ? 'built-in `http` indicator' : 'user-defined indicator'}`,
      ['server', 'p99 latency', '503 answers', 'target'],
      [
        ['(b) plain Terminus, `withTimeout(500)`', fmt.ms(terminus.p99), `${terminus.non2xx} of ${terminus.requests}`, '(peer)'],
        ['(c) nest-vitals', fmt.ms(vitals.p99), `${vitals.non2xx} of ${vitals.requests}`, '≤ 600 ms, every answer 503'],
      ],
    );
    report.target({
      scenario: 'hung',
      target: 'hung dependency, `timeoutMs: 500`: p99 ≤ 600 ms, every answer 503',
      figure: `${fmt.ms(vitals.p99)}, ${vitals.non2xx} of ${vitals.requests} 503`,
      met: vitals.p99 <= 600 && vitals.non2xx === vitals.requests,
    });
  },
};
