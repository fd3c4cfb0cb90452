// Writes prometheus-rule.yaml (a PrometheusRule for the Prometheus Operator) from alerts.yaml, the plain rule
// file: edit alerts.yaml, then run `node deploy/prometheus/generate-prometheus-rule.js`. With --check it writes
// nothing and exits 1 when prometheus-rule.yaml is not what alerts.yaml makes (the test suite runs that).
// The rule groups are copied as text, indented under `spec:`, so comments and block scalars stay as written.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const directory = dirname(fileURLToPath(import.meta.url));
const source = join(directory, 'alerts.yaml');
const target = join(directory, 'prometheus-rule.yaml');

const HEADER = `# Generated from alerts.yaml by generate-prometheus-rule.js: edit alerts.yaml, then run
#   node deploy/prometheus/generate-prometheus-rule.js
# The Prometheus Operator loads this when its labels match the Prometheus' ruleSelector (kube-prometheus-stack
# selects release: <its Helm release name> unless ruleSelectorNilUsesHelmValues is false): add that label here or
# with kubectl label. Apply it in any namespace the Prometheus' ruleNamespaceSelector covers.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: nest-vitals
  labels:
    app.kubernetes.io/name: nest-vitals
    app.kubernetes.io/component: alerting-rules
spec:
`;

/** The manifest's text for a plain rule file's text: everything from `groups:` on, indented under `spec:`. */
export function prometheusRuleFor(rulesText) {
  const lines = rulesText.split('\n');
  const start = lines.findIndex((line) => line.startsWith('groups:'));
  if (start < 0) throw new Error(`${source} has no top-level "groups:" line`);
  const body = lines
    .slice(start)
    .map((line) => (line.trim() === '' ? '' : `  ${line}`))
    .join('\n');
  return HEADER + body.replace(/\n*$/, '\n');
}

const isEntryPoint = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) {
  const expected = prometheusRuleFor(readFileSync(source, 'utf8'));
  if (process.argv.includes('--check')) {
    let actual = '';
    try {
      actual = readFileSync(target, 'utf8');
    } catch {
      // A missing file is reported as out of date below.
    }
    if (actual !== expected) {
      console.error(`${target} is out of date with alerts.yaml; run node deploy/prometheus/generate-prometheus-rule.js`);
      process.exit(1);
    }
  } else {
    writeFileSync(target, expected);
    console.log(`wrote ${target}`);
  }
}
