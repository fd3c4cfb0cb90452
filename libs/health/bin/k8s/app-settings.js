// What the rules compare a manifest with: the app's own `GET {path}/settings`, or documented defaults and flags.

/**
 * The subset of `/settings` the rules read.
 * @typedef {{ path: string, grpcService?: string, checks: string[], slowestCheckTimeoutMs: number }} ProbeSettings
 * @typedef {{
 *   known: boolean,
 *   source: string,
 *   http: { server?: string, path: string, port?: number, routes?: Record<string, string> },
 *   grpc?: { port?: number, attached?: boolean, services: string[] },
 *   probes: { liveness: ProbeSettings, readiness: ProbeSettings, startup: ProbeSettings },
 *   checks: Record<string, { timeoutMs: number, probes: string[] }>,
 *   groups: Record<string, { path: string, checks: string[] }>,
 *   startup: { checks: string[], bootstrapMs?: number, startedMs?: number },
 *   shutdown: { drainDelayMs: number, timeoutMs?: number },
 * }} AppSettings
 */

/** The module's defaults the rules assume without `--url` (see docs: `path`, `timeoutMs`, `shutdown.drainDelayMs`). */
export const SETTINGS_DEFAULTS = Object.freeze({ path: '/health', checkTimeoutMs: 1000, drainDelayMs: 5000 });

/** Bounds of the `/settings` answer read. */
const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * Settings from the defaults and flags: liveness and startup run no checks (the module's defaults), readiness
 * checks take `checkTimeoutMs`; check names are unknown, so `/checks/<any>` and `/groups/<any>` count as served.
 * @param {{ path?: string, port?: number, grpcPort?: number, checkTimeoutMs?: number, drainDelayMs?: number, shutdownTimeoutMs?: number, bootstrapMs?: number }} flags
 * @returns {AppSettings}
 */
export function defaultSettings(flags) {
  const path = `/${(flags.path ?? SETTINGS_DEFAULTS.path).replace(/^\/+|\/+$/g, '')}`;
  const checkTimeoutMs = flags.checkTimeoutMs ?? SETTINGS_DEFAULTS.checkTimeoutMs;
  return {
    known: false,
    source: 'defaults and flags',
    http: { path, ...(flags.port === undefined ? {} : { port: flags.port }) },
    ...(flags.grpcPort === undefined ? {} : { grpc: { port: flags.grpcPort, services: ['', 'liveness', 'readiness', 'startup'] } }),
    probes: {
      liveness: { path: `${path}/live`, grpcService: 'liveness', checks: [], slowestCheckTimeoutMs: 0 },
      readiness: { path: `${path}/ready`, grpcService: 'readiness', checks: ['(every check)'], slowestCheckTimeoutMs: checkTimeoutMs },
      startup: { path: `${path}/startup`, grpcService: 'startup', checks: [], slowestCheckTimeoutMs: 0 },
    },
    checks: {},
    groups: {},
    startup: { checks: [], ...(flags.bootstrapMs === undefined ? {} : { bootstrapMs: flags.bootstrapMs }) },
    shutdown: {
      drainDelayMs: flags.drainDelayMs ?? SETTINGS_DEFAULTS.drainDelayMs,
      ...(flags.shutdownTimeoutMs === undefined ? {} : { timeoutMs: flags.shutdownTimeoutMs }),
    },
  };
}

/** Thrown when `/settings` cannot be read: exit code 2. */
export class SettingsUnavailableError extends Error {}

/**
 * The settings URL of `--url`: the health path as served (`http://host:3000/health`), or `/settings` itself.
 * @param {string} text
 */
export function settingsUrl(text) {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SettingsUnavailableError(`--url must be an http:// or https:// URL; got ${url.protocol}`);
  if (!url.pathname.endsWith('/settings')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/settings`;
  return url;
}

/**
 * Reads `GET {path}/settings` with the key in `X-Health-Key`.
 * @param {string} urlText
 * @param {{ key?: string, timeoutMs: number }} options
 * @returns {Promise<AppSettings>}
 */
export async function fetchSettings(urlText, { key, timeoutMs }) {
  /** @type {URL} */
  let url;
  try {
    url = settingsUrl(urlText);
  } catch (error) {
    if (error instanceof SettingsUnavailableError) throw error;
    throw new SettingsUnavailableError(`--url must be an absolute URL such as http://127.0.0.1:3000/health; got ${JSON.stringify(urlText)}`);
  }
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', 'user-agent': 'nest-vitals-k8s' };
  if (key) headers['x-health-key'] = key;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = /** @type {{ cause?: { message?: string }, message?: string }} */ (error);
    throw new SettingsUnavailableError(`cannot read ${url.href}: ${cause.cause?.message ?? cause.message ?? String(error)}`);
  }
  const body = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new SettingsUnavailableError(`${url.href} answered ${response.status}: /settings needs authorization; pass the health API key with --key`);
  }
  if (response.status !== 200)
    throw new SettingsUnavailableError(`${url.href} answered ${response.status}; expected 200 with the app's settings (nest-vitals 0.2 or later)`);
  if (body.length > MAX_SETTINGS_BYTES) throw new SettingsUnavailableError(`${url.href}: the answer is larger than ${MAX_SETTINGS_BYTES} bytes`);
  try {
    const parsed = JSON.parse(body);
    if (!parsed?.probes?.readiness || !parsed?.http?.path || !parsed?.shutdown) throw new Error('not the settings of nest-vitals');
    return { known: true, source: url.href, ...parsed };
  } catch (error) {
    throw new SettingsUnavailableError(`${url.href}: not the settings of a nest-vitals app (${/** @type {Error} */ (error).message})`);
  }
}
