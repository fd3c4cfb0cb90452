/** Node error codes of a failed `fetch`, as a reason a person understands at a glance. */
const REASONS: Record<string, (target: string, host: string, code: string) => string> = {
  ECONNREFUSED: (_target, host) => `connection refused by ${host}`,
  ENOTFOUND: (_target, host, code) => `DNS lookup failed for ${host} (${code})`,
  EAI_AGAIN: (_target, host, code) => `DNS lookup failed for ${host} (${code})`,
  EAI_NONAME: (_target, host, code) => `DNS lookup failed for ${host} (${code})`,
  ECONNRESET: (_target, host) => `connection reset by ${host}`,
  EPIPE: (_target, host) => `connection reset by ${host}`,
  UND_ERR_SOCKET: (_target, host) => `connection closed by ${host} before a complete response`,
  UND_ERR_CONNECT_TIMEOUT: (_target, host) => `connecting to ${host} timed out`,
  UND_ERR_HEADERS_TIMEOUT: (_target, host) => `${host} sent no response headers in time`,
  UND_ERR_BODY_TIMEOUT: (_target, host) => `${host} stopped sending the response body`,
  EHOSTUNREACH: (_target, host) => `${host} is unreachable`,
  ENETUNREACH: (_target, host) => `network unreachable for ${host}`,
};

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  errors?: ErrorWithCode[];
  cause?: ErrorWithCode;
}

function codeOf(error: ErrorWithCode | undefined): string | undefined {
  if (!error) return undefined;
  if (typeof error.code === 'string') return error.code;
  // Several addresses tried (happy eyeballs): the first failure says enough.
  return error.errors?.map((inner) => codeOf(inner)).find((code) => code !== undefined);
}

/**
 * Why a request failed: refused, DNS, reset, TLS... `target` is the URL without credentials or
 * query, `host` its `host:port`. (A timeout is the runner's: the check is already DOWN "timed out".)
 */
export function describeFetchFailure(error: unknown, target: string, host: string): string {
  const failure = (error ?? {}) as ErrorWithCode & { name?: unknown };
  if (failure.name === 'AbortError') return `request to ${target} was aborted`;
  const cause = failure.cause;
  const code = codeOf(cause) ?? codeOf(failure);
  if (code && REASONS[code]) return REASONS[code](target, host, code);
  if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS error talking to ${host}: ${code}`;
  const detail =
    cause && typeof cause.message === 'string' && cause.message ? cause.message : typeof failure.message === 'string' ? failure.message : String(error);
  return `request to ${target} failed: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`;
}
