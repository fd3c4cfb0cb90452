import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { startPrometheus, type PromSample, type RunningPrometheus } from './support/prometheus.js';
import { eventually } from './support/report.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const DASHBOARD = 'deploy/grafana/nest-vitals.json';
const ALERTS = resolve('deploy/prometheus/alerts.yaml');
const JOB = 'nest-vitals-sample';

interface Target {
  refId: string;
  expr: string;
  instant?: boolean;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string; datasource?: unknown }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
/** Every panel, rows' panels included. */
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const targets = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

/**
 * A target's expression as Grafana sends it: `$job` as the selected value, `$__rate_interval` at least four
 * scrape intervals (1 s here), `$__range` the dashboard's time range (from the start of the test to now).
 */
function interpolate(expr: string, variables: { job: string; rangeSeconds: number }): string {
  const text = expr.replaceAll('$__rate_interval', '10s').replaceAll('$__range', `${variables.rangeSeconds}s`).replaceAll('$job', variables.job);
  if (text.includes('$')) throw new Error(`a variable the test does not know is left in: ${text}`);
  return text;
}

const value = (samples: PromSample[], labels: Record<string, string>): number | undefined => {
  const matching = samples.filter((sample) => Object.entries(labels).every(([key, expected]) => sample.metric[key] === expected));
  return matching.length === 1 ? Number(matching[0].value[1]) : undefined;
};

