import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { requireBinary, runCommand } from './support/prometheus.js';

const RULES_DIR = 'deploy/prometheus';
const ALERTS = join(RULES_DIR, 'alerts.yaml');
const ALERTS_TEST = join(RULES_DIR, 'alerts.test.yaml');
const PROMETHEUS_RULE = join(RULES_DIR, 'prometheus-rule.yaml');

interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: AlertingRule[] }[];
}
interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: unknown[];
}

const ruleFile = load(readFileSync(ALERTS, 'utf8')) as RuleFile;
const alerts = ruleFile.groups.flatMap((group) => group.rules);
const unitTests = (load(readFileSync(ALERTS_TEST, 'utf8')) as { tests: { alert_rule_test: AlertRuleTest[] }[] }).tests.flatMap((test) => test.alert_rule_test);
/** The alerts that are about one check (the others are about a probe, a target or a whole job). */
const CHECK_ALERTS = ['NestVitalsCriticalCheckDown', 'NestVitalsCheckDown', 'NestVitalsCheckDegraded', 'NestVitalsCheckFlapping', 'NestVitalsCheckSlow'];

describe('deploy/prometheus alerting rules', () => {
  let promtool: string;
  let scratch: string;

  beforeAll(() => {
    promtool = requireBinary('promtool');
    scratch = mkdtempSync(join(tmpdir(), 'nest-vitals-rules-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds the alerts a platform team needs, each with a severity and annotations naming the service and the check', () => {
    expect(alerts.map((rule) => rule.alert)).toEqual([
      'NestVitalsReadinessDown',
      'NestVitalsCriticalCheckDown',
      'NestVitalsCheckDown',
      'NestVitalsCheckDegraded',
      'NestVitalsCheckFlapping',
      'NestVitalsCheckSlow',
      'NestVitalsTargetDown',
      'NestVitalsMetricsAbsent',
    ]);
    for (const rule of alerts) {
      expect({ alert: rule.alert, severity: rule.labels.severity }).toEqual({ alert: rule.alert, severity: expect.stringMatching(/^(critical|warning)$/) });
      const { summary, description } = rule.annotations;
      expect({ alert: rule.alert, summary, description }).toEqual({
        alert: rule.alert,
        summary: expect.stringContaining('{{ $labels.job }}'),
        description: expect.stringContaining('{{ $labels.job }}'),
      });
      // Namespace only when the target has one (Kubernetes service discovery), so a static target reads well too.
      expect(description).toContain('{{ with $labels.namespace }} in namespace {{ . }}{{ end }}');
      if (rule.alert !== 'NestVitalsMetricsAbsent') expect(description).toContain('{{ $labels.instance }}');
      if (CHECK_ALERTS.includes(rule.alert)) {
        expect(summary).toContain('{{ $labels.check }}');
        expect(description).toContain('{{ $labels.check }}');
      }
    }
  });

  it('passes promtool check rules', async () => {
    const result = await runCommand(promtool, ['check', 'rules', ALERTS]);
    expect(result).toEqual({ code: 0, output: `Checking ${ALERTS}\n  SUCCESS: ${alerts.length} rules found\n\n` });
  });

  it('passes its promtool unit tests: every alert fires after its `for` and resolves after recovery', async () => {
    const result = await runCommand(promtool, ['test', 'rules', ALERTS_TEST]);
    expect(result).toEqual({ code: 0, output: `Unit Testing:  ${ALERTS_TEST}\n  SUCCESS\n\n` });
    for (const { alert } of alerts) {
      const cases = unitTests.filter((test) => test.alertname === alert);
      expect({ alert, fires: cases.some((test) => test.exp_alerts.length > 0), quiet: cases.some((test) => test.exp_alerts.length === 0) }).toEqual({
        alert,
        fires: true,
        quiet: true,
      });
    }
  });

  it('has unit tests that fail when an alert never fires or fires too early', async () => {
    copyFileSync(ALERTS_TEST, join(scratch, 'alerts.test.yaml'));
    for (const [index, rule] of alerts.entries()) {
      const mutants: [string, AlertingRule][] = [['never fires', { ...rule, expr: 'vector(1) == 0' }]];
      if (rule.for) mutants.push(['no for', { ...rule, for: '0m' }]);
      for (const [mutation, mutant] of mutants) {
        const rules = alerts.map((other, otherIndex) => (otherIndex === index ? mutant : other));
        writeFileSync(join(scratch, 'alerts.yaml'), dump({ groups: [{ name: 'nest-vitals', rules }] }));
        const result = await runCommand(promtool, ['test', 'rules', 'alerts.test.yaml'], { cwd: scratch });
        expect({ mutation, alert: rule.alert, code: result.code }).toEqual({ mutation, alert: rule.alert, code: 1 });
        expect(result.output).toContain(`alertname: ${rule.alert}, time:`);
      }
    }
    // The unmutated copy passes in the scratch directory, so the failures above are the mutations'.
    writeFileSync(join(scratch, 'alerts.yaml'), dump(ruleFile));
    expect((await runCommand(promtool, ['test', 'rules', 'alerts.test.yaml'], { cwd: scratch })).code).toBe(0);
  }, 180_000);

  it('ships the same rules as a PrometheusRule manifest, generated from alerts.yaml', async () => {
    const manifest = load(readFileSync(PROMETHEUS_RULE, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string }; spec: RuleFile };
    expect({ apiVersion: manifest.apiVersion, kind: manifest.kind, name: manifest.metadata.name }).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      name: 'nest-vitals',
    });
    expect(manifest.spec).toEqual(ruleFile);
    const generated = await runCommand(process.execPath, [join(RULES_DIR, 'generate-prometheus-rule.js'), '--check']);
    expect(generated).toEqual({ code: 0, output: '' });
    // The manifest's spec is itself a valid rule file.
    writeFileSync(join(scratch, 'spec.yaml'), dump(manifest.spec));
    const checked = await runCommand(promtool, ['check', 'rules', join(scratch, 'spec.yaml')]);
    expect(checked.code).toBe(0);
    expect(checked.output).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('reports a PrometheusRule that is out of date with alerts.yaml', async () => {
    const copy = join(scratch, 'generator');
    mkdirSync(copy);
    copyFileSync(join(RULES_DIR, 'generate-prometheus-rule.js'), join(copy, 'generate-prometheus-rule.js'));
    copyFileSync(PROMETHEUS_RULE, join(copy, 'prometheus-rule.yaml'));
    writeFileSync(join(copy, 'alerts.yaml'), readFileSync(ALERTS, 'utf8').replace('for: 5m', 'for: 6m'));
    const stale = await runCommand(process.execPath, [join(copy, 'generate-prometheus-rule.js'), '--check']);
    expect(stale.code).toBe(1);
    expect(stale.output).toContain('prometheus-rule.yaml is out of date with alerts.yaml; run node deploy/prometheus/generate-prometheus-rule.js');
    expect((await runCommand(process.execPath, [join(copy, 'generate-prometheus-rule.js')])).code).toBe(0);
    expect((await runCommand(process.execPath, [join(copy, 'generate-prometheus-rule.js'), '--check'])).code).toBe(0);
    expect((load(readFileSync(join(copy, 'prometheus-rule.yaml'), 'utf8')) as { spec: RuleFile }).spec.groups[0].rules[0].for).toBe('6m');
  });
});
