import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load, loadAll } from 'js-yaml';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { allocatePort } from './support/ports.js';

/**
 * `nest-vitals k8s check|probes` as a user runs them: the real CLI against the real sample app, started with
 * the environment each manifest of deploy/kubernetes/ gives it (on test ports: --port and --grpc-port tell the
 * CLI which ports the pod serves, as for an app run locally).
 */

const CLI = 'libs/health/bin/nest-vitals.js';
const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const KEY = 'k8s-check-test-key';
const MANIFESTS = ['deploy/kubernetes/deployment.yaml', 'deploy/kubernetes/probe-port/deployment.yaml', 'deploy/kubernetes/grpc/deployment.yaml'];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/** The rule ids of the finding lines. */
const rulesOf = (run: CliRun) => [...run.stdout.matchAll(/ \[([a-z-]+)\]$/gm)].map((match) => match[1]);

interface Probe {
  httpGet?: { path: string; port: string | number };
  grpc?: { port: number; service?: string };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  env: { name: string; value?: string }[];
  startupProbe?: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}
/** A manifest document as the tests read it (js-yaml returns untyped data). */
interface Doc {
  kind?: string;
  spec: { template: { spec: PodSpec } };
}

interface SampleRun {
  app: RunningProcess;
  url: string;
  /** The ports the manifest gives the pod: --port and --grpc-port. */
  portFlags: string[];
}

const dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-k8s-check-'));
const samples = new Map<string, SampleRun>();

/** The sample app as a manifest configures it (plain env values), on test ports, with a health API key. */
async function startSample(manifest: string): Promise<SampleRun> {
  const deployment = (loadAll(readFileSync(manifest, 'utf8')) as Doc[]).find((doc) => doc?.kind === 'Deployment')!;
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = Object.fromEntries(
    container.env.filter((entry) => typeof entry.value === 'string').map((entry) => [entry.name, entry.value!]),
  );
  const ports = { PORT: await allocatePort(), HEALTH_PORT: await allocatePort(), HEALTH_GRPC_PORT: await allocatePort() };
  const testEnv: Record<string, string> = { ...env, HEALTH_API_KEY: KEY, SQLITE_PATH: join(dataDir, `${samples.size}.sqlite`), PORT: String(ports.PORT) };
  const portFlags = ['--port', env.HEALTH_PORT ?? env.PORT];
  if (env.HEALTH_PORT) testEnv.HEALTH_PORT = String(ports.HEALTH_PORT);
  if (env.HEALTH_GRPC_PORT) {
    testEnv.HEALTH_GRPC_PORT = String(ports.HEALTH_GRPC_PORT);
    portFlags.push('--grpc-port', env.HEALTH_GRPC_PORT);
  }
  const app = startNode([SAMPLE_MAIN], testEnv);
  await waitForOutput(app, /listening on/);
  const healthPort = env.HEALTH_PORT ? ports.HEALTH_PORT : ports.PORT;
  return { app, url: `http://127.0.0.1:${healthPort}/health`, portFlags };
}

beforeAll(async () => {
  for (const manifest of MANIFESTS) samples.set(manifest, await startSample(manifest));
}, 60_000);

