import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadAll } from 'js-yaml';
import { healthOptions } from '../apps/sample/src/app.module.js';
import { readSampleConfig } from '../apps/sample/src/sample.config.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

const SAMPLE_MAIN = 'dist/apps/sample/apps/sample/src/main.js';
const APP_PORT = 17250;
/** The module's per-check timeout when the options set none (`timeoutMs`, default 1000). */
const DEFAULT_CHECK_TIMEOUT_MS = 1000;

interface Probe {
  httpGet: { path: string; port: string | number };
  timeoutSeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

interface EnvEntry {
  name: string;
  value?: string;
}
type PlainEnvEntry = EnvEntry & { value: string };

interface Container {
  env?: EnvEntry[];
  ports: { name?: string; containerPort: number }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
}

/** A Deployment or a Service, as the tests read it (js-yaml returns untyped data). */
interface Manifest {
  kind: string;
  spec: {
    selector: Record<string, unknown>;
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { containers: Container[]; terminationGracePeriodSeconds: number };
    };
    ports: { targetPort: string | number }[];
  };
}

const manifests = readdirSync('deploy/kubernetes')
  .filter((file) => /\.ya?ml$/.test(file))
  .flatMap((file) => loadAll(readFileSync(join('deploy/kubernetes', file), 'utf8')) as Manifest[])
  .filter(Boolean);
const deployment = manifests.find((doc) => doc.kind === 'Deployment')!;
const service = manifests.find((doc) => doc.kind === 'Service')!;
const pod = deployment?.spec.template.spec;
const container = pod?.containers[0];
/** The container's plain env values (secret references left out). */
const env: Record<string, string> = Object.fromEntries(
  (container?.env ?? []).filter((entry): entry is PlainEnvEntry => typeof entry.value === 'string').map((entry) => [entry.name, entry.value] as const),
);
const PROBES = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;
type ProbeName = keyof typeof PROBES;

/** A probe's or Service's port (a name or a number) as the container port number. */
function containerPort(port: string | number): number {
  if (typeof port === 'number') return port;
  const named = container.ports.find((entry) => entry.name === port);
  if (!named) throw new Error(`no container port named ${port}`);
  return named.containerPort;
}

/** The Dockerfile's final stage (after the last FROM), as instructions joined across line continuations. */
function dockerInstructions(): { keyword: string; args: string }[] {
  const text = readFileSync('Dockerfile', 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
  const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return lines.slice(lastFrom).map((line) => {
    const [, keyword, args] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
    return { keyword: keyword.toUpperCase(), args: args.trim() };
  });
}

let app: RunningProcess | undefined;
let base = '';
let mappedRoutes: string[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'nest-vitals-k8s-'));

