// Dependency load: however many probes arrive, Redis sees one PING per cache TTL (counted on a redis-server of our own).
import { setTimeout as sleep } from 'node:timers/promises';
import { load } from '../harness/load.js';
import { startServer } from '../harness/processes.js';
import { fmt } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { commandCalls, startRedis, stopRedis } from '../harness/services.js';
import type { ProbeServerConfig } from '../server-config.js';

export const redisPingsScenario: Scenario = {
  name: 'pings',
  title: 'Redis PINGs under 50 connections of readiness probes',
  async run({ options, report }) {
    const seconds = options.quick ? 3 : 10;
    const redis = await startRedis();
    const counts: Record<string, number> = {};
    try {
      const base = { databaseUrl: options.databaseUrl, redisUrl: redis.url, checks: 'ready', indicators: options.indicators } as const;
      const setups: [string, ProbeServerConfig][] = [
        ['(c) nest-vitals, `cacheTtlMs: 1000`', { ...base, variant: 'vitals', cacheTtlMs: 1000 }],
        ['(b) plain Terminus, uncached', { ...base, variant: 'terminus' }],
        ['(b) plain Terminus, `cacheFor(1000)`', { ...base, variant: 'terminus', cacheTtlMs: 1000 }],
      ];
      for (const [label, config] of setups) {
        const server = await startServer(label, config);
        try {
          await sleep(200);
          await redis.cli('CONFIG', 'RESETSTAT');
          await load(`${server.url}/health/ready`, { connections: 50, duration: seconds });
          counts[label] = await commandCalls(redis, 'ping');
        } finally {
          await server.stop();
        }
      }
    } finally {
      await stopRedis(redis);
    }
    const limit = seconds + 1;
    report.table(
      'pings',
      `PINGs Redis got during 50 connections × ${seconds} s on \`/health/ready\``,
      ['server', 'PINGs', 'target'],
      Object.entries(counts).map(([label, count], index) => [label, fmt.int(count), index === 0 ? `≤ ${limit}` : '(peer)']),
    );
    const vitals = Object.values(counts)[0];
    report.target({
      scenario: 'pings',
      target: `50 connections × ${seconds} s, \`cacheTtlMs: 1000\`: ≤ ${limit} PINGs`,
      figure: fmt.int(vitals),
      met: vitals <= limit,
    });
  },
};
