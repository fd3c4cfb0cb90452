#!/usr/bin/env node
// nest-vitals CLI. Plain ESM JavaScript on Node's built-ins only, so it runs before anything is
// built and in images without curl: `HEALTHCHECK CMD node node_modules/nest-vitals/bin/nest-vitals.js probe http://127.0.0.1:3000/health/ready`.

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { routesCommand, ROUTES_USAGE_LINE } from './routes-command.js';

const EXIT_HEALTHY = 0;
const EXIT_UNHEALTHY = 1;
const EXIT_USAGE = 2;

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_EXPECT = '200-399';
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** How much of a response body is read to find its `status` and `reason`. */
const MAX_BODY_BYTES = 64 * 1024;
const MAX_DETAIL_CHARS = 200;

const USAGE_LINE = 'nest-vitals probe <url> [--timeout <ms>] [--expect <codes>]';
const USAGE = `Usage: ${USAGE_LINE}

Requests <url> (GET) and exits 0 when the response status is expected, 1 when it is not or the
server cannot be reached in time, 2 on a usage error. Prints one line.

  <url>              absolute http:// or https:// URL, e.g. http://127.0.0.1:3000/health/ready
  --timeout <ms>     give up after this many milliseconds (an integer from 1 to ${MAX_TIMEOUT_MS}); default ${DEFAULT_TIMEOUT_MS}
  --expect <codes>   healthy status codes: a code, a range or a comma-separated list of them,
                     e.g. 200, 200-399, 200,204; default ${DEFAULT_EXPECT} (as Kubernetes httpGet probes)
  -h, --help         show this help
  -v, --version      print the version of nest-vitals

Also: ${ROUTES_USAGE_LINE} (see nest-vitals routes --help)
      nest-vitals k8s check <file...|-> [--url <url>] [--key <key>] (see nest-vitals k8s --help)
      nest-vitals k8s probes --url <url> [--key <key>]`;

class UsageError extends Error {}

/**
 * @typedef {{ url: URL, timeoutMs: number, expect: Array<[number, number]>, expectText: string }} ProbeOptions
 */

/** Removes credentials from a URL before it is printed: the password, and secret-looking query values. */
export function redactUrl(/** @type {URL} */ url) {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  for (const key of [...copy.searchParams.keys()]) {
    if (/pass|pwd|token|secret|key|auth|signature|credential/i.test(key)) copy.searchParams.set(key, '***');
  }
  return copy.href.replace(/%2A%2A%2A/g, '***');
}

/**
 * Parses `--expect`: `200`, `200-399`, `200,204,300-399`.
 * @param {string} text
 * @returns {Array<[number, number]>}
 */
export function parseExpect(text) {
  const accepted = 'a status code (100-599), a range such as 200-399, or a comma-separated list of them';
  const ranges = text.split(',').map((part) => {
    const match = /^\s*([1-5]\d\d)(?:\s*-\s*([1-5]\d\d))?\s*$/.exec(part);
    if (!match) throw new UsageError(`--expect must be ${accepted}; got ${JSON.stringify(text)}`);
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    if (low > high) throw new UsageError(`--expect range ${low}-${high} is empty: the first code must not be above the second`);
    return /** @type {[number, number]} */ ([low, high]);
  });
  return ranges;
}

/** The options of `probe`, for `parseArgs`. */
const PROBE_OPTIONS = /** @type {const} */ ({
  timeout: { type: 'string' },
  expect: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});

/**
 * Parses the arguments after `probe` with `node:util` `parseArgs` (strict), in the CLI's words.
 * @param {string[]} args
 */
function parseProbeCommandLine(args) {
  try {
    return parseArgs({ args, options: PROBE_OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    const { code, message } = /** @type {{ code?: string, message: string }} */ (error);
    const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${JSON.stringify(option)}; accepted: --timeout <ms>, --expect <codes>, --help`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option} needs a value`);
    throw new UsageError(message);
  }
}

/**
 * @param {string[]} args the arguments after `probe`
 * @returns {ProbeOptions}
 */
export function parseProbeArgs(args) {
  const { values, positionals } = parseProbeCommandLine(args);
  for (const flag of /** @type {const} */ (['timeout', 'expect'])) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value`);
  }
  if (positionals.length > 1) throw new UsageError(`one URL expected; got a second argument ${JSON.stringify(positionals[1])}`);
  const urlText = positionals[0];
  const timeoutText = values.timeout ?? String(DEFAULT_TIMEOUT_MS);
  const expectText = values.expect ?? DEFAULT_EXPECT;
  if (urlText === undefined) throw new UsageError('missing <url>, e.g. nest-vitals probe http://127.0.0.1:3000/health/ready');

  /** @type {URL} */
  let url;
  try {
    url = new URL(urlText);
  } catch {
    throw new UsageError('<url> must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:3000/health/ready; got a malformed URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`<url> must be an absolute http:// or https:// URL; got protocol ${JSON.stringify(url.protocol.replace(/:$/, ''))}`);
  }
  const timeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText.trim()) || !Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new UsageError(`--timeout must be an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds); got ${JSON.stringify(timeoutText)}`);
  }
  return { url, timeoutMs, expect: parseExpect(expectText), expectText };
}

