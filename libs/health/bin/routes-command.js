// `nest-vitals routes <url>`: prints the route map of a running app (each check and the routes that
// `@DependsOn()` it, which of them fail fast now), read from its JSON health report. Node built-ins only.

import { parseArgs } from 'node:util';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const DEFAULT_TIMEOUT_MS = 3000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** A report is small; anything past this is not one. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export const ROUTES_USAGE_LINE = 'nest-vitals routes <url> [--key <key>] [--timeout <ms>]';
export const ROUTES_USAGE = `Usage: ${ROUTES_USAGE_LINE}

Prints each check of a running app with the routes that depend on it (@DependsOn), method and
served path, and which routes fail fast now. Reads the app's full JSON report, which shows the map
only to a caller who may see details. Exits 0 when the map was read, 1 when it could not be, 2 on a
usage error.

  <url>              the health report, e.g. http://127.0.0.1:3000/health
  --key <key>        the health API key (sent as X-Health-Key); default $HEALTH_API_KEY
  --timeout <ms>     give up after this many milliseconds; default ${DEFAULT_TIMEOUT_MS}
  -h, --help         show this help`;

class RoutesUsageError extends Error {}

const OPTIONS = /** @type {const} */ ({
  key: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});

/**
 * @param {string[]} args the arguments after `routes`
 * @returns {{ help: true } | { help: false, url: URL, key?: string, timeoutMs: number }}
 */
export function parseRoutesArgs(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    const { code, message } = /** @type {{ code?: string, message: string }} */ (error);
    const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new RoutesUsageError(`unknown option ${JSON.stringify(option)}; accepted: --key <key>, --timeout <ms>, --help`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new RoutesUsageError(`${option} needs a value`);
    throw new RoutesUsageError(message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) {
    throw new RoutesUsageError(
      positionals.length === 0 ? 'missing <url>, e.g. nest-vitals routes http://127.0.0.1:3000/health' : `one URL expected; got ${positionals.length}`,
    );
  }
  /** @type {URL} */
  let url;
  try {
    url = new URL(positionals[0]);
  } catch {
    throw new RoutesUsageError('<url> must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:3000/health; got a malformed URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RoutesUsageError('<url> must be an absolute http:// or https:// URL');
  const timeoutText = values.timeout ?? String(DEFAULT_TIMEOUT_MS);
  const timeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RoutesUsageError(`--timeout must be an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds); got ${JSON.stringify(timeoutText)}`);
  }
  const key = values.key ?? process.env.HEALTH_API_KEY;
  return { help: false, url, ...(key ? { key } : {}), timeoutMs };
}

/**
 * The lines of the map: per check with routes, `name STATUS` (and how many routes fail fast), then one
 * indented line per route.
 * @param {{ details?: Record<string, { status?: string, routes?: Array<{ method: string, path: string, failFast?: boolean }> }> }} report
 * @returns {string[]}
 */
export function formatRouteMap(report) {
  const lines = [];
  for (const [name, result] of Object.entries(report.details ?? {})) {
    const routes = Array.isArray(result?.routes) ? result.routes : [];
    if (routes.length === 0) continue;
    const status = typeof result.status === 'string' ? result.status : 'UNKNOWN';
    const failing = status === 'DOWN' ? routes.filter((route) => route.failFast).length : 0;
    lines.push(`${name} ${status}${failing > 0 ? `: ${failing} of ${routes.length} routes failing fast` : ''}`);
    for (const route of routes) lines.push(`  ${route.method} ${route.path}${status === 'DOWN' && route.failFast ? '  (failing fast)' : ''}`);
  }
  return lines;
}

/**
 * Runs `routes`; resolves to the exit code and the text to print.
 * @param {string[]} args the arguments after `routes`
 * @returns {Promise<{ code: number, line: string, toStderr?: boolean }>}
 */
export async function routesCommand(args) {
  let options;
  try {
    options = parseRoutesArgs(args);
  } catch (error) {
    if (error instanceof RoutesUsageError)
      return { code: EXIT_USAGE, line: `nest-vitals routes: ${error.message} (see nest-vitals routes --help)`, toStderr: true };
    throw error;
  }
  if (options.help) return { code: EXIT_OK, line: ROUTES_USAGE };
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', 'user-agent': 'nest-vitals-routes' };
  if (options.key) headers['x-health-key'] = options.key;
  let text;
  let status;
  try {
    const response = await fetch(options.url, { headers, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const err = /** @type {{ name?: string, message?: string, cause?: { message?: string } }} */ (error ?? {});
    const why = err.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : `unreachable: ${err.cause?.message ?? err.message ?? String(error)}`;
    return { code: EXIT_FAILED, line: `nest-vitals routes: ${options.url.origin}${options.url.pathname} ${why}`, toStderr: true };
  }
  /** @type {{ status?: unknown, details?: Record<string, { status?: string, routes?: Array<{ method: string, path: string, failFast?: boolean }> }> }} */
  let report;
  try {
    report = text.length > MAX_BODY_BYTES ? {} : JSON.parse(text);
  } catch {
    report = {};
  }
  if (typeof report?.status !== 'string') {
    return {
      code: EXIT_FAILED,
      line: `nest-vitals routes: ${status} from ${options.url.pathname} is not a health report; give the report's URL (e.g. /health)`,
      toStderr: true,
    };
  }
  if (!report.details) {
    return {
      code: EXIT_FAILED,
      line: `nest-vitals routes: the report shows no details to this caller; pass --key <key> (or set HEALTH_API_KEY)`,
      toStderr: true,
    };
  }
  const lines = formatRouteMap(report);
  return { code: EXIT_OK, line: lines.length > 0 ? lines.join('\n') : 'no route declares @DependsOn()' };
}
