// Probes at the framework's limit: throughput and server CPU per request of /health/live and /health/ready against a
// bare Nest route, (a) in an app of its own and in nest-vitals' own process, beside plain @nestjs/terminus (b).
import { load, measure, median, type Measurement } from '../harness/load.js';
import { startServer, type BenchServer } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { startRedis, stopRedis } from '../harness/services.js';
import type { ProbeServerConfig } from '../server-config.js';

const CONNECTIONS = 20;

export const probesScenario: Scenario = {
  name: 'probes',
  title: 'probe throughput and server CPU per request against a bare Nest route',
  async run({ options, report }) {
    const rounds = options.quick ? 1 : 3;
    const seconds = options.quick ? 1 : 3;
    const redis = await startRedis();
    const base = { databaseUrl: options.databaseUrl, redisUrl: redis.url, indicators: options.indicators, checks: 'ready' } as const;
    const configs: Record<string, ProbeServerConfig> = {
      bare: { ...base, variant: 'bare' },
      terminus: { ...base, variant: 'terminus' },
      terminusCached: { ...base, variant: 'terminus', cacheTtlMs: 1000 },
      vitals: { ...base, variant: 'vitals' },
      vitalsTtl: { ...base, variant: 'vitals', cacheTtlMs: 1000 },
      vitalsTtlDefault: { ...base, variant: 'vitals', cacheTtlMs: 1000, details: 'default' },
      vitalsRefresh: { ...base, variant: 'vitals', refreshIntervalMs: 1000 },
      vitalsRefreshDefault: { ...base, variant: 'vitals', refreshIntervalMs: 1000, details: 'default' },
    };
    const servers: Record<string, BenchServer> = {};
    try {
      for (const [name, config] of Object.entries(configs)) servers[name] = await startServer(name, config);

      // Each target: a server and a path, measured once per round, interleaved; (a) before and after the others.
      const targets: Record<string, [BenchServer, string]> = {
        terminusLive: [servers.terminus, '/health/live'],
        vitalsLive: [servers.vitalsTtl, '/health/live'],
        vitalsInAppBare: [servers.vitalsTtl, '/bare-in-app'],
        terminusReady: [servers.terminus, '/health/ready'],
        terminusReadyCached: [servers.terminusCached, '/health/ready'],
        vitalsReady: [servers.vitals, '/health/ready'],
        vitalsReadyTtl: [servers.vitalsTtl, '/health/ready'],
        vitalsReadyTtlDefault: [servers.vitalsTtlDefault, '/health/ready'],
        vitalsReadyRefresh: [servers.vitalsRefresh, '/health/ready'],
        vitalsReadyRefreshDefault: [servers.vitalsRefreshDefault, '/health/ready'],
        vitalsRefreshInAppBare: [servers.vitalsRefreshDefault, '/bare-in-app'],
      };
      const bare: [BenchServer, string] = [servers.bare, '/health/ready'];
      for (const [name, [server, path]] of [['bare', bare] as const, ...Object.entries(targets)]) {
        const response = await fetch(`${server.url}${path}`);
        if (response.status !== 200) throw new Error(`${name}: ${path} answered ${response.status} ${await response.text()}`);
        await load(`${server.url}${path}`, { connections: CONNECTIONS, duration: 1 });
      }

      const runs: Record<string, Measurement[]> = { bare: [] };
      for (const name of Object.keys(targets)) runs[name] = [];
      const run = ([server, path]: [BenchServer, string]) => measure(server, path, { connections: CONNECTIONS, duration: seconds });
      for (let round = 1; round <= rounds; round++) {
        const before = await run(bare);
        for (const [name, target] of Object.entries(targets)) runs[name].push(await run(target));
        const after = await run(bare);
        runs.bare.push({ ...before, rps: (before.rps + after.rps) / 2, cpuPerRequest: (before.cpuPerRequest + after.cpuPerRequest) / 2 });
        log(`probes round ${round}/${rounds} done`);
      }

      // Per-round ratios, then their median: a round's load on the machine weighs on both sides of its ratio.
      const ratio = (name: string, reference: string) => ({
        rps: median(runs[name].map((m, i) => m.rps / runs[reference][i].rps)),
        cpu: median(runs[name].map((m, i) => runs[reference][i].cpuPerRequest / m.cpuPerRequest)),
      });
      const rows: string[][] = [];
      const row = (measurement: string, name: string, reference: string, target?: number) => {
        const r = ratio(name, reference);
        const figure = `${fmt.rps(median(runs[name].map((m) => m.rps)))}, ${fmt.us(median(runs[name].map((m) => m.cpuPerRequest)))}/request`;
        rows.push([measurement, figure, reference, fmt.ratio(r.rps), fmt.ratio(r.cpu), target ? `≥ ${target}×` : '—']);
        if (target)
          report.target({
            scenario: 'probes',
            target: `${measurement} ≥ ${target}× ${reference}`,
            figure: `${fmt.ratio(r.rps)} (CPU ${fmt.ratio(r.cpu)})`,
            met: r.rps >= target,
          });
      };
      row('(a) bare Nest app, `/health/ready`', 'bare', 'bare');
      row('(b) Terminus `/health/live`', 'terminusLive', 'bare');
      row('(c) `/health/live`', 'vitalsLive', 'bare');
      row('(c) `/health/live`', 'vitalsLive', 'vitalsInAppBare', 0.95);
      row('(b) Terminus `/health/ready`, uncached', 'terminusReady', 'bare');
      row('(b) Terminus `/health/ready`, `cacheFor(1000)`', 'terminusReadyCached', 'bare');
      row('(c) `/health/ready`, uncached (single-flight), full report', 'vitalsReady', 'bare');
      row("(c) `/health/ready`, `cacheTtlMs: 1000`, full report (`details: 'always'`)", 'vitalsReadyTtl', 'bare');
      row('(c) `/health/ready`, `cacheTtlMs: 1000`, default details', 'vitalsReadyTtlDefault', 'bare', 0.9);
      row("(c) `/health/ready`, `refreshIntervalMs: 1000`, full report (`details: 'always'`)", 'vitalsReadyRefresh', 'bare', 0.9);
      row('(c) `/health/ready`, `refreshIntervalMs: 1000`, default details', 'vitalsReadyRefreshDefault', 'bare', 0.9);
      row('(c) `/health/ready`, `refreshIntervalMs: 1000`, default details', 'vitalsReadyRefreshDefault', 'vitalsRefreshInAppBare', 0.9);
      const failures = Object.entries(runs).flatMap(([name, ms]) =>
        ms.filter((m) => m.non2xx || m.errors).map((m) => `${name}: ${m.non2xx} non-2xx, ${m.errors} errors`),
      );
      report.table(
        'probes',
        `throughput, ${CONNECTIONS} connections, median of ${rounds} interleaved round(s) of ${seconds} s; ratios are per-round, median`,
        ['measurement', 'throughput, server CPU', 'reference', 'ratio (throughput)', 'ratio (CPU)', 'target'],
        rows,
        [
          '`bare`: (a), a Nest app with one route; `vitalsInAppBare`, `vitalsRefreshInAppBare`: a bare route in the same nest-vitals process',
          `nest-vitals readiness checks: ${options.indicators === 'builtin' ? 'built-in database, redis, memory' : 'user-defined classes doing the same'}`,
          ...failures,
        ],
      );
      report.record('probes', runs);
    } finally {
      for (const server of Object.values(servers)) await server.stop();
      await stopRedis(redis);
    }
  },
};