beforeAll(async () => {
  expect(existsSync(SAMPLE_MAIN)).toBe(true);
  // The sample app exactly as the manifest configures it, on a test port.
  app = startNode([SAMPLE_MAIN], { ...env, PORT: String(APP_PORT), SQLITE_PATH: join(dataDir, 'sample.sqlite') });
  await waitForOutput(app, /listening on/);
  base = `http://127.0.0.1:${APP_PORT}`;
  mappedRoutes = [...app.output().matchAll(/Mapped \{([^,}]+), GET\} route/g)].map((match) => match[1]);
});

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('deploy/kubernetes', () => {
  it('has a Deployment with the three probes and a Service', () => {
    expect(deployment).toBeDefined();
    expect(service).toBeDefined();
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const [probe, path] of Object.entries(PROBES) as [ProbeName, string][]) expect(container[probe]?.httpGet?.path).toBe(path);
  });

  it('points every probe at a port the app listens on and a route the app serves', async () => {
    const appPort = Number(env.PORT ?? readSampleConfig({}).port);
    for (const [probe, path] of Object.entries(PROBES) as [ProbeName, string][]) {
      const { httpGet } = container[probe];
      expect({ probe, port: containerPort(httpGet.port) }).toEqual({ probe, port: appPort });
      expect(mappedRoutes).toContain(path);
    }
    expect(containerPort(service.spec.ports[0].targetPort)).toBe(appPort);

    // Once started, each probe answers 200 from the running app.
    const deadline = performance.now() + 15_000;
    for (const path of Object.values(PROBES)) {
      let status = (await fetch(`${base}${path}`)).status;
      while (status !== 200 && performance.now() < deadline) {
        await sleep(100);
        status = (await fetch(`${base}${path}`)).status;
      }
      expect({ path, status }).toEqual({ path, status: 200 });
    }
  });

  it('points the Prometheus scrape annotations at the /metrics route', async () => {
    const annotations = deployment.spec.template.metadata.annotations;
    expect(Number(annotations['prometheus.io/port'])).toBe(Number(env.PORT));
    expect(mappedRoutes).toContain(annotations['prometheus.io/path']);
    const response = await fetch(`${base}${annotations['prometheus.io/path']}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE health_status gauge');
  });

  it('gives the pod a grace period that outlasts the drain delay, and probes a timeout longer than a check', () => {
    const drainDelayMs = Number(env.HEALTH_DRAIN_DELAY_MS);
    expect(drainDelayMs).toBeGreaterThan(0);
    const graceMs = pod.terminationGracePeriodSeconds * 1000;
    expect(graceMs).toBeGreaterThan(drainDelayMs);
    // Leave at least 5 s after the drain for in-flight requests and Nest's shutdown hooks.
    expect(graceMs - drainDelayMs).toBeGreaterThanOrEqual(5000);

    // A probe's timeout must exceed a check's: the app answers DOWN with a reason before the kubelet gives up.
    const checkTimeoutMs = healthOptions(readSampleConfig(env)).timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    for (const probe of Object.keys(PROBES) as ProbeName[]) expect(container[probe].timeoutSeconds * 1000).toBeGreaterThan(checkTimeoutMs);
    // Liveness needs several misses before a restart; the startup budget is generous.
    expect(container.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(3);
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(30);
  });

  it('bounds the shutdown with shutdown.timeoutMs a few seconds under the grace period, past the drain', () => {
    const timeoutMs = Number(env.HEALTH_SHUTDOWN_TIMEOUT_MS);
    const drainDelayMs = Number(env.HEALTH_DRAIN_DELAY_MS);
    const graceMs = pod.terminationGracePeriodSeconds * 1000;
    // The sample app reads it into the module's options.
    expect(healthOptions(readSampleConfig(env)).shutdown).toMatchObject({ timeoutMs, drainDelayMs });
    expect(timeoutMs).toBeGreaterThan(drainDelayMs);
    // The app logs what hangs and exits 1 before the kubelet's SIGKILL would cut it off silently.
    expect(graceMs - timeoutMs).toBeGreaterThanOrEqual(2000);
    expect(graceMs - timeoutMs).toBeLessThanOrEqual(10_000);
    // No preStop hook: the app's own drain keeps it serving after SIGTERM.
    expect(container).not.toHaveProperty('lifecycle');
  });

  it('drains for HEALTH_DRAIN_DELAY_MS on SIGTERM: readiness 503, liveness 200', async () => {
    const drainDelayMs = Number(env.HEALTH_DRAIN_DELAY_MS);
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-k8s-drain-'));
    const draining = startNode([SAMPLE_MAIN], { ...env, PORT: String(APP_PORT + 1), SQLITE_PATH: join(dir, 'sample.sqlite') });
    try {
      await waitForOutput(draining, /listening on/);
      const url = `http://127.0.0.1:${APP_PORT + 1}`;
      const deadline = performance.now() + 15_000;
      while ((await fetch(`${url}/health/ready`)).status !== 200 && performance.now() < deadline) await sleep(100);
      draining.child.kill('SIGTERM');
      await waitForOutput(draining, new RegExp(`draining for ${drainDelayMs} ms`), 5000);
      expect((await fetch(`${url}/health/ready`)).status).toBe(503);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await draining.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const instructions = dockerInstructions();
  const values = (keyword: string) => instructions.filter((entry) => entry.keyword === keyword).map((entry) => entry.args);

  it('checks health with the nest-vitals CLI against a route the app serves, on the port it exposes', async () => {
    const [healthcheck] = values('HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim()) as string[];
    expect(command.slice(0, 3)).toEqual(['node', 'libs/health/bin/nest-vitals.js', 'probe']);
    const probeUrl = new URL(command[3]);
    const exposed = Number(values('EXPOSE')[0]);
    const envPort = Number(/PORT=(\d+)/.exec(values('ENV').join(' '))?.[1]);
    expect(Number(probeUrl.port)).toBe(exposed);
    expect(envPort).toBe(exposed);
    expect(mappedRoutes).toContain(probeUrl.pathname);
    // The CLI is copied into the final image; its own timeout is shorter than Docker's.
    expect(values('COPY').some((args) => args.includes('libs/health/bin'))).toBe(true);
    const dockerTimeoutS = Number(/--timeout=(\d+)s/.exec(healthcheck)?.[1]);
    const cliTimeoutMs = Number(command[command.indexOf('--timeout') + 1]);
    expect(cliTimeoutMs).toBeLessThan(dockerTimeoutS * 1000);

    // The exact command, pointed at the running app, reports healthy.
    const args = command.slice(1).map((arg) => arg.replace(`:${probeUrl.port}/`, `:${APP_PORT}/`));
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', (code) => {
        clearTimeout(killer);
        resolve(code);
      });
    });
    expect(exitCode).toBe(0);
  });

  it('starts the built sample app and drains on SIGTERM', () => {
    const cmd = JSON.parse(values('CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['node', SAMPLE_MAIN]);
    expect(values('STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(/HEALTH_DRAIN_DELAY_MS=(\d+)/.exec(values('ENV').join(' '))?.[1]).toBe(env.HEALTH_DRAIN_DELAY_MS);
  });
});
