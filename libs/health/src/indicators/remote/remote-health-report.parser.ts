import type { CheckStatus } from '../../interfaces/health-status.interface.js';

/** Which kind of health report a downstream service answered. @publicApi */
export type RemoteReportFormat = 'nest-vitals' | 'health+json' | 'terminus' | 'spring-boot';

/**
 * A downstream check's status: `UP`, `DEGRADED` or `DOWN`, or the status as the report gave it when it is not one
 * the parser knows (a Spring Boot custom status, say). `string & NonNullable<unknown>` keeps the three names
 * suggested by editors.
 */
export type RemoteCheckStatus = CheckStatus | (string & NonNullable<unknown>);

/** What a downstream service answered, as the `remote` indicator received it. */
export interface RemoteHealthResponse {
  /** HTTP status code of the response. */
  statusCode: number;
  /** The `Content-Type` header, if any. */
  contentType?: string | null;
  /** The body as text: at most `MAX_REMOTE_REPORT_BYTES` of it (see `bodyTruncated`). */
  body: string;
  /** True when the reader stopped at `MAX_REMOTE_REPORT_BYTES` and `body` is only the start of a longer body. */
  bodyTruncated?: boolean;
}

/** A downstream health report that could be read. */
export interface RemoteHealthReport {
  readable: true;
  /** The downstream service's overall status, in nest-vitals' terms (see the mapping on `parseRemoteHealthReport`). */
  status: CheckStatus;
  /** The status value exactly as the body gave it (`OUT_OF_SERVICE`, `pass`, `shutting_down`...), cut to 32 characters. */
  reportedStatus: string;
  format: RemoteReportFormat;
  /**
   * Each downstream check by name (names cut to 64 characters; nested Spring components joined with `/`,
   * health+json `name:measurement` keys folded into `name`). The value is `UP`, `DEGRADED` or `DOWN`, or the
   * status as given (cut to 32 characters) when it is not one this parser knows.
   */
  checks: Record<string, RemoteCheckStatus>;
  /** Names of the downstream checks that are DOWN, in report order (at most `MAX_FAILING_NAMES`). */
  failing: string[];
  /** How many checks were left out of `checks` to keep it at `MAX_REMOTE_CHECKS` entries; absent when none. */
  omittedChecks?: number;
  httpStatus: number;
}

/** A downstream answer that is not a health report this parser understands. */
export interface UnreadableRemoteHealthReport {
  readable: false;
  /** `unreadable health report (HTTP 502, text/html): not JSON`; never contains body text. */
  reason: string;
  httpStatus: number;
}

export type RemoteHealthReportParseResult = RemoteHealthReport | UnreadableRemoteHealthReport;

/** The largest body the parser reads (1 MiB). A reader should stop here and set `bodyTruncated`. */
export const MAX_REMOTE_REPORT_BYTES = 1024 * 1024;
/** At most this many entries in `checks`. */
export const MAX_REMOTE_CHECKS = 100;
/** At most this many names in `failing`. */
export const MAX_FAILING_NAMES = 20;

const MAX_NAME_LENGTH = 64;
const MAX_STATUS_LENGTH = 32;
/** Spring composites nest; deeper than this, a component counts as one check with its own status. */
const MAX_SPRING_DEPTH = 8;

type JsonObject = Record<string, unknown>;

const NEST_VITALS_STATUS: Record<string, CheckStatus> = {
  UP: 'UP',
  DEGRADED: 'DEGRADED',
  DOWN: 'DOWN',
  STARTING: 'DOWN',
  SHUTTING_DOWN: 'DOWN',
};
const SPRING_STATUS: Record<string, CheckStatus> = { UP: 'UP', DOWN: 'DOWN', OUT_OF_SERVICE: 'DOWN', UNKNOWN: 'DEGRADED' };
const TERMINUS_STATUS: Record<string, CheckStatus> = { ok: 'UP', degraded: 'DEGRADED', error: 'DOWN', shutting_down: 'DOWN' };
const TERMINUS_CHECK_STATUS: Record<string, CheckStatus> = { up: 'UP', degraded: 'DEGRADED', down: 'DOWN' };
/** Lower-cased: the draft says the value is case-insensitive and lists the aliases. */
const HEALTH_JSON_STATUS: Record<string, CheckStatus> = {
  pass: 'UP',
  ok: 'UP',
  up: 'UP',
  warn: 'DEGRADED',
  fail: 'DOWN',
  error: 'DOWN',
  down: 'DOWN',
};
const SEVERITY: Record<CheckStatus, number> = { UP: 0, DEGRADED: 1, DOWN: 2 };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function cut(text: string, max: number): string {
  // Control characters could forge log lines; nothing a person needs is lost.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const checkName = (name: string) => cut(name, MAX_NAME_LENGTH);

function mediaTypeOf(contentType: string | null | undefined): string | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType ? cut(mediaType, 60) : undefined;
}

