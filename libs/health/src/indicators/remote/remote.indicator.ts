import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import type { RemoteIndicatorOptions } from '../../interfaces/indicator-options/remote-indicator.options.js';
import { describeFetchFailure } from '../http/http-failure.js';
import { moveCredentialsToHeader } from '../http/http-credentials.js';
import { parseRemoteHealthReport } from './remote-health-report.parser.js';
import { readCappedBody } from './remote-report-body.reader.js';

/** What a `RemoteHealthIndicator` is built with. @publicApi */
export type RemoteHealthIndicatorConfig = Pick<RemoteIndicatorOptions, 'url' | 'apiKey' | 'headers'>;

const ACCEPT = 'application/health+json, application/json';

/**
 * Reads a downstream service's health report (nest-vitals, `application/health+json`, `@nestjs/terminus`
 * or Spring Boot Actuator JSON) and reports its overall status, each downstream check's status as data, and
 * the failing downstream checks in the reason. Whatever the HTTP status: a 503 with a readable report is that
 * report's status. Aborted by the check's signal (its timeout). Credentials in the URL are sent as
 * `Authorization: Basic` and, like `apiKey` and header values, never appear in results.
 *
 * @publicApi
 */
@HealthIndicator('remote')
export class RemoteHealthIndicator implements HealthIndicatorCheck {
  private readonly url: URL;
  private readonly target: string;
  private readonly headers: Headers;

  constructor(config: RemoteHealthIndicatorConfig) {
    const url = new URL(config.url);
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
    try {
      const response = await fetch(this.url, { headers: this.headers, signal, redirect: 'follow' });
      statusCode = response.status;
      contentType = response.headers.get('content-type');
      body = await readCappedBody(response);
    } catch (error) {
      return indicator.down({ message: `${this.target}: ${describeFetchFailure(error, `GET ${this.target}`, this.url.host)}` });
    }
    const responseTimeMs = Math.round(performance.now() - started);
    const report = parseRemoteHealthReport({ statusCode, contentType, body: body.body, bodyTruncated: body.truncated });
    if (!report.readable) return indicator.down({ statusCode, responseTimeMs, message: `${this.target}: ${report.reason}` });

    const data: Record<string, unknown> = { statusCode, responseTimeMs, format: report.format, reportedStatus: report.reportedStatus, checks: report.checks };
    if (report.omittedChecks) data.omittedChecks = report.omittedChecks;
    if (report.status === 'UP') return indicator.up(data);
    const failing = report.failing.length > 0 ? `; failing: ${report.failing.join(', ')}` : '';
    const message = `${this.target} reports ${report.reportedStatus}${failing}`;
    return report.status === 'DOWN' ? indicator.down({ ...data, message }) : indicator.degraded({ ...data, message });
  }
}
