// `nest-vitals k8s check|probes`: argument parsing and output; the rules live in rules.js.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultSettings, fetchSettings, SettingsUnavailableError, SETTINGS_DEFAULTS } from './app-settings.js';
import { MAX_MANIFEST_BYTES, UnreadableManifestError, WORKLOAD_KINDS, workloadsOf } from './manifests.js';
import { probeStanzas, renderProbeStanzas } from './probes.js';
import { checkWorkloads, formatFinding, RULES } from './rules.js';

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_UNREADABLE = 2;
const DEFAULT_TIMEOUT_MS = 5000;

export const K8S_USAGE = `Usage: nest-vitals k8s check <file...|-> [--url <url> [--key <key>]] [options]
       nest-vitals k8s probes --url <url> [--key <key>] [--grpc] [--port <port>]

k8s check reads Kubernetes YAML (multi-document files, kubectl get -o yaml Lists; Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job and CronJob templates; - for standard input) and checks each
container's probes against the app: with --url, the app's own GET {path}/settings; without it, the
module's defaults and the flags below. One line per finding (object, container, probe, what, fix);
exits 0 when clean, 1 on findings, 2 when the input or the settings cannot be read.

k8s probes prints startup, liveness and readiness probes (YAML) that fit the app's settings.

  --url <url>                  the health path as served, e.g. http://127.0.0.1:3000/health
  --key <key>                  the health API key (sent as X-Health-Key; /settings needs authorization)
  --timeout <ms>               how long to wait for /settings; default ${DEFAULT_TIMEOUT_MS}
  --container <name>           check only this container (repeatable); default: every container with a probe
  --port <port>                the port the health routes are served on in the pod (over /settings' port)
  --grpc-port <port>           the port of the gRPC health service in the pod (over /settings' port)
  --grpc                       (probes) grpc probes instead of httpGet
Without --url:
  --path <path>                health path; default ${SETTINGS_DEFAULTS.path}
  --check-timeout-ms <ms>      the slowest readiness check timeout; default ${SETTINGS_DEFAULTS.checkTimeoutMs}
  --drain-delay-ms <ms>        shutdown.drainDelayMs; default ${SETTINGS_DEFAULTS.drainDelayMs}
  --shutdown-timeout-ms <ms>   shutdown.timeoutMs; default none
  --bootstrap-ms <ms>          how long the app takes to start; default not checked

Rules: ${Object.keys(RULES).join(', ')}`;

class UsageError extends Error {}

const OPTIONS = /** @type {const} */ ({
  url: { type: 'string' },
  key: { type: 'string' },
  timeout: { type: 'string' },
  container: { type: 'string', multiple: true },
  port: { type: 'string' },
  'grpc-port': { type: 'string' },
  grpc: { type: 'boolean' },
  path: { type: 'string' },
  'check-timeout-ms': { type: 'string' },
  'drain-delay-ms': { type: 'string' },
  'shutdown-timeout-ms': { type: 'string' },
  'bootstrap-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});
const DEFAULTS_ONLY = ['path', 'check-timeout-ms', 'drain-delay-ms', 'shutdown-timeout-ms', 'bootstrap-ms'];

/** A non-negative integer flag (a port from 1 to 65535 when `port`). */
function integerFlag(/** @type {Record<string, unknown>} */ values, /** @type {string} */ name, port = false) {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  const [low, high] = port ? [1, 65535] : [0, 2 ** 31 - 1];
  if (typeof text !== 'string' || !/^\d+$/.test(text) || value < low || value > high) {
    throw new UsageError(`--${name} must be an integer from ${low} to ${high}; got ${JSON.stringify(text)}`);
  }
  return value;
}

/** @param {string[]} args */
function parse(args) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    const { code, message } = /** @type {{ code?: string, message: string }} */ (error);
    const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${JSON.stringify(option)} (see nest-vitals k8s --help)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option} needs a value`);
    throw new UsageError(message);
  }
}

/** Standard input, whole, bounded. */
async function readStdin() {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) throw new UnreadableManifestError(`-: standard input is larger than ${MAX_MANIFEST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** @param {string} file */
async function readManifest(file) {
  if (file === '-') return readStdin();
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_MANIFEST_BYTES) throw new UnreadableManifestError(`${file}: larger than ${MAX_MANIFEST_BYTES} bytes`);
    return buffer.toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableManifestError) throw error;
    throw new UnreadableManifestError(`${file}: cannot be read (${/** @type {NodeJS.ErrnoException} */ (error).code ?? /** @type {Error} */ (error).message})`);
  }
}

