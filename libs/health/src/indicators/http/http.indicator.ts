import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { parseExpectedStatus, type ExpectedStatus } from './http-expected-status.js';
import { describeFetchFailure } from './http-failure.js';
import { moveCredentialsToHeader } from './http-credentials.js';
import { DEFAULT_REDIRECT_POLICY, fetchKeepingSecrets, reportableUrl } from './outbound-request.js';
import type { RedirectPolicy } from '../../interfaces/indicator-options/redirect-policy.js';
import type { HttpIndicatorOptions } from './http.builtin.js';

/** What an `HttpHealthIndicator` is built with. @publicApi */
export type HttpHealthIndicatorConfig = Pick<HttpIndicatorOptions, 'url' | 'method' | 'expectedStatus' | 'headers' | 'bodyPredicate' | 'redirect'>;

/** At most this much of the body is read and given to `bodyPredicate`. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Calls an HTTP dependency with Node's `fetch`, aborted by the check's signal (its timeout), and checks the status (and
 * optionally the body). Not built on Terminus' `attempt()`: its DOWN result carries only a
 * message, and this check keeps `statusCode` on a wrong status. Credentials in the URL are sent
 * as `Authorization: Basic` (fetch refuses URLs with credentials) and never appear in results. Configured headers and
 * credentials go to the configured origin only; `redirect` says whether and where redirects are followed.
 *
 * @publicApi
 */
@HealthIndicator('http')
export class HttpHealthIndicator implements HealthIndicatorCheck {
  private readonly url: URL;
  private readonly target: string;
  private readonly headers: Headers;
  private readonly expected: ExpectedStatus;
  private readonly method: string;
  private readonly redirect: RedirectPolicy;

  constructor(protected readonly config: HttpHealthIndicatorConfig) {
    this.method = config.method ?? 'GET';
    this.redirect = config.redirect ?? DEFAULT_REDIRECT_POLICY;
    const url = new URL(config.url);
    this.headers = new Headers(config.headers);
    moveCredentialsToHeader(url, this.headers);
    this.url = url;
    this.target = `${this.method} ${url.origin}${url.pathname}`;
    this.expected = parseExpectedStatus(config.expectedStatus);
  }

  async check({ signal, indicator: session }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const started = performance.now();
    let outbound: Awaited<ReturnType<typeof fetchKeepingSecrets>>;
    try {
      outbound = await fetchKeepingSecrets({ url: this.url, method: this.method, originHeaders: this.headers, redirect: this.redirect, signal });
    } catch (error) {
      return session.down({ message: describeFetchFailure(error, this.target, this.url.host) });
    }
    const { response } = outbound;
    const responseTimeMs = Math.round(performance.now() - started);
    const data: Record<string, unknown> = { statusCode: response.status, responseTimeMs };
    if (outbound.redirects > 0) Object.assign(data, { redirects: outbound.redirects, redirectedTo: reportableUrl(outbound.url) });
    if (outbound.refusedLocation) {
      const location = reportableUrl(outbound.refusedLocation);
      return session.down({ ...data, location, message: `${this.target} redirected to ${location}, another origin; not followed (redirect: 'same-origin')` });
    }
    if (!this.expected.matches(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      return session.down({ ...data, message: `${this.target} answered ${response.status}; expected ${this.expected.description}` });
    }
    const predicate = this.config.bodyPredicate;
    if (!predicate) {
      await response.body?.cancel().catch(() => undefined);
      return session.up(data);
    }
    let body: string;
    try {
      body = await readBody(response);
    } catch (error) {
      return session.down({ ...data, message: describeFetchFailure(error, this.target, this.url.host) });
    }
    try {
      if (!(await predicate(body))) return session.down({ ...data, message: `${this.target} answered ${response.status} but bodyPredicate rejected the body` });
    } catch (error) {
      return session.down({ ...data, message: `bodyPredicate threw: ${error instanceof Error ? error.message : String(error)}` });
    }
    return session.up(data);
  }
}

/** The body as text, at most `MAX_BODY_BYTES` of it. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: the rest of a large body is never read.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}