describe('deploy/grafana/nest-vitals.json', () => {
  it('is a current Grafana dashboard with the datasource and job variables, every query filtered by $job', () => {
    expect(dashboard).toMatchObject({ uid: 'nest-vitals', title: 'nest-vitals health' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const [datasource, job] = dashboard.templating.list;
    expect(datasource).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    expect(job).toMatchObject({
      name: 'job',
      type: 'query',
      definition: 'label_values(health_status, job)',
      query: { query: 'label_values(health_status, job)' },
      datasource: { type: 'prometheus', uid: '${datasource}' },
    });
    expect(dashboard.templating.list).toHaveLength(2);

    expect(new Set(panels.map((panel) => panel.type))).toEqual(new Set(['stat', 'state-timeline', 'timeseries', 'bargauge']));
    expect(panels.map((panel) => panel.title)).toEqual(
      expect.arrayContaining(['Probe status', 'Check status', 'Transitions', 'Check duration percentiles', 'Slowest checks']),
    );
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const { panel, target } of targets) {
      expect({ panel: panel.title, datasource: panel.datasource, target: target.datasource }).toEqual({
        panel: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        target: { type: 'prometheus', uid: '${datasource}' },
      });
      // Every metric selector carries the job filter.
      const selectors = [...target.expr.matchAll(/\b(health_\w+|up)\b(\{[^}]*\})?/g)];
      expect(selectors.length).toBeGreaterThan(0);
      for (const [selector, , labels] of selectors)
        expect({ panel: panel.title, selector, labels }).toEqual({ panel: panel.title, selector, labels: expect.stringContaining('job=~"$job"') });
    }
    const expressions = targets.map(({ target }) => target.expr).join('\n');
    for (const quantile of ['0.5', '0.9', '0.99'])
      expect(expressions).toContain(`histogram_quantile(${quantile}, sum by (job, check, le) (rate(health_check_duration_seconds_bucket`);
    expect(expressions).toMatch(/topk\(5, histogram_quantile\(0\.99,/);
  });
});

describe('the dashboard and the alerting rules on a real Prometheus scraping the sample app while a dependency goes DOWN and back', () => {
  let dependency: Server;
  let dependencyHealthy = true;
  let app: RunningProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let dataDir: string;
  let probing = true;
  let prober: Promise<void> | undefined;
  const startedAt = Date.now() / 1000;

  beforeAll(async () => {
    expect(existsSync(SAMPLE_MAIN)).toBe(true);
    dependency = createServer((_request, response) => {
      response.writeHead(dependencyHealthy ? 200 : 503).end(dependencyHealthy ? 'ok' : 'unavailable');
    });
    await new Promise<void>((resolve) => dependency.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-dashboard-'));
    const port = await allocatePort();
    app = startNode([SAMPLE_MAIN], {
      PORT: String(port),
      SQLITE_PATH: join(dataDir, 'sample.sqlite'),
      DEPENDENCY_URL: `http://127.0.0.1:${(dependency.address() as AddressInfo).port}/health`,
      // In readiness (the sample makes it route-scoped by default): these tests watch the probes follow it.
      DEPENDENCY_PROBES: 'readiness',
      HEALTH_CACHE_TTL_MS: '',
      // The checks run in the background, so every check has duration samples whatever the probes ask.
      HEALTH_REFRESH_INTERVAL_MS: '500',
    });
    await waitForOutput(app, /listening on/, 60_000);
    // A kubelet of sorts: the probe gauges change when a probe answers.
    prober = (async () => {
      while (probing) {
        for (const path of ['/health/startup', '/health/live', '/health/ready', '/health']) {
          await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) })
            .then((response) => response.arrayBuffer())
            .catch(() => undefined);
        }
        await sleep(500);
      }
    })();
    prometheus = await startPrometheus({ job: JOB, targets: [`127.0.0.1:${port}`], ruleFiles: [ALERTS] });
  }, 120_000);

  afterAll(async () => {
    probing = false;
    await prober;
    await prometheus?.stop();
    await app?.stop();
    await new Promise((resolve) => dependency?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Polls an instant query until `accept` passes on its series. */
  const until = (expr: string, accept: (samples: PromSample[]) => boolean, timeoutMs = 60_000) =>
    eventually(() => prometheus!.query(expr), accept, timeoutMs, 500);

  it('scrapes the sample app: every check UP, the probes answered', async () => {
    await until('health_check_status{check="dependency"}', (samples) => value(samples, { job: JOB }) === 1);
    const probes = await until('health_status', (samples) => samples.length === 4);
    expect(Object.fromEntries(probes.map((sample) => [sample.metric.probe, Number(sample.value[1])]))).toEqual({
      all: 1,
      liveness: 1,
      readiness: 1,
      startup: 1,
    });
    const checks = await until('health_check_status', (samples) => samples.length >= 6);
    expect(checks.map((sample) => sample.metric.check).sort()).toEqual(
      expect.arrayContaining(['database', 'dependency', 'disk', 'event-loop', 'memory', 'notes-store']),
    );
  }, 90_000);

  it('sees the dependency go DOWN (readiness DEGRADED) and come back, one transition each way', async () => {
    dependencyHealthy = false;
    await until('health_check_status{check="dependency"}', (samples) => value(samples, { job: JOB }) === 0);
    await until('health_status{probe="readiness"}', (samples) => value(samples, { job: JOB }) === 0.5);
    // Held DOWN a few scrapes, so a range query at one-second steps sees it.
    await sleep(3000);
    dependencyHealthy = true;
    await until('health_check_status{check="dependency"}', (samples) => value(samples, { job: JOB }) === 1);
    const transitions = await until('health_check_transitions_total{check="dependency"}', (samples) => value(samples, { to: 'UP' }) === 1);
    expect(Object.fromEntries(transitions.map((sample) => [sample.metric.to, Number(sample.value[1])]))).toEqual({ UP: 1, DEGRADED: 0, DOWN: 1 });
  }, 120_000);

  it("evaluates every panel's every query through the HTTP API: each parses and returns series", async () => {
    const rangeSeconds = Math.ceil(Date.now() / 1000 - startedAt) + 5;
    for (const job of [JOB, '.+']) {
      for (const { panel, target } of targets) {
        const expr = interpolate(target.expr, { job, rangeSeconds });
        // Rate windows need two scrapes of the latest data: poll rather than fail on a late scrape.
        const samples = await until(expr, (result) => result.length > 0, 30_000);
        expect({ panel: panel.title, refId: target.refId, series: samples.length > 0 }).toEqual({ panel: panel.title, refId: target.refId, series: true });
        expect(samples.every((sample) => Number.isFinite(Number(sample.value[1])) || sample.value[1] === 'NaN')).toBe(true);
      }
    }

    const query = (title: string, index = 0) => interpolate(panels.find((panel) => panel.title === title)!.targets![index].expr, { job: JOB, rangeSeconds });
    // The check timeline shows the DOWN spell between UP ones (polled: its last step may be a second behind).
    const dependencyTimeline = async () => {
      const series = (await prometheus!.queryRange(query('Check status'), startedAt, 1)).find((entry) => entry.metric.check === 'dependency');
      return (series?.values ?? []).map(([, sampled]) => Number(sampled));
    };
    const statuses = await eventually(dependencyTimeline, (values) => values.lastIndexOf(1) > values.lastIndexOf(0), 30_000, 500);
    expect(statuses.indexOf(1)).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf(0)).toBeGreaterThan(statuses.indexOf(1));
    expect(new Set(statuses)).toEqual(new Set([0, 1]));
    // Two transitions of the dependency in the range, none of the other checks.
    const counted = await prometheus!.query(query('Most transitions in the time range'));
    expect(value(counted, { check: 'dependency' })).toBeGreaterThanOrEqual(1.5);
    expect(value(counted, { check: 'database' })).toBe(0);
    // The probe status panel: every probe UP again. A probe's gauge changes when the prober's next request is
    // answered and Prometheus scrapes it (up to ~2 s after the check recovered): polled, like the timeline.
    const probeStatus = (samples: PromSample[]) => Object.fromEntries(samples.map((sample) => [sample.metric.probe, Number(sample.value[1])]));
    const probes = await until(query('Probe status'), (samples) => samples.length === 4 && samples.every((sample) => Number(sample.value[1]) === 1), 30_000);
    expect(probeStatus(probes)).toEqual({ all: 1, liveness: 1, readiness: 1, startup: 1 });
    // Percentiles are durations within the check timeout (1 s).
    for (const sample of await prometheus!.query(query('Check duration percentiles', 2))) {
      if (sample.value[1] !== 'NaN') expect(Number(sample.value[1])).toBeLessThanOrEqual(1);
    }
    expect((await prometheus!.query(query('Slowest checks'))).length).toBeLessThanOrEqual(5);
  }, 240_000);

  it("lists the sample app's job as the job variable's value (label_values(health_status, job))", async () => {
    const jobs = await prometheus!.api<string[]>(`/api/v1/label/job/values?match[]=${encodeURIComponent('health_status')}`);
    expect(jobs).toEqual([JOB]);
  });

  it('loads the alerting rules, evaluates them on the real series without error, and classes the dependency as non-critical', async () => {
    interface RuleState {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
    }
    const rules = await eventually(
      async () => (await prometheus!.api<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules?type=alert')).groups.flatMap((group) => group.rules),
      (loaded) => loaded.length === 8 && loaded.every((rule) => !rule.lastEvaluation.startsWith('0001')),
      30_000,
      500,
    );
    expect(rules.map((rule) => ({ name: rule.name, health: rule.health, lastError: rule.lastError ?? '' }))).toEqual(
      rules.map((rule) => ({ name: rule.name, health: 'ok', lastError: '' })),
    );

    // Down again: the non-critical check's alert is pending (its `for` is 15 minutes), the critical one's is not.
    dependencyHealthy = false;
    const pending = await eventually(
      async () => (await prometheus!.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts')).alerts,
      (alerts) => alerts.some((alert) => alert.labels.alertname === 'NestVitalsCheckDown'),
      60_000,
      500,
    );
    expect(pending.map((alert) => ({ ...alert.labels, state: alert.state }))).toEqual([
      {
        alertname: 'NestVitalsCheckDown',
        severity: 'warning',
        job: JOB,
        instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        check: 'dependency',
        critical: 'false',
        state: 'pending',
      },
    ]);
    dependencyHealthy = true;
    await eventually(
      async () => (await prometheus!.api<{ alerts: unknown[] }>('/api/v1/alerts')).alerts,
      (alerts) => alerts.length === 0,
      60_000,
      500,
    );
  }, 180_000);
});