/**
 * The app's settings: `/settings` with `--url`, else the defaults and flags; `--port` and `--grpc-port` override either.
 * @param {ReturnType<typeof parse>['values']} values
 */
async function settingsFrom(values) {
  const port = integerFlag(values, 'port', true);
  const grpcPort = integerFlag(values, 'grpc-port', true);
  if (values.url === undefined) {
    if (values.key !== undefined) throw new UsageError('--key is sent with --url; give --url too');
    return defaultSettings({
      path: values.path,
      port,
      grpcPort,
      checkTimeoutMs: integerFlag(values, 'check-timeout-ms'),
      drainDelayMs: integerFlag(values, 'drain-delay-ms'),
      shutdownTimeoutMs: integerFlag(values, 'shutdown-timeout-ms'),
      bootstrapMs: integerFlag(values, 'bootstrap-ms'),
    });
  }
  const given = DEFAULTS_ONLY.filter((name) => /** @type {Record<string, unknown>} */ (values)[name] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map((name) => `--${name}`).join(', ')}: read from /settings with --url; leave it out`);
  const timeoutMs = integerFlag(values, 'timeout') ?? DEFAULT_TIMEOUT_MS;
  const settings = await fetchSettings(values.url, { key: values.key, timeoutMs: Math.max(1, timeoutMs) });
  if (port !== undefined) settings.http = { ...settings.http, port };
  if (grpcPort !== undefined && settings.grpc) settings.grpc = { ...settings.grpc, port: grpcPort };
  return settings;
}

/**
 * Runs `k8s <subcommand> ...`; resolves to the exit code and the text to print.
 * @param {string[]} args the arguments after `k8s`
 * @returns {Promise<{ code: number, line: string, toStderr?: boolean }>}
 */
export async function runK8s(args) {
  const [subcommand, ...rest] = args;
  try {
    if (subcommand === undefined || subcommand === '-h' || subcommand === '--help' || subcommand === 'help') {
      return subcommand === undefined
        ? { code: EXIT_UNREADABLE, line: `nest-vitals k8s: missing subcommand: check or probes\n${K8S_USAGE}`, toStderr: true }
        : { code: EXIT_CLEAN, line: K8S_USAGE };
    }
    const { values, positionals } = parse(rest);
    if (values.help) return { code: EXIT_CLEAN, line: K8S_USAGE };
    if (subcommand === 'check') return await check(values, positionals);
    if (subcommand === 'probes') return await probes(values, positionals);
    throw new UsageError(`unknown subcommand ${JSON.stringify(subcommand)}; accepted: check, probes`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnreadableManifestError || error instanceof SettingsUnavailableError) {
      return { code: EXIT_UNREADABLE, line: `nest-vitals k8s: ${error.message}`, toStderr: true };
    }
    throw error;
  }
}

/**
 * @param {ReturnType<typeof parse>['values']} values
 * @param {string[]} files
 */
async function check(values, files) {
  if (files.length === 0) throw new UsageError('k8s check needs at least one file (or - for standard input)');
  if (values.grpc) throw new UsageError('--grpc is an option of k8s probes');
  const workloads = [];
  for (const file of files) workloads.push(...workloadsOf(await readManifest(file), file));
  if (workloads.length === 0) throw new UnreadableManifestError(`no workload found in ${files.join(', ')} (kinds read: ${WORKLOAD_KINDS.join(', ')})`);
  const settings = await settingsFrom(values);
  const findings = checkWorkloads(workloads, settings, { containers: values.container });
  const summary = `nest-vitals k8s check: ${workloads.length} object${workloads.length === 1 ? '' : 's'} checked against ${settings.source}: ${findings.length === 0 ? 'no findings' : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}`;
  return { code: findings.length === 0 ? EXIT_CLEAN : EXIT_FINDINGS, line: [...findings.map(formatFinding), summary].join('\n') };
}

/**
 * @param {ReturnType<typeof parse>['values']} values
 * @param {string[]} positionals
 */
async function probes(values, positionals) {
  if (positionals.length > 0) throw new UsageError(`k8s probes takes no file; got ${JSON.stringify(positionals[0])}`);
  if (values.url === undefined) throw new UsageError('k8s probes needs --url, the health path of the running app');
  const settings = await settingsFrom(values);
  try {
    return { code: EXIT_CLEAN, line: renderProbeStanzas(probeStanzas(settings, { grpc: values.grpc === true }), settings.source) };
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message);
  }
}
