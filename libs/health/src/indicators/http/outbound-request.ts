import type { RedirectPolicy } from '../../interfaces/indicator-options/redirect-policy.js';

/** `http` and `remote`: follow redirects, sending configured headers, keys and credentials to the configured origin only. */
export const DEFAULT_REDIRECT_POLICY: RedirectPolicy = 'follow';

/** Redirects followed at most before the check is DOWN (fetch's own limit is 20). */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface OutboundRequest {
  url: URL;
  method: string;
  /** Configured headers, API key, URL credentials: sent to `url`'s origin only. */
  originHeaders: Headers;
  /** Headers without secrets (`Accept`), sent wherever a redirect leads. */
  publicHeaders?: Headers;
  redirect: RedirectPolicy;
  signal: AbortSignal;
}

export interface OutboundResponse {
  response: Response;
  /** Where the answer came from (the configured URL unless a redirect was followed). Without userinfo. */
  url: URL;
  redirects: number;
  /** Set when a redirect to another origin was not followed (`redirect: 'same-origin'`): where it pointed. */
  refusedLocation?: URL;
}

/** A URL as a check may report it: no userinfo (the redactor handles the rest). */
export function reportableUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * `fetch` with `redirect: 'manual'`, following redirects itself so that secrets stay with their origin: each hop
 * sends `originHeaders` only when it goes to the configured origin. Bounded: at most `MAX_REDIRECTS` hops, every
 * intermediate body is discarded unread, the check's signal aborts every hop.
 */
export async function fetchKeepingSecrets(request: OutboundRequest): Promise<OutboundResponse> {
  const origin = request.url.origin;
  let url = request.url;
  for (let redirects = 0; ; redirects++) {
    const sameOrigin = url.origin === origin;
    const headers = sameOrigin ? request.originHeaders : new Headers(request.publicHeaders);
    const response = await fetch(url, { method: request.method, headers, signal: request.signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (request.redirect === 'manual' || !REDIRECT_STATUSES.has(response.status) || location === null) return { response, url, redirects };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { response, url, redirects };
    }
    // Userinfo in a Location header is never sent, as fetch would not send it either.
    next.username = '';
    next.password = '';
    await response.body?.cancel().catch(() => undefined);
    if (request.redirect === 'same-origin' && next.origin !== origin) return { response, url, redirects, refusedLocation: next };
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new Error(`${url.origin} redirected to a ${next.protocol.replace(/:$/, '')}: URL; only http and https are followed`);
    }
    if (redirects + 1 > MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects (last to ${reportableUrl(next)})`);
    url = next;
  }
}
