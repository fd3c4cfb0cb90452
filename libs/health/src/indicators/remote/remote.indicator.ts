import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import type { RemoteIndicatorOptions } from './remote.builtin.js';
import { describeFetchFailure } from '../http/http-failure.js';
import { moveCredentialsToHeader } from '../http/http-credentials.js';
import { DEFAULT_REDIRECT_POLICY, fetchKeepingSecrets, reportableUrl } from '../http/outbound-request.js';
import type { RedirectPolicy } from '../../interfaces/indicator-options/redirect-policy.js';
import { parseRemoteHealthReport } from './remote-health-report.parser.js';
import { readCappedBody } from './remote-report-body.reader.js';

/** What a `RemoteHealthIndicator` is built with. @publicApi */
export type RemoteHealthIndicatorConfig = Pick<RemoteIndicatorOptions, 'url' | 'apiKey' | 'headers' | 'redirect'>;

const ACCEPT = 'application/health+json, application/json';

/**
 * Reads a downstream service's health report (nest-vitals, `application/health+json`, `@nestjs/terminus`
 * or Spring Boot Actuator JSON) and reports its overall status, each downstream check's status as data, and
 * the failing downstream checks in the reason. Whatever the HTTP status: a 503 with a readable report is that
 * report's status. Aborted by the check's signal (its timeout). Credentials in the URL are sent as
 * `Authorization: Basic` and, like `apiKey` and header values, never appear in results; all three go to the configured
 * origin only (`redirect` says whether and where redirects are followed).
 *
 * @publicApi
 */
@HealthIndicator('remote')
export class RemoteHealthIndicator implements HealthIndicatorCheck {
  private readonly url: URL;
  private readonly target: string;
  private readonly headers: Headers;
  private readonly publicHeaders = new Headers({ accept: ACCEPT });
  private readonly redirect: RedirectPolicy;

  constructor(config: RemoteHealthIndicatorConfig) {
    const url = new URL(config.url);
    this.redirect = config.redirect ?? DEFAULT_REDIRECT_POLICY;
    this.headers = new Headers(config.headers);
    this.headers.set('accept', ACCEPT);
    if (config.apiKey !== undefined) this.headers.set('x-health-key', config.apiKey);
    moveCredentialsToHeader(url, this.headers);
    this.url = url;
    this.target = `${url.origin}${url.pathname}`;
  }

  async check({ signal, indicator }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const started = performance.now();
    let statusCode: number;
    let contentType: string | null;
    let body: { body: string; truncated: boolean };
    let where: Record<string, unknown> = {};
    try {
      const outbound = await fetchKeepingSecrets({
        url: this.url,
        method: 'GET',
        originHeaders: this.headers,
        publicHeaders: this.publicHeaders,
        redirect: this.redirect,
        signal,
      });
      const { response } = outbound;
      if (outbound.redirects > 0) where = { redirects: outbound.redirects, redirectedTo: reportableUrl(outbound.url) };
      if (outbound.refusedLocation) {
        const location = reportableUrl(outbound.refusedLocation);
        const message = `${this.target} redirected to ${location}, another origin; not followed (redirect: 'same-origin')`;
        return indicator.down({ ...where, statusCode: response.status, location, message });
      }
      statusCode = response.status;
      contentType = response.headers.get('content-type');
      body = await readCappedBody(response);
    } catch (error) {
      return indicator.down({ message: `${this.target}: ${describeFetchFailure(error, `GET ${this.target}`, this.url.host)}` });
    }
    const responseTimeMs = Math.round(performance.now() - started);
    const report = parseRemoteHealthReport({ statusCode, contentType, body: body.body, bodyTruncated: body.truncated });
    if (!report.readable) return indicator.down({ ...where, statusCode, responseTimeMs, message: `${this.target}: ${report.reason}` });

    const data: Record<string, unknown> = {
      ...where,
      statusCode,
      responseTimeMs,
      format: report.format,
      reportedStatus: report.reportedStatus,
      checks: report.checks,
    };
    if (report.omittedChecks) data.omittedChecks = report.omittedChecks;
    if (report.status === 'UP') return indicator.up(data);
    const failing = report.failing.length > 0 ? `; failing: ${report.failing.join(', ')}` : '';
    const message = `${this.target} reports ${report.reportedStatus}${failing}`;
    return report.status === 'DOWN' ? indicator.down({ ...data, message }) : indicator.degraded({ ...data, message });
  }
}
