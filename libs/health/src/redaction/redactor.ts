/**
 * Removes credentials from any text that leaves the module (responses, logs, metric labels):
 * the userinfo of URLs in every scheme (`user:pass@` and token-only `TOKEN@`, a password with a raw `#` or `/`
 * too) and without a scheme (`user:pass@host`), `key=value` / `key: value` pairs whose key names a secret (also
 * with a prefix: `PGPASSWORD=`, `aws_secret_access_key=`, `DB_PASS=`, `"password":"…"`), `Authorization` values,
 * bare bearer and Basic credentials, JSON Web Tokens and AWS access key ids.
 *
 * Runs on every check result: each pattern is compiled once, and none can backtrack more than linearly.
 */

export const REDACTED = '***';

/**
 * `scheme://userinfo@`, starting only where a scheme can start (a lookbehind, not `\b`: `a.a.a…` must not restart at every
 * letter). Greedy up to the last `@` of the authority, so a password holding a raw `@` goes too. */
const URL_USERINFO = /(?<![\w+.-])([a-z][\w+.-]*:\/\/)([^\s/?#]*)@/gi;
/**
 * A password holding a raw `/`, `?` or `#` (`redis://:pa#ss@cache`, `mongodb://admin:p/ss@mongo`), which ends the
 * authority for a URL parser: a colon in the first segment, then up to 256 characters other than space and `@`, then
 * `@`. A port (`host:8080/x@y`) is not a password. Each class excludes the character that follows it, and the length
 * is bounded, so a start costs at most ~512 steps whatever the input.
 */
const URL_RAW_PASSWORD = /(?<![\w+.-])([a-z][\w+.-]*:\/\/[^\s/?#@:]{0,256}:)(?!\d+(?:[/?#\s]|$))[^\s@]{1,256}@/gi;
/**
 * `user:pass@host` with no scheme (`app:hunter4@db.internal:5432`, Go's `user:pass@tcp(db:3306)/x`). Starts only where a
 * word starts (not after `:`, `/`, `@`, so the userinfo of a URL is not met again); `mailto:` is not a user.
 */
const SCHEMELESS_USERINFO = /(?<![\w.:/@%+-])([\w.-]+):[^\s@/:]+@(?=[\w[(])/g;
/** A bearer token outside an `Authorization` pair ("sent Bearer eyJ…"); 8 characters at least, so prose stays. */
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** `Basic <base64>` outside a pair; redacted only when the text decodes to `user:password`, so "Basic authentication" stays. */
const BASIC = /\b(basic)\s+([A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])/gi;
/** A JSON Web Token anywhere ("invalid token eyJhbGciOi…"): three base64url segments, the first a JSON object. */
const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
/** AWS access key ids (long-term `AKIA…`, temporary `ASIA…`). */
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
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
 * `passphrase`, `credentials`, `X-Amz-Signature`, `Authorization`, `aws_access_key_id`. Not `passed`, `bypass`, `tokens`, `author`, `authorized`.
 */
const SECRET_KEY =
  /passw(?:or)?d|passphrase|secret|credential|api[_-]?key|private[_-]?key|(?:^|[_.-])(?:access|auth|signing|encryption|master|session)[_-]?key$|access[_-]?key[_-]?id$|token$|(?:^|[_.-])pass$|pwd$|^auth$|signature$|^(?:proxy-)?authorization$/i;
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

function redactSchemelessUserinfo(match: string, user: string): string {
  return user.toLowerCase() === 'mailto' ? match : `${user}:${REDACTED}@`;
}

/** Whether a `Basic` token is base64 of `user:password` (printable, with a colon). */
function redactBasic(match: string, scheme: string, token: string): string {
  const decoded = Buffer.from(token, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded) ? `${scheme} ${REDACTED}` : match;
}

/** Redacts credentials in one string. @publicApi */
export function redact(text: string): string {
  const urls = text.replace(URL_USERINFO, redactUserinfo).replace(URL_RAW_PASSWORD, `$1${REDACTED}@`).replace(SCHEMELESS_USERINFO, redactSchemelessUserinfo);
  const tokens = urls.replace(BEARER, `$1 ${REDACTED}`).replace(BASIC, redactBasic).replace(JWT, REDACTED).replace(AWS_ACCESS_KEY_ID, REDACTED);
  return redactPairs(tokens);
}
