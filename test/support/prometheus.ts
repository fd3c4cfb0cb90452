import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort } from './ports.js';

/**
 * The path of a binary of Debian's `prometheus` package (`promtool`, `prometheus`), or an error saying how to
 * install it: the suite never skips what it cannot run (`.ci/run` installs the package).
 */
export function requireBinary(name: 'promtool' | 'prometheus'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(`${name} is not installed; install Debian's prometheus package (apt-get install prometheus), as .ci/run does`);
  }
  return path;
}

/** Runs a command to its end; resolves to its exit code and its stdout and stderr together. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

/** One series of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query's answer. */
export interface PromRangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface RunningPrometheus {
  url: string;
  /** `/api/v1/query`: the series of an instant vector; a query Prometheus rejects throws its error. */
  query: (expr: string) => Promise<PromSample[]>;
  /** `/api/v1/query_range` from `start` to now (seconds since the epoch), one point per `stepSeconds`. */
  queryRange: (expr: string, start: number, stepSeconds: number) => Promise<PromRangeSeries[]>;
  /** GET of another API path, parsed; throws unless Prometheus answers status "success". */
  api: <T>(path: string) => Promise<T>;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts Debian's Prometheus on a free loopback port with its own storage in a temporary directory, scraping
 * `targets` every second as job `job`, with `ruleFiles` loaded and evaluated every second. Resolves once it is ready.
 */
export async function startPrometheus(options: { job: string; targets: string[]; ruleFiles?: string[] }): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const directory = mkdtempSync(join(tmpdir(), 'nest-vitals-prometheus-'));
  const port = await allocatePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
  };
  // JSON is YAML: no serializer needed for the config file.
  writeFileSync(join(directory, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const child = spawn(
    binary,
    [
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(directory, { recursive: true, force: true });
  };

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; errorType?: string; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.errorType}: ${body.error}`);
    return body.data;
  };

  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with code ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready on ${url} within 60 s:\n${output}`);
    }
    await sleep(200);
  }

  return {
    url,
    api,
    query: async (expr) => {
      const data = await api<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (data.resultType !== 'vector') throw new Error(`${expr} is a ${data.resultType}, not an instant vector`);
      return data.result;
    },
    queryRange: async (expr, start, stepSeconds) => {
      const end = Date.now() / 1000;
      const data = await api<{ result: PromRangeSeries[] }>(
        `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${stepSeconds}`,
      );
      return data.result;
    },
    output: () => output,
    stop,
  };
}