afterAll(async () => {
  for (const sample of samples.values()) await sample.app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const check = (manifest: string, file = manifest) => {
  const sample = samples.get(manifest)!;
  return cli(['k8s', 'check', file, '--url', sample.url, '--key', KEY, ...sample.portFlags]);
};

/** A copy of a manifest with its Deployment changed by `mutate`. */
function mutated(manifest: string, mutate: (pod: PodSpec, container: Container) => void): string {
  const docs = loadAll(readFileSync(manifest, 'utf8')) as Doc[];
  const deployment = docs.find((doc) => doc?.kind === 'Deployment')!;
  mutate(deployment.spec.template.spec, deployment.spec.template.spec.containers[0]);
  const file = join(dataDir, `mutated-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, docs.map((doc) => dump(doc)).join('---\n'));
  return file;
}

describe('nest-vitals k8s check', () => {
  it.each(MANIFESTS)('passes %s against the running sample app', async (manifest) => {
    const run = await check(manifest);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^nest-vitals k8s check: 1 object checked against http:\/\/127\.0\.0\.1:\d+\/health\/settings: no findings\n$/);
    expect(run.code).toBe(0);
  });

  const HTTP = MANIFESTS[0];
  const GRPC = MANIFESTS[2];
  const mutations: [string, string, (pod: PodSpec, container: Container) => void][] = [
    ['path-not-served', HTTP, (_, c) => (c.readinessProbe.httpGet!.path = '/health/readyz')],
    ['port-not-served', HTTP, (_, c) => (c.readinessProbe.httpGet!.port = 8080)],
    ['named-port', HTTP, (_, c) => (c.readinessProbe.httpGet!.port = 'web')],
    ['timeout', HTTP, (_, c) => (c.readinessProbe.timeoutSeconds = 1)],
    ['liveness-dependencies', HTTP, (_, c) => (c.livenessProbe.httpGet!.path = '/health/ready')],
    ['startup-missing', HTTP, (_, c) => delete c.startupProbe],
    ['startup-budget', HTTP, (_, c) => Object.assign(c.startupProbe!, { periodSeconds: 1, failureThreshold: 1 })],
    ['termination-grace', HTTP, (pod) => (pod.terminationGracePeriodSeconds = 20)],
    ['readiness-drain', HTTP, (_, c) => (c.readinessProbe.failureThreshold = 3)],
    ['grpc-port-not-served', GRPC, (_, c) => (c.readinessProbe.grpc!.port = 50052)],
    ['grpc-service-not-served', GRPC, (_, c) => (c.readinessProbe.grpc!.service = 'readyz')],
  ];

  it.each(mutations)('finds %s exactly once, with one line naming object, container, probe and fix (exit 1)', async (rule, manifest, mutate) => {
    const run = await check(manifest, mutated(manifest, mutate));
    expect(rulesOf(run)).toEqual([rule]);
    expect(run.code).toBe(1);
    const [line] = run.stdout.split('\n');
    expect(line).toMatch(new RegExp(`: Deployment/nest-vitals-sample container app \\S+: .+; fix: .+ \\[${rule}\\]$`));
  });

  it('exits 2 on unreadable YAML, a missing file or no workload, naming why', async () => {
    const broken = join(dataDir, 'broken.yaml');
    writeFileSync(broken, 'kind: Deployment\nspec: [1\n  template: {');
    const run = await cli(['k8s', 'check', broken]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^nest-vitals k8s: \S+broken\.yaml: not valid YAML: /);
    expect((await cli(['k8s', 'check', join(dataDir, 'missing.yaml')])).code).toBe(2);
    const serviceOnly = await cli(['k8s', 'check', '-'], 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\n');
    expect(serviceOnly.code).toBe(2);
    expect(serviceOnly.stderr).toContain('no workload found');
  });

  it('reads a kubectl List on standard input, and uses the documented defaults without --url', async () => {
    const docs = loadAll(readFileSync(HTTP, 'utf8')) as Doc[];
    const list = dump({ apiVersion: 'v1', kind: 'List', items: docs });
    const sample = samples.get(HTTP)!;
    const withUrl = await cli(['k8s', 'check', '-', '--url', sample.url, '--key', KEY, ...sample.portFlags], list);
    expect(withUrl.code).toBe(0);
    // Defaults: drainDelayMs 5000, so readiness (5 s x 2) cannot fail within the drain; the flags give the manifest's values.
    const defaults = await cli(['k8s', 'check', '-'], list);
    expect(rulesOf(defaults)).toEqual(['readiness-drain']);
    const flags = await cli(['k8s', 'check', '-', '--drain-delay-ms', '10000', '--shutdown-timeout-ms', '25000'], list);
    expect(flags.code).toBe(0);
  });

  it('refuses /settings without the key (exit 2, naming --key)', async () => {
    const run = await cli(['k8s', 'check', HTTP, '--url', samples.get(HTTP)!.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('answered 401: /settings needs authorization; pass the health API key with --key');
  });
});

describe('nest-vitals k8s probes', () => {
  it.each([
    [MANIFESTS[0], []],
    [MANIFESTS[2], ['--grpc']],
  ])('prints probes for %s that pass k8s check once applied', async (manifest, extra) => {
    const sample = samples.get(manifest)!;
    const run = await cli(['k8s', 'probes', '--url', sample.url, '--key', KEY, ...sample.portFlags, ...extra]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stanzas = load(run.stdout) as Pick<Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'>;
    expect(Object.keys(stanzas)).toEqual(['startupProbe', 'livenessProbe', 'readinessProbe']);
    const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(run.stdout)![1]);
    const applied = mutated(manifest, (pod, container) => {
      pod.terminationGracePeriodSeconds = grace;
      Object.assign(container, stanzas);
    });
    const checked = await check(manifest, applied);
    expect(checked.stdout).toContain('no findings');
    expect(checked.code).toBe(0);
  });
});