function unreadable(response: RemoteHealthResponse, why: string): UnreadableRemoteHealthReport {
  const mediaType = mediaTypeOf(response.contentType);
  return {
    readable: false,
    reason: `unreadable health report (HTTP ${response.statusCode}${mediaType ? `, ${mediaType}` : ''}): ${why}`,
    httpStatus: response.statusCode,
  };
}

/** A check's status in a known vocabulary, else the given text (cut), else undefined when there is no status. */
function checkStatusOf(value: unknown, vocabulary: Record<string, CheckStatus>, caseInsensitive = false): RemoteCheckStatus | undefined {
  if (typeof value !== 'string') return undefined;
  const key = caseInsensitive ? value.toLowerCase() : value;
  // Own keys only: a status such as "constructor" must not find Object.prototype's members.
  return Object.hasOwn(vocabulary, key) ? vocabulary[key] : cut(value, MAX_STATUS_LENGTH);
}

function worst(a: RemoteCheckStatus | undefined, b: RemoteCheckStatus): RemoteCheckStatus {
  if (a === undefined) return b;
  const rank = (status: string) => (Object.hasOwn(SEVERITY, status) ? SEVERITY[status as CheckStatus] : 1);
  return rank(b) > rank(a) ? b : a;
}

function nestVitalsChecks(body: JsonObject): [string, RemoteCheckStatus][] {
  if (!isObject(body.details)) return [];
  const checks: [string, RemoteCheckStatus][] = [];
  for (const [name, result] of Object.entries(body.details)) {
    const status = isObject(result) ? checkStatusOf(result.status, NEST_VITALS_STATUS) : undefined;
    if (status !== undefined) checks.push([checkName(name), status]);
  }
  return checks;
}

function terminusChecks(body: JsonObject): [string, RemoteCheckStatus][] {
  const checks = new Map<string, RemoteCheckStatus>();
  // `details` holds every indicator; `info` and `error` repeat them by outcome (older versions may send only those).
  for (const section of [body.details, body.info, body.error]) {
    if (!isObject(section)) continue;
    for (const [name, result] of Object.entries(section)) {
      const status = isObject(result) ? checkStatusOf(result.status, TERMINUS_CHECK_STATUS, true) : undefined;
      if (status !== undefined) checks.set(checkName(name), worst(checks.get(checkName(name)), status));
    }
  }
  return [...checks];
}

function healthJsonChecks(body: JsonObject): [string, RemoteCheckStatus][] {
  if (!isObject(body.checks)) return [];
  const checks = new Map<string, RemoteCheckStatus>();
  for (const [key, measurements] of Object.entries(body.checks)) {
    // Keys are `componentName:measurementName`, either part optional; a measurement name may be a URI.
    const component = key.includes(':') && key.indexOf(':') > 0 ? key.slice(0, key.indexOf(':')) : key;
    const name = checkName(component);
    for (const measurement of Array.isArray(measurements) ? measurements : [measurements]) {
      const status = isObject(measurement) ? checkStatusOf(measurement.status, HEALTH_JSON_STATUS, true) : undefined;
      if (status !== undefined) checks.set(name, worst(checks.get(name), status));
    }
  }
  return [...checks];
}

function springChecks(components: unknown, prefix: string, depth: number, into: [string, RemoteCheckStatus][]): void {
  if (!isObject(components)) return;
  for (const [name, component] of Object.entries(components)) {
    if (!isObject(component)) continue;
    const path = `${prefix}${name}`;
    if (isObject(component.components) && Object.keys(component.components).length > 0 && depth < MAX_SPRING_DEPTH) {
      springChecks(component.components, `${path}/`, depth + 1, into);
      continue;
    }
    const status = checkStatusOf(component.status, SPRING_STATUS);
    if (status !== undefined) into.push([checkName(path), status]);
  }
}

function detectFormat(body: JsonObject, status: string, mediaType: string | undefined): RemoteReportFormat | undefined {
  const healthJsonStatus = Object.hasOwn(HEALTH_JSON_STATUS, status.toLowerCase());
  if (healthJsonStatus && (mediaType === 'application/health+json' || isObject(body.checks))) return 'health+json';
  // Terminus' `ok` / `error` are health+json aliases too; without `checks` or the media type, Terminus is likelier.
  if (Object.hasOwn(TERMINUS_STATUS, status)) return 'terminus';
  const springShaped =
    isObject(body.components) || status === 'OUT_OF_SERVICE' || status === 'UNKNOWN' || mediaType?.startsWith('application/vnd.spring-boot.actuator');
  if (springShaped) return Object.hasOwn(SPRING_STATUS, status) ? 'spring-boot' : undefined;
  if (Object.hasOwn(NEST_VITALS_STATUS, status)) return 'nest-vitals';
  return healthJsonStatus ? 'health+json' : undefined;
}

