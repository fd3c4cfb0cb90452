import { isPlainObject } from '../options/option-rules.js';
const MAX_REASON_LENGTH = 500;
const RESERVED_KEYS = new Set(['status', 'message', 'error', 'responseTime', 'cachedResponse']);
const STATUS_BY_TERMINUS_STATUS = {
    up: 'UP',
    degraded: 'DEGRADED',
    down: 'DOWN',
};
function truncate(text) {
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 3)}...` : text;
}
/** A readable reason for anything a check may throw or reject with. */
export function describeError(error) {
    if (error instanceof Error) {
        const cause = error.cause instanceof Error && error.cause.message ? ` (${error.cause.message})` : '';
        const code = error.code;
        const text = error.message || (typeof code === 'string' ? code : '') || error.name;
        return truncate(`${text}${cause}`);
    }
    if (typeof error === 'string')
        return truncate(error || 'rejected with an empty string');
    if (isPlainObject(error) && typeof error.message === 'string')
        return truncate(error.message);
    if (error === undefined || error === null)
        return `rejected with ${String(error)}`;
    try {
        return truncate(`rejected with ${JSON.stringify(error)}`);
    }
    catch {
        return `rejected with ${String(error)}`;
    }
}
/**
 * Reads what `check()` returned: a Terminus `HealthIndicatorResult` (`{ [key]: { status, ...data } }`,
 * keyed by the check name or by a single other key). Anything else is DOWN with a reason.
 */
export function normalizeResult(name, raw) {
    if (!isPlainObject(raw)) {
        return { status: 'DOWN', error: `check() returned ${raw === undefined ? 'nothing' : 'an invalid result'}; expected a HealthIndicatorResult such as { "${name}": { "status": "up" } }` };
    }
    const keys = Object.keys(raw);
    const entry = isPlainObject(raw[name]) ? raw[name] : keys.length === 1 && isPlainObject(raw[keys[0]]) ? raw[keys[0]] : undefined;
    const status = isPlainObject(entry) && typeof entry.status === 'string' ? STATUS_BY_TERMINUS_STATUS[entry.status.toLowerCase()] : undefined;
    if (!isPlainObject(entry) || !status) {
        return { status: 'DOWN', error: `check() returned an invalid result; expected a HealthIndicatorResult such as { "${name}": { "status": "up" } }` };
    }
    const data = {};
    for (const [key, value] of Object.entries(entry)) {
        if (!RESERVED_KEYS.has(key))
            data[key] = value;
    }
    const reason = typeof entry.message === 'string' ? truncate(entry.message) : typeof entry.error === 'string' ? truncate(entry.error) : undefined;
    const outcome = { status };
    if (Object.keys(data).length > 0)
        outcome.data = data;
    if (status === 'DOWN')
        outcome.error = reason ?? 'check reported down';
    else if (reason)
        outcome.message = reason;
    return outcome;
}
//# sourceMappingURL=check-outcome.js.map