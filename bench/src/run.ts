// The benchmark harness (`npm run bench`, after bench/run.js has built everything): runs the scenarios one after the
// other, each starting its own servers (built Nest apps, one process each) and services, and prints and writes a report.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBenchOptions } from './harness/options.js';
import { BENCH_DIST, stopChildren } from './harness/processes.js';
import { Report, log } from './harness/report.js';
import type { Scenario } from './harness/scenario.js';
import { appTaxScenario } from './scenarios/app-tax.scenario.js';
import { bootstrapScenario } from './scenarios/bootstrap.scenario.js';
import { detectionScenario } from './scenarios/detection.scenario.js';
import { heapScenario } from './scenarios/heap.scenario.js';
import { hungDependencyScenario } from './scenarios/hung-dependency.scenario.js';
import { inAppScenario } from './scenarios/in-app.scenario.js';
import { probesScenario } from './scenarios/probes.scenario.js';
import { redisPingsScenario } from './scenarios/redis-pings.scenario.js';
import { rollingStopScenario } from './scenarios/rolling-stop.scenario.js';
import { routeAwareScenario } from './scenarios/route-aware.scenario.js';
import { scaleScenario } from './scenarios/scale.scenario.js';
import { slowChecksScenario } from './scenarios/slow-checks.scenario.js';
import { soakScenario } from './scenarios/soak.scenario.js';

const SCENARIOS: Scenario[] = [
  probesScenario,
  inAppScenario,
  appTaxScenario,
  routeAwareScenario,
  detectionScenario,
  scaleScenario,
  slowChecksScenario,
  redisPingsScenario,
  hungDependencyScenario,
  heapScenario,
  bootstrapScenario,
  rollingStopScenario,
  soakScenario,
];

const options = parseBenchOptions(
  process.argv.slice(2),
  SCENARIOS.map((scenario) => scenario.name),
  resolve(BENCH_DIST, '../../..'),
);
const selected = SCENARIOS.filter((scenario) => !options.only.length || options.only.includes(scenario.name));
const report = new Report(options.quick);
mkdirSync(options.resultsDir, { recursive: true });
log(`${options.quick ? 'quick run' : 'full run'}: ${selected.map((scenario) => scenario.name).join(', ')}; database ${options.databaseUrl}`);
try {
  for (const scenario of selected) {
    const started = performance.now();
    log(`${scenario.name}: ${scenario.title}…`);
    await scenario.run({ options, report });
    log(`${scenario.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  process.stdout.write(report.render());
  report.write(options.resultsDir);
  log(`written to ${join(options.resultsDir, 'latest.md')}`);
} finally {
  stopChildren();
}