/** Reads at most `MAX_BODY_BYTES` of a body; a body that fails midway yields what arrived. */
async function readBodyStart(/** @type {Response} */ response) {
  if (!response.body) return '';
  const reader = response.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells us the status code, which is what decides the result.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_BODY_BYTES));
}

/** The report's `status` (and `reason`) when the body is a nest-vitals / health+json report. */
function describeBody(/** @type {string} */ body) {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.status === 'string') {
      const reason = typeof parsed.reason === 'string' ? parsed.reason : typeof parsed.output === 'string' ? parsed.output : undefined;
      return reason ? `${parsed.status} (${reason})` : parsed.status;
    }
  } catch {
    // Not JSON: the status code alone is the answer.
  }
  return undefined;
}

/** One printable line: no newlines, bounded length, credentials redacted. */
function oneLine(/** @type {string} */ text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  const redacted = flat.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):([^\s@/?#]*)@/gi, '$1$2:***@');
  return redacted.length > MAX_DETAIL_CHARS ? `${redacted.slice(0, MAX_DETAIL_CHARS - 3)}...` : redacted;
}

/** Why fetch failed, in words a person running a probe recognises (`connect ECONNREFUSED 127.0.0.1:3000`). */
function describeFetchError(/** @type {unknown} */ error) {
  const err = /** @type {{ name?: string, message?: string, cause?: { message?: string, code?: string } }} */ (error ?? {});
  const cause = err.cause;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  if (cause && typeof cause.code === 'string') return cause.code;
  return err.message || String(error);
}

/**
 * Runs one probe; resolves to the exit code and the line to print.
 * @param {ProbeOptions} options
 * @returns {Promise<{ code: number, line: string }>}
 */
export async function probe({ url, timeoutMs, expect }) {
  const shownUrl = redactUrl(url);
  const target = new URL(url.href);
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', 'user-agent': 'nest-vitals-probe' };
  if (target.username || target.password) {
    // fetch refuses URLs with credentials; send them as Basic auth instead.
    const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    // Redirects are not followed: like a Kubernetes httpGet probe, a 3xx is itself the answer.
    const response = await fetch(target, { method: 'GET', headers, redirect: 'manual', signal });
    const body = await readBodyStart(response);
    const ms = elapsed();
    const healthy = expect.some(([low, high]) => response.status >= low && response.status <= high);
    const report = describeBody(body);
    const detail = report === undefined || (healthy && report === 'UP') || (!healthy && report === 'DOWN') ? '' : `: ${report}`;
    return {
      code: healthy ? EXIT_HEALTHY : EXIT_UNHEALTHY,
      line: oneLine(`nest-vitals probe: ${healthy ? 'UP' : 'DOWN'} ${response.status} ${shownUrl} (${ms} ms)${detail}`),
    };
  } catch (error) {
    const ms = elapsed();
    const timedOut = /** @type {{ name?: string }} */ (error ?? {}).name === 'TimeoutError';
    const why = timedOut ? `timed out after ${timeoutMs} ms` : `unreachable: ${describeFetchError(error)} (${ms} ms)`;
    return { code: EXIT_UNHEALTHY, line: oneLine(`nest-vitals probe: DOWN ${shownUrl} ${why}`) };
  }
}

/** The version of the installed package (its package.json sits beside bin/). */
function packageVersion() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

/**
 * @param {string[]} argv the arguments after the script
 * @returns {Promise<{ code: number, line: string, toStderr?: boolean }>}
 */
export async function main(argv) {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { code: EXIT_HEALTHY, line: USAGE };
  if (command === '-v' || command === '--version' || command === 'version') return { code: EXIT_HEALTHY, line: `nest-vitals ${packageVersion()}` };
  if (command === undefined) {
    return { code: EXIT_USAGE, line: `nest-vitals: missing command; usage: ${USAGE_LINE} (see nest-vitals --help)`, toStderr: true };
  }
  if (command === 'routes') return routesCommand(rest);
  if (command === 'k8s') {
    // Loaded only for this command: `probe` stays on Node's built-ins alone.
    const { runK8s } = await import('./k8s/command.js');
    return runK8s(rest);
  }
  if (command !== 'probe') {
    return {
      code: EXIT_USAGE,
      line: `nest-vitals: unknown command ${JSON.stringify(command)}; accepted: probe, routes, k8s (see nest-vitals --help)`,
      toStderr: true,
    };
  }
  try {
    if (parseProbeCommandLine(rest).values.help) return { code: EXIT_HEALTHY, line: USAGE };
    return await probe(parseProbeArgs(rest));
  } catch (error) {
    if (error instanceof UsageError) return { code: EXIT_USAGE, line: `nest-vitals probe: ${error.message} (see nest-vitals --help)`, toStderr: true };
    throw error;
  }
}

/** True when run as a program (also through the `node_modules/.bin` symlink), false when imported. */
function invokedDirectly() {
  if (process.argv[1] === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const { code, line, toStderr } = await main(process.argv.slice(2));
  // Exit as soon as the line is written: an idle keep-alive socket must not hold the process open.
  (toStderr ? process.stderr : process.stdout).write(`${line}\n`, () => process.exit(code));
}
