/** Pairs of a query string read at most; the rest of the string is not scanned. */
export const MAX_QUERY_PAIRS = 100;

/** Check names `?exclude` takes at most (after splitting commas); the rest are ignored. */
export const MAX_EXCLUDED_CHECKS = 100;

const NO_QUERY: Record<string, string | string[]> = Object.freeze(Object.create(null) as Record<string, string | string[]>);

function decode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The query string of a health request target (`/health/ready?exclude=a,b`), parsed in linear time: at most
 * `MAX_QUERY_PAIRS` pairs are read, a repeated key becomes an array (appended in place, never copied), and the
 * object has no prototype (a key `__proto__` is a key like any other). Both doors parse the raw target with it,
 * whatever the framework's own query parser does.
 */
export function parseHealthQuery(target: string): Record<string, string | string[]> {
  const start = target.indexOf('?');
  // No query string (a kubelet's probe): one empty object, read-only, for every such request.
  if (start < 0) return NO_QUERY;
  const query = Object.create(null) as Record<string, string | string[]>;
  const end = target.indexOf('#', start);
  const search = end < 0 ? target.slice(start + 1) : target.slice(start + 1, end);
  let at = 0;
  for (let pairs = 0; pairs < MAX_QUERY_PAIRS && at <= search.length; pairs++) {
    let next = search.indexOf('&', at);
    if (next < 0) next = search.length;
    const pair = search.slice(at, next);
    at = next + 1;
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/** The check names of `?exclude` (a string, comma-separated, or repeated), trimmed, at most `MAX_EXCLUDED_CHECKS`. */
export function excludedChecks(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const names: string[] = [];
  for (const entry of Array.isArray(value) ? value : [value]) {
    for (const part of String(entry).split(',', MAX_EXCLUDED_CHECKS)) {
      const name = part.trim();
      if (name) names.push(name);
      if (names.length === MAX_EXCLUDED_CHECKS) return names;
    }
  }
  return names;
}