const OVERALL: Record<RemoteReportFormat, (status: string) => CheckStatus | undefined> = {
  'nest-vitals': (status) => NEST_VITALS_STATUS[status],
  'health+json': (status) => HEALTH_JSON_STATUS[status.toLowerCase()],
  terminus: (status) => TERMINUS_STATUS[status],
  'spring-boot': (status) => SPRING_STATUS[status],
};

function checksOf(format: RemoteReportFormat, body: JsonObject): [string, RemoteCheckStatus][] {
  switch (format) {
    case 'nest-vitals':
      return nestVitalsChecks(body);
    case 'health+json':
      return healthJsonChecks(body);
    case 'terminus':
      return terminusChecks(body);
    case 'spring-boot': {
      const checks: [string, RemoteCheckStatus][] = [];
      springChecks(body.components, '', 1, checks);
      return checks;
    }
  }
}

/**
 * Reads a downstream service's health report, whatever the HTTP status: a 503 with a readable body is that
 * body's status, not an HTTP failure. Understands four formats, told apart by content type and shape:
 *
 * | format | overall status → nest-vitals status | checks |
 * |---|---|---|
 * | nest-vitals JSON | `UP`, `DEGRADED`, `DOWN`; `STARTING`, `SHUTTING_DOWN` → `DOWN` | `details.<name>.status`; a status-only body has none |
 * | `application/health+json` (draft-inadarei-api-health-check) | `pass` / `ok` / `up` → `UP`; `warn` → `DEGRADED`; `fail` / `error` / `down` → `DOWN` (any case) | `checks["name:measurement"][].status`, the worst per `name` |
 * | `@nestjs/terminus` JSON | `ok` → `UP`; `degraded` → `DEGRADED`; `error`, `shutting_down` → `DOWN` | `details` / `info` / `error` maps of `{ status: up \| degraded \| down }` |
 * | Spring Boot Actuator JSON | `UP` → `UP`; `DOWN`, `OUT_OF_SERVICE` → `DOWN`; `UNKNOWN` → `DEGRADED` | `components`, nested `components` flattened as `broker/us1` |
 *
 * `OUT_OF_SERVICE` is DOWN because Spring Boot itself answers it with 503: the service asks not to be used.
 * `UNKNOWN` is DEGRADED because Spring Boot answers it with 200: nothing is known to be broken, nor known to work.
 * A check status outside these vocabularies is kept as given and does not count as failing.
 *
 * Anything else is unreadable, with a reason that names the HTTP status and media type but never quotes the body
 * (a body may carry secrets): not JSON, no `status` field, an unrecognized status, an empty body, or a body larger
 * than `MAX_REMOTE_REPORT_BYTES`. Parsing is bounded: the body is never parsed past that size, nested components
 * past 8 levels count as one check, and `checks` keeps at most `MAX_REMOTE_CHECKS` entries.
 */
export function parseRemoteHealthReport(response: RemoteHealthResponse): RemoteHealthReportParseResult {
  const { body } = response;
  if (response.bodyTruncated || body.length > MAX_REMOTE_REPORT_BYTES || Buffer.byteLength(body) > MAX_REMOTE_REPORT_BYTES) {
    return unreadable(response, `body larger than ${MAX_REMOTE_REPORT_BYTES / (1024 * 1024)} MB, not read`);
  }
  if (body.trim() === '') return unreadable(response, 'empty body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // The parser's message quotes the body; say only what kind of failure it was.
    return unreadable(response, 'not JSON');
  }
  if (!isObject(parsed)) return unreadable(response, 'not a JSON object');
  if (typeof parsed.status !== 'string') return unreadable(response, 'no "status" field');
  const reportedStatus = parsed.status;
  const format = detectFormat(parsed, reportedStatus, mediaTypeOf(response.contentType));
  const status = format && OVERALL[format](reportedStatus);
  if (!format || !status) return unreadable(response, `unrecognized status "${cut(reportedStatus, MAX_STATUS_LENGTH)}"`);

  const entries = checksOf(format, parsed);
  const failing = entries.filter(([, checkStatus]) => checkStatus === 'DOWN').map(([name]) => name);
  const report: RemoteHealthReport = {
    readable: true,
    status,
    reportedStatus: cut(reportedStatus, MAX_STATUS_LENGTH),
    format,
    // fromEntries defines own properties, so a check named `__proto__` stays a check.
    checks: Object.fromEntries(entries.slice(0, MAX_REMOTE_CHECKS)),
    failing: failing.slice(0, MAX_FAILING_NAMES),
    httpStatus: response.statusCode,
  };
  if (entries.length > MAX_REMOTE_CHECKS) report.omittedChecks = entries.length - MAX_REMOTE_CHECKS;
  return report;
}
