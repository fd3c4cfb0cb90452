import type { CheckStatus } from '../interfaces/health-status.interface.js';
import { isPlainObject } from '../validation/option-rules.js';
import { redact } from '../redaction/redactor.js';

/** What one run of a check produced, before timing, thresholds and caching are applied. */
export interface CheckOutcome {
  status: CheckStatus;
  /** As the check returned it: not redacted yet. */
  data?: Record<string, unknown>;
  /** Redacted and cut to length where it is made (`describeError`, `normalizeResult`). */
  message?: string;
  /** Redacted and cut to length where it is made (`describeError`, `normalizeResult`). */
  error?: string;
}

const MAX_REASON_LENGTH = 500;
const RESERVED_KEYS = new Set(['status', 'message', 'error', 'responseTime', 'cachedResponse']);
const STATUS_BY_TERMINUS_STATUS: Record<string, CheckStatus> = {
  up: 'UP',
  degraded: 'DEGRADED',
  down: 'DOWN',
};

/** Redacts before cutting: a cut through a URL would leave part of its password where the redactor no longer sees a URL. */
function truncate(raw: string): string {
  const text = redact(raw);
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 3)}...` : text;
}

/** A readable reason for anything a check may throw or reject with. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error && error.cause.message ? ` (${error.cause.message})` : '';
    const code = (error as { code?: unknown }).code;
    const text = error.message || (typeof code === 'string' ? code : '') || error.name;
    return truncate(`${text}${cause}`);
  }
  if (typeof error === 'string') return truncate(error || 'rejected with an empty string');
  if (isPlainObject(error) && typeof error.message === 'string') return truncate(error.message);
  if (error === undefined || error === null) return `rejected with ${String(error)}`;
  if (typeof error === 'number' || typeof error === 'boolean' || typeof error === 'bigint' || typeof error === 'symbol') {
    return truncate(`rejected with ${String(error)}`);
  }
  if (typeof error === 'function') return truncate(`rejected with ${error.toString()}`);
  try {
    // JSON.stringify gives undefined for functions.
    return truncate(`rejected with ${JSON.stringify(error) ?? Object.prototype.toString.call(error)}`);
  } catch {
    return truncate(`rejected with ${Object.prototype.toString.call(error)}`);
  }
}

/**
 * Reads what `check()` returned: a Terminus `HealthIndicatorResult` keyed by the check's name
 * (`{ [name]: { status, ...data } }`, as the context's `indicator` builds it). A result keyed by
 * other names only, or anything else, is DOWN with a reason.
 */
export function normalizeResult(name: string, raw: unknown): CheckOutcome {
  if (!isPlainObject(raw)) {
    return {
      status: 'DOWN',
      error: `check() returned ${raw === undefined ? 'nothing' : 'an invalid result'}; expected a HealthIndicatorResult such as { "${name}": { "status": "up" } }`,
    };
  }
  const keys = Object.keys(raw);
  if (!(name in raw) && keys.length > 0 && keys.every((key) => isPlainObject(raw[key]))) {
    return {
      status: 'DOWN',
      error: truncate(`check() returned a result keyed ${keys.map((key) => JSON.stringify(key)).join(', ')}; expected "${name}" (use the context's indicator)`),
    };
  }
  const entry = raw[name];
  const status = isPlainObject(entry) && typeof entry.status === 'string' ? STATUS_BY_TERMINUS_STATUS[entry.status.toLowerCase()] : undefined;
  if (!isPlainObject(entry) || !status) {
    return { status: 'DOWN', error: `check() returned an invalid result; expected a HealthIndicatorResult such as { "${name}": { "status": "up" } }` };
  }
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (!RESERVED_KEYS.has(key)) data[key] = value;
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const reasonText = text(entry.message) ?? text(entry.error);
  const reason = reasonText === undefined ? undefined : truncate(reasonText);
  const outcome: CheckOutcome = { status };
  if (Object.keys(data).length > 0) outcome.data = data;
  if (status === 'DOWN') outcome.error = reason ?? 'check reported down';
  else if (reason) outcome.message = reason;
  return outcome;
}
