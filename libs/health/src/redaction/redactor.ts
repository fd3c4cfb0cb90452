/**
 * Removes credentials from any text that leaves the module (responses, logs, metric labels):
 * passwords in URLs, `password=` / `pwd=` / `token=` style pairs, and `Authorization` values.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):([^\s@/?#]*)@/gi;
// MySQL's "(using password: YES)" says whether a password was sent, not which: it stays readable.
const SECRET_PAIR =
  /\b((?:password|passwd|pwd|pass|token|access_token|refresh_token|secret|client_secret|api[_-]?key|apikey|auth)\s*[=:]\s*)(?!(?:YES|NO)\))("[^"]*"|'[^']*'|[^\s&;,"'}]+)/gi;
const JSON_SECRET = /("(?:password|passwd|pwd|pass|token|secret|apiKey|api_key|authorization)"\s*:\s*)"[^"]*"/gi;
const AUTH_HEADER = /\b(authorization\s*[:=]\s*)(?:(bearer|basic|digest|token)\s+)?[^\s,;]+/gi;
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;

export const REDACTED = '***';

/** Redacts credentials in one string. @publicApi */
export function redact(text: string): string {
  return text
    .replace(URL_USERINFO, (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(AUTH_HEADER, (_match, prefix: string, scheme?: string) => `${prefix}${scheme ? `${scheme} ` : ''}${REDACTED}`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(SECRET_PAIR, `$1${REDACTED}`);
}

/** Redacts every string inside a JSON-like value; keys named like secrets lose their value entirely. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, depth + 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = /^(password|passwd|pwd|secret|token|api[_-]?key|authorization|credentials?)$/i.test(key) ? REDACTED : redactDeep(entry, depth + 1);
  }
  return copy as T;
}
