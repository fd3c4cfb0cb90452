// In-app probes at a bare route's cost (issue 24): /health/live and /health/ready (default details: what a kubelet
// gets) against a bare route in the same app, on Express and on Fastify; and the probe server against a bare Nest app.
// Interleaved: every target is measured between two runs of its reference, and the ratio is taken per round.
import { load, measure, median, type Measurement } from '../harness/load.js';
import { startServer, type BenchServer } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { startRedis, stopRedis } from '../harness/services.js';
import type { ProbeServerConfig } from '../server-config.js';

const CONNECTIONS = 20;
const IN_APP_TARGET = 0.95;
const PROBE_SERVER_TARGET = 2.5;

interface Target {
  name: string;
  measured: [BenchServer, string];
  reference: [BenchServer, string];
  referenceName: string;
  target: number;
}

export const inAppScenario: Scenario = {
  name: 'in-app',
  title: 'in-app probes against a bare route in the same app, Express and Fastify; the probe server against a bare Nest app',
  async run({ options, report }) {
    const rounds = options.quick ? 1 : 5;
    const seconds = options.quick ? 1 : 3;
    const redis = await startRedis();
    const servers: BenchServer[] = [];
    const rows: string[][] = [];
    const data: Record<string, { measured: Measurement[]; reference: Measurement[] }> = {};
    try {
      for (const adapter of ['express', 'fastify'] as const) {
        const base = { databaseUrl: options.databaseUrl, redisUrl: redis.url, indicators: options.indicators, checks: 'ready', adapter } as const;
        const start = async (name: string, config: ProbeServerConfig) => {
          const server = await startServer(`${name} (${adapter})`, config);
          servers.push(server);
          return server;
        };
        const refresh = await start('refresh', { ...base, variant: 'vitals', refreshIntervalMs: 1000, details: 'default' });
        const ttl = await start('ttl', { ...base, variant: 'vitals', cacheTtlMs: 1000, details: 'default' });
        const probeServer = await start('probe server', { ...base, variant: 'vitals', refreshIntervalMs: 1000, details: 'default', probeServer: true });
        const bare = await start('bare', { ...base, variant: 'bare' });
        const onProbeServer: BenchServer = { ...probeServer, url: probeServer.probeUrl! };
        const targets: Target[] = [
          {
            name: '`/health/live`',
            measured: [refresh, '/health/live'],
            reference: [refresh, '/bare-in-app'],
            referenceName: 'in-app bare route',
            target: IN_APP_TARGET,
          },
          {
            name: '`/health/ready`, `refreshIntervalMs: 1000`, default details',
            measured: [refresh, '/health/ready'],
            reference: [refresh, '/bare-in-app'],
            referenceName: 'in-app bare route',
            target: IN_APP_TARGET,
          },
          {
            name: '`/health/ready`, `cacheTtlMs: 1000`, default details',
            measured: [ttl, '/health/ready'],
            reference: [ttl, '/bare-in-app'],
            referenceName: 'in-app bare route',
            target: IN_APP_TARGET,
          },
          {
            name: 'probe server `/health/ready`, `refreshIntervalMs: 1000`, default details',
            measured: [onProbeServer, '/health/ready'],
            reference: [bare, '/health/ready'],
            referenceName: 'bare Nest app',
            target: PROBE_SERVER_TARGET,
          },
        ];
        for (const { measured, reference } of targets) {
          for (const [server, path] of [measured, reference]) {
            const response = await fetch(`${server.url}${path}`);
            if (response.status !== 200) throw new Error(`${server.name}: ${path} answered ${response.status} ${await response.text()}`);
            await load(`${server.url}${path}`, { connections: CONNECTIONS, duration: 1 });
          }
        }
        const run = ([server, path]: [BenchServer, string]) => measure(server, path, { connections: CONNECTIONS, duration: seconds });
        const runs = targets.map(() => ({ measured: [] as Measurement[], reference: [] as Measurement[], rps: [] as number[], cpu: [] as number[] }));
        for (let round = 1; round <= rounds; round++) {
          for (const [index, target] of targets.entries()) {
            // reference, measured, reference: the round's reference is the mean of the two runs around it.
            const before = await run(target.reference);
            const measured = await run(target.measured);
            const after = await run(target.reference);
            const referenceRps = (before.rps + after.rps) / 2;
            const referenceCpu = (before.cpuPerRequest + after.cpuPerRequest) / 2;
            runs[index].measured.push(measured);
            runs[index].reference.push(before, after);
            runs[index].rps.push(measured.rps / referenceRps);
            runs[index].cpu.push(referenceCpu / measured.cpuPerRequest);
          }
          log(`in-app ${adapter} round ${round}/${rounds} done`);
        }
        for (const [index, target] of targets.entries()) {
          const { measured, reference, rps, cpu } = runs[index];
          const rpsRatio = median(rps);
          const cpuRatio = median(cpu);
          rows.push([
            adapter,
            target.name,
            `${fmt.rps(median(measured.map((m) => m.rps)))}, ${fmt.us(median(measured.map((m) => m.cpuPerRequest)))}/request`,
            `${target.referenceName}: ${fmt.rps(median(reference.map((m) => m.rps)))}, ${fmt.us(median(reference.map((m) => m.cpuPerRequest)))}/request`,
            `${fmt.ratio(rpsRatio)} (${fmt.ratio(Math.min(...rps))}–${fmt.ratio(Math.max(...rps))})`,
            fmt.ratio(cpuRatio),
            `≥ ${target.target}×`,
          ]);
          report.target({
            scenario: 'in-app',
            target: `${adapter}: ${target.name} ≥ ${target.target}× ${target.referenceName}`,
            figure: `${fmt.ratio(rpsRatio)} (CPU ${fmt.ratio(cpuRatio)})`,
            met: rpsRatio >= target.target,
          });
          data[`${adapter} ${target.name}`] = { measured, reference };
          const failures = measured.filter((m) => m.non2xx || m.errors);
          if (failures.length > 0) log(`in-app ${adapter} ${target.name}: ${failures.length} run(s) with non-2xx or errors`);
        }
        for (const server of servers.splice(0)) await server.stop();
      }
      report.table(
        'in-app',
        `${CONNECTIONS} connections; ${rounds} interleaved round(s) of reference / measured / reference, ${seconds} s each; ratios per round, median (range)`,
        ['adapter', 'measured', 'throughput, server CPU', 'reference', 'ratio (throughput)', 'ratio (CPU per request)', 'target'],
        rows,
        [
          'in-app bare route: `GET /bare-in-app` in the same nest-vitals process (same modules, middleware, heap); bare Nest app: (a), an app of one route',
          `readiness checks: ${options.indicators === 'builtin' ? 'built-in database, redis, memory' : 'user-defined classes doing the same'}; no API key sent (body \`{"status":"UP"}\`)`,
        ],
      );
      report.record('in-app', data);
    } finally {
      for (const server of servers) await server.stop();
      await stopRedis(redis);
    }
  },
};
