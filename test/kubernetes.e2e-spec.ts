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
import { GrpcHealthClient } from './support/grpc-health-client.js';
import { allocatePort } from './support/ports.js';
import { eventually } from './support/report.js';

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

/** A container of the gRPC variant, whose probes are the kubelet's native `grpc:` probes. */
interface GrpcProbeContainer {
  env?: EnvEntry[];
  ports: { name?: string; containerPort: number }[];
  startupProbe: GrpcProbe;
  livenessProbe: GrpcProbe;
  readinessProbe: GrpcProbe;
}

interface GrpcProbe {
  grpc: { port: number; service?: string };
  timeoutSeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

describe('deploy/kubernetes/grpc (native grpc: probes)', () => {
  const variant = (loadAll(readFileSync('deploy/kubernetes/grpc/deployment.yaml', 'utf8')) as Manifest[]).find((doc) => doc?.kind === 'Deployment')!;
  const grpcContainer = variant.spec.template.spec.containers[0] as unknown as GrpcProbeContainer;
  const grpcEnv: Record<string, string> = Object.fromEntries(
    (grpcContainer.env ?? []).filter((entry): entry is PlainEnvEntry => typeof entry.value === 'string').map((entry) => [entry.name, entry.value] as const),
  );
  const SERVICES = { startupProbe: 'startup', livenessProbe: 'liveness', readinessProbe: 'readiness' } as const;

  it('probes the gRPC health port the app opens (HEALTH_GRPC_PORT, a declared container port) with each probe as the service', () => {
    const grpcPort = Number(grpcEnv.HEALTH_GRPC_PORT);
    expect(grpcPort).toBeGreaterThan(0);
    expect(grpcContainer.ports.map((port) => port.containerPort)).toContain(grpcPort);
    for (const [probe, service] of Object.entries(SERVICES) as [ProbeName, string][]) {
      expect({ probe, grpc: grpcContainer[probe].grpc }).toEqual({ probe, grpc: { port: grpcPort, service } });
    }
  });

  it('keeps the timings of the HTTP variant, so the explanation in docs/kubernetes.md holds for both', () => {
    for (const probe of Object.keys(SERVICES) as ProbeName[]) {
      const { periodSeconds, timeoutSeconds, failureThreshold } = grpcContainer[probe];
      const http = container[probe];
      expect({ probe, periodSeconds, timeoutSeconds, failureThreshold }).toEqual({
        probe,
        periodSeconds: http.periodSeconds,
        timeoutSeconds: http.timeoutSeconds,
        failureThreshold: http.failureThreshold,
      });
    }
    expect(grpcEnv.HEALTH_DRAIN_DELAY_MS).toBe(env.HEALTH_DRAIN_DELAY_MS);
    expect(variant.spec.template.spec.terminationGracePeriodSeconds).toBe(pod.terminationGracePeriodSeconds);
  });

  it('each probe answers SERVING from the running app, asked as the kubelet asks', async () => {
    const [httpPort, grpcPort] = [await allocatePort(), await allocatePort()];
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-k8s-grpc-'));
    const running = startNode([SAMPLE_MAIN], {
      ...grpcEnv,
      PORT: String(httpPort),
      HEALTH_GRPC_PORT: String(grpcPort),
      SQLITE_PATH: join(dir, 'sample.sqlite'),
    });
    const client = new GrpcHealthClient(grpcPort);
    try {
      await waitForOutput(running, /nest-vitals sample listening on/);
      for (const [probe, service] of Object.entries(SERVICES) as [ProbeName, string][]) {
        expect(grpcContainer[probe].grpc.service).toBe(service);
        const answer = await eventually(
          () => client.check(service),
          (value) => 'status' in value && value.status === 'SERVING',
          15_000,
        );
        expect({ probe, answer }).toEqual({ probe, answer: { status: 'SERVING' } });
      }
      // A grpc probe without `service` asks for '': readiness.
      expect(await client.check('')).toEqual({ status: 'SERVING' });
    } finally {
      client.close();
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/kubernetes/probe-port (probes on the probe server, HEALTH_PORT)', () => {
  const VARIANT = 'deploy/kubernetes/probe-port/deployment.yaml';
  const variant = (loadAll(readFileSync(VARIANT, 'utf8')) as Manifest[]).filter(Boolean);
  const variantDeployment = variant.find((doc) => doc.kind === 'Deployment')!;
  const variantService = variant.find((doc) => doc.kind === 'Service')!;
  const variantContainer = variantDeployment.spec.template.spec.containers[0];
  const variantEnv: Record<string, string> = Object.fromEntries(
    (variantContainer.env ?? []).filter((entry): entry is PlainEnvEntry => typeof entry.value === 'string').map((entry) => [entry.name, entry.value] as const),
  );
  const portOf = (port: string | number): number => {
    if (typeof port === 'number') return port;
    const named = variantContainer.ports.find((entry) => entry.name === port);
    if (!named) throw new Error(`no container port named ${port} in ${VARIANT}`);
    return named.containerPort;
  };
  /** The manifest's ports mapped to test ports: the app's and the probe server's. */
  const TEST_PORTS = { app: APP_PORT + 2, probes: APP_PORT + 3 };

  it('sets HEALTH_PORT, points the three probes at it, and keeps the Service and the scrape on the app port', () => {
    const healthPort = Number(variantEnv.HEALTH_PORT);
    const appPort = Number(variantEnv.PORT);
    expect(healthPort).toBeGreaterThan(0);
    expect(healthPort).not.toBe(appPort);
    for (const [probe, path] of Object.entries(PROBES) as [ProbeName, string][]) {
      expect({ probe, path: variantContainer[probe].httpGet.path, port: portOf(variantContainer[probe].httpGet.port) }).toEqual({
        probe,
        path,
        port: healthPort,
      });
    }
    expect(portOf(variantService.spec.ports[0].targetPort)).toBe(appPort);
    expect(Number(variantDeployment.spec.template.metadata.annotations['prometheus.io/port'])).toBe(appPort);
  });

  it('differs from deployment.yaml only in the probe port (timings, grace period and drain delay are the same)', () => {
    for (const probe of Object.keys(PROBES) as ProbeName[]) {
      expect({ probe, ...variantContainer[probe], httpGet: undefined }).toEqual({ probe, ...container[probe], httpGet: undefined });
    }
    expect(variantDeployment.spec.template.spec.terminationGracePeriodSeconds).toBe(pod.terminationGracePeriodSeconds);
    expect({ ...variantEnv, HEALTH_PORT: undefined }).toEqual(env);
  });

  it('runs the sample app as the variant configures it: probes 200 on the probe port, not mounted in the app; drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-vitals-k8s-probe-port-'));
    const running = startNode([SAMPLE_MAIN], {
      ...variantEnv,
      PORT: String(TEST_PORTS.app),
      HEALTH_PORT: String(TEST_PORTS.probes),
      SQLITE_PATH: join(dir, 'sample.sqlite'),
    });
    try {
      await waitForOutput(running, /listening on/);
      expect(running.output()).toContain(`probe server listening on port ${TEST_PORTS.probes} (all interfaces): http://localhost:${TEST_PORTS.probes}/health`);
      const probes = `http://127.0.0.1:${TEST_PORTS.probes}`;
      const appBase = `http://127.0.0.1:${TEST_PORTS.app}`;
      const deadline = performance.now() + 15_000;
      for (const path of Object.values(PROBES)) {
        let status = (await fetch(`${probes}${path}`)).status;
        while (status !== 200 && performance.now() < deadline) {
          await sleep(100);
          status = (await fetch(`${probes}${path}`)).status;
        }
        expect({ path, status }).toEqual({ path, status: 200 });
        expect({ path, inApp: (await fetch(`${appBase}${path}`)).status }).toEqual({ path, inApp: 404 });
      }
      const metrics = await fetch(`${appBase}${variantDeployment.spec.template.metadata.annotations['prometheus.io/path']}`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('# TYPE health_status gauge');

      running.child.kill('SIGTERM');
      await waitForOutput(running, new RegExp(`draining for ${variantEnv.HEALTH_DRAIN_DELAY_MS} ms`), 5000);
      expect((await fetch(`${probes}/health/ready`)).status).toBe(503);
      expect((await fetch(`${probes}/health/live`)).status).toBe(200);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
