/**
 * Removes credentials from any text that leaves the module (responses, logs, metric labels):
 * the userinfo of URLs in every scheme (`user:pass@` and token-only `TOKEN@`), `key=value` / `key: value`
 * pairs whose key names a secret (also with a prefix: `PGPASSWORD=`, `aws_secret_access_key=`, `DB_PASS=`,
 * `"password":"…"`), `Authorization` values and bare bearer tokens.
 *
 * Runs on every check result: each pattern is compiled once, and none can backtrack more than linearly.
 */

export const REDACTED = '***';

/**
 * `scheme://userinfo@`, starting only where a scheme can start (a lookbehind, not `\b`: `a.a.a…` must not restart at every
 * letter). Greedy up to the last `@` of the authority, so a password holding a raw `@` goes too. */
const URL_USERINFO = /(?<![\w+.-])([a-z][\w+.-]*:\/\/)([^\s/?#]*)@/gi;
/** Go-style MySQL DSN without a scheme: `user:pass@tcp(host:3306)/db`. */
const GO_DSN = /(?<![\w.-])([\w.-]+):[^\s@/:]*@(?=(?:tcp|unix)\()/gi;
/** A bearer token outside an `Authorization` pair ("sent Bearer eyJ…"); 8 characters at least, so prose stays. */
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** The start of a pair: a key (optionally quoted) and `=` or `:` (not the `://` of a URL). */
const PAIR_KEY = /(?<![\w.-])(["']?)([A-Za-z_][\w.-]*)\1\s*(?:=|:(?!\/\/))\s*/g;
/** A value: quoted (escapes honoured; an unterminated quote runs to the end) or up to a delimiter. */
const PAIR_VALUE = /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^\s&;,"'}]+/y;
/** The scheme word of an `Authorization` value, kept readable. */
const AUTH_SCHEME = /(?:bearer|basic|digest|token|negotiate|apikey)\s+/iy;
/** MySQL's "(using password: YES)" says whether a password was sent, not which: it stays readable. */
const MYSQL_USING = /(?:YES|NO)\)/y;

/**
 * Key names whose value is a secret, with any prefix or case: `password`, `PGPASSWORD`, `REDIS_PASSWORD`,
 * `aws_secret_access_key`, `client_secret`, `API_TOKEN`, `accessToken`, `x-api-key`, `DB_PASS`, `pwd`, `sasl.password`,
 * `passphrase`, `credentials`, `X-Amz-Signature`, `Authorization`. Not `passed`, `bypass`, `tokens`, `author`, `authorized`.
 */
const SECRET_KEY =
  /passw(?:or)?d|passphrase|secret|credential|api[_-]?key|private[_-]?key|(?:^|[_.-])(?:access|auth|signing|encryption|master|session)[_-]?key$|token$|(?:^|[_.-])pass$|pwd$|^auth$|signature$|^(?:proxy-)?authorization$/i;
const AUTHORIZATION_KEY = /authorization$/i;

/** Whether a key (of a pair, a JSON object, a header) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
}

/**
 * Walks the `key=value` / `key: value` pairs. A value is consumed only when its key is a secret, so a pair
 * nested in an ordinary value (`options=password=x`, a query string) is still found.
 */
function redactPairs(text: string): string {
  let out = '';
  let copied = 0;
  PAIR_KEY.lastIndex = 0;
  for (let match = PAIR_KEY.exec(text); match; match = PAIR_KEY.exec(text)) {
    const key = match[2];
    if (!SECRET_KEY.test(key)) continue;
    let at = PAIR_KEY.lastIndex;
    MYSQL_USING.lastIndex = at;
    if (MYSQL_USING.test(text)) continue;
    if (AUTHORIZATION_KEY.test(key)) {
      AUTH_SCHEME.lastIndex = at;
      if (AUTH_SCHEME.test(text)) at = AUTH_SCHEME.lastIndex;
    }
    PAIR_VALUE.lastIndex = at;
    const value = PAIR_VALUE.exec(text)?.[0];
    if (!value || value === REDACTED) continue;
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    const closed = quote && value.length > 1 && value.endsWith(quote) ? quote : '';
    out += `${text.slice(copied, at)}${quote}${REDACTED}${closed}`;
    copied = at + value.length;
    PAIR_KEY.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Redacts credentials in one string. @publicApi */
export function redact(text: string): string {
  return redactPairs(text.replace(URL_USERINFO, redactUserinfo).replace(GO_DSN, `$1:${REDACTED}@`).replace(BEARER, `$1 ${REDACTED}`));
}

/** Redacts every string inside a JSON-like value; keys named like secrets lose their value entirely. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as unknown[]).map((entry) => redactDeep(entry, depth + 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) ? REDACTED : redactDeep(entry, depth + 1);
  }
  return copy as T;
}
