// Cost against the number of checks: 1, 10, 100 and 500 in-memory user indicators (plus one HTTP dependency), all
// refreshed in the background. Per count: server CPU per cached `/health/ready` (default details and the full report),
// p99 latency, heap, event-loop delay while idle, the dependency's request count under 50 connections of probes, and
// the time from the dependency refusing connections to readiness answering 503. Writes the plot scale.svg.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { load, measure, median, slope, type Measurement } from '../harness/load.js';
import { renderChart } from '../harness/plot.js';
import { startServer } from '../harness/processes.js';
import { summarize, watchReadiness } from '../harness/readiness-watch.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { hostAndPort, startHttpPeer, startProxy } from '../harness/services.js';

const COUNTS = [1, 10, 100, 500];
const CONNECTIONS = 20;
const API_KEY = 'bench-key';

interface ScalePoint {
  checks: number;
  defaultDetails: Measurement;
  fullReport: Measurement;
  /** Server CPU per request less the background refresh's share (its rate measured while idle), in µs. */
  probeCpu: { defaultDetails: number; fullReport: number };
  /** Server CPU while idle (background refresh only), in µs per second. */
  backgroundCpuPerSecond: number;
  heapUsed: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  dependencyRequests: number;
  dependencyAllowed: number;
  detectionMs: number[];
}

export const scaleScenario: Scenario = {
  name: 'scale',
  title: 'cost against the number of checks',
  async run({ options, report }) {
    const seconds = options.quick ? 1 : 3;
    const loopSeconds = options.quick ? 2 : 5;
    const detectionTrials = Math.max(1, Math.ceil(options.trials / 4));
    const refreshMs = options.refreshMs;
    const peer = await startHttpPeer();
    const proxy = await startProxy(hostAndPort(peer.url, 80));
    const points: ScalePoint[] = [];
    try {
      for (const checks of COUNTS) {
        const server = await startServer(`scale ${checks}`, {
          variant: 'scale',
          checks,
          refreshIntervalMs: refreshMs,
          apiKey: API_KEY,
          httpUrl: `http://127.0.0.1:${proxy.port}/health`,
        });
        try {
          const ready = await watchReadiness(server, 'UP', performance.now(), 30_000);
          if (Number.isNaN(ready.readyMs)) throw new Error(`scale ${checks}: never ready`);
          // Idle: only the background refresh runs. Its CPU rate is taken out of the per-request figures below.
          await server.loopDelay();
          const idleCpuBefore = await server.cpuMicros();
          const idleStarted = performance.now();
          await sleep(loopSeconds * 1000);
          const backgroundCpuPerSecond = ((await server.cpuMicros()) - idleCpuBefore) / ((performance.now() - idleStarted) / 1000);
          const loopDelay = await server.loopDelay();

          const url = `${server.url}/health/ready`;
          await load(url, { connections: CONNECTIONS, duration: 1 });
          const defaultDetails = await measure(server, '/health/ready', { connections: CONNECTIONS, duration: seconds });
          const fullReport = await measure(server, '/health/ready', { connections: CONNECTIONS, duration: seconds, headers: { 'X-Health-Key': API_KEY } });
          const probeCpu = (run: Measurement) => (run.cpuMicros - (backgroundCpuPerSecond * run.elapsedMs) / 1000) / Math.max(1, run.requests);
          const heapUsed = await server.heapUsed();

          // 50 connections of probes: the dependency is still called once per refresh, whatever the probe rate.
          const requestsBefore = peer.requests();
          const started = performance.now();
          await load(url, { connections: 50, duration: seconds });
          const dependencyRequests = peer.requests() - requestsBefore;
          const dependencyAllowed = Math.ceil((performance.now() - started) / refreshMs) + 1;

          const detectionMs: number[] = [];
          for (let trial = 0; trial < detectionTrials; trial++) {
            await sleep(Math.random() * refreshMs);
            const failedAt = performance.now();
            await proxy.stop();
            detectionMs.push((await watchReadiness(server, 'DOWN', failedAt, 15_000)).readyMs);
            await proxy.start();
            if (Number.isNaN((await watchReadiness(server, 'UP', performance.now(), 15_000)).readyMs)) throw new Error(`scale ${checks}: not ready again`);
          }
          points.push({
            checks,
            defaultDetails,
            fullReport,
            probeCpu: { defaultDetails: probeCpu(defaultDetails), fullReport: probeCpu(fullReport) },
            backgroundCpuPerSecond,
            heapUsed,
            loopDelayP99Ms: loopDelay.p99Ms,
            loopDelayMaxMs: loopDelay.maxMs,
            dependencyRequests,
            dependencyAllowed,
            detectionMs,
          });
          log(`scale ${checks}: done`);
        } finally {
          await server.stop();
        }
      }
    } finally {
      await proxy.stop();
      await peer.close();
    }

    const perCheck = (pick: (point: ScalePoint) => number) => slope(points.map((point) => ({ x: point.checks, y: pick(point) })));
    const cpuDefault = perCheck((point) => point.probeCpu.defaultDetails);
    const cpuFull = perCheck((point) => point.probeCpu.fullReport);
    const heapPerCheck = perCheck((point) => point.heapUsed);
    report.table(
      'scale',
      `\`refreshIntervalMs: ${refreshMs}\`; ${CONNECTIONS} connections × ${seconds} s per figure; loop delay over ${loopSeconds} s idle; detection: ${detectionTrials} trial(s)`,
      [
        'checks',
        'CPU/request, default details',
        'p99',
        'CPU/request, full report',
        'p99',
        'background refresh CPU',
        'heap used',
        'event-loop delay p99 / max',
        'dependency calls, 50 connections',
        'refused → 503, median / worst',
      ],
      points.map((point) => [
        String(point.checks),
        fmt.us(point.probeCpu.defaultDetails),
        fmt.ms(point.defaultDetails.p99),
        fmt.us(point.probeCpu.fullReport),
        fmt.ms(point.fullReport.p99),
        `${(point.backgroundCpuPerSecond / 10_000).toFixed(1)} % of a core`,
        fmt.mb(point.heapUsed),
        `${fmt.ms(point.loopDelayP99Ms)} / ${fmt.ms(point.loopDelayMaxMs)}`,
        `${point.dependencyRequests} (≤ ${point.dependencyAllowed})`,
        `${fmt.ms(median(point.detectionMs))} / ${fmt.ms(summarize(point.detectionMs).worst)}`,
      ]),
      [
        `added per check (least-squares slope over the counts): CPU ${fmt.us(cpuDefault)} with default details, ${fmt.us(cpuFull)} with the full report; heap ${(heapPerCheck / 1024).toFixed(1)} KB`,
        "CPU/request: the server's CPU time over the run, less the background refresh's rate measured while idle, per request",
        'checks: N in-memory `@HealthIndicator` classes made at bootstrap, plus the `http` built-in on a dependency behind a TCP proxy (stopped for detection)',
      ],
    );
    const largest = points.at(-1)!;
    report.target({ scenario: 'scale', target: 'added CPU per check, default details ≤ 1 µs', figure: fmt.us(cpuDefault), met: cpuDefault <= 1 });
    report.target({ scenario: 'scale', target: 'added CPU per check, full report ≤ 5 µs', figure: fmt.us(cpuFull), met: cpuFull <= 5 });
    report.target({ scenario: 'scale', target: 'heap per check ≤ 20 KB', figure: `${(heapPerCheck / 1024).toFixed(1)} KB`, met: heapPerCheck <= 20 * 1024 });
    report.target({
      scenario: 'scale',
      target: `${largest.checks} checks refreshing: event-loop delay p99 ≤ 10 ms`,
      figure: fmt.ms(largest.loopDelayP99Ms),
      met: largest.loopDelayP99Ms <= 10,
    });
    const overCalled = points.filter((point) => point.dependencyRequests > point.dependencyAllowed);
    report.target({
      scenario: 'scale',
      target: '50 connections of probes: the dependency sees one check per refresh',
      figure: points.map((point) => `${point.checks}: ${point.dependencyRequests}`).join(', '),
      met: overCalled.length === 0,
    });
    const detection = summarize(points.flatMap((point) => point.detectionMs));
    report.target({
      scenario: 'scale',
      target: `refused dependency → 503 within ${refreshMs + 50} ms at every count`,
      figure: `worst ${fmt.ms(detection.worst)}`,
      met: detection.worst <= refreshMs + 50,
    });
    report.record('scale', { refreshMs, cpuPerCheck: { defaultDetails: cpuDefault, fullReport: cpuFull }, heapPerCheckBytes: heapPerCheck, points });

    const svg = renderChart(
      [
        {
          title: 'server CPU per cached /health/ready',
          xLabel: 'number of checks',
          yLabel: 'µs per request',
          series: [
            { name: 'default details', color: '#1f77b4', points: points.map((p) => ({ x: p.checks, y: p.probeCpu.defaultDetails })) },
            { name: 'full report', color: '#d62728', points: points.map((p) => ({ x: p.checks, y: p.probeCpu.fullReport })) },
          ],
        },
        {
          title: `dependency refused → 503 (refresh ${refreshMs} ms)`,
          xLabel: 'number of checks',
          yLabel: 'ms',
          series: [
            { name: 'median', color: '#2ca02c', points: points.map((p) => ({ x: p.checks, y: median(p.detectionMs) })) },
            { name: 'worst', color: '#ff7f0e', points: points.map((p) => ({ x: p.checks, y: summarize(p.detectionMs).worst })) },
            { name: 'target R + 50 ms', color: '#999', points: points.map((p) => ({ x: p.checks, y: refreshMs + 50 })) },
          ],
        },
      ],
      `nest-vitals ${new Date().toISOString().slice(0, 16)} UTC${options.quick ? ' — quick run, figures not meaningful' : ''}`,
    );
    writeFileSync(join(options.resultsDir, 'scale.svg'), svg);
  },
};
