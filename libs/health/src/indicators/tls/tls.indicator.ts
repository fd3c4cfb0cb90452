import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import type { TlsIndicatorOptions } from './tls.builtin.js';
import { inspectPeerCertificate } from './tls-certificate.js';

/** Days left below which a certificate is DEGRADED / DOWN. */
export const TLS_DEFAULTS = { warnDays: 21, downDays: 3 } as const;

/** What a `TlsHealthIndicator` is built with. @publicApi */
export type TlsHealthIndicatorConfig = Pick<TlsIndicatorOptions, 'host' | 'port' | 'servername' | 'warnDays' | 'downDays'>;

/**
 * Days until a peer's TLS certificate expires: fewer than `warnDays` is DEGRADED, fewer than
 * `downDays` (or expired) is DOWN. Every run opens one TLS connection, reads the leaf certificate
 * and closes it; the certificate is read whether or not Node would trust it, and `authorized` /
 * `hostnameMatches` say so in the data (they do not change the status: this check is about expiry).
 *
 * @publicApi
 */
@HealthIndicator('tls')
export class TlsHealthIndicator implements HealthIndicatorCheck {
  private readonly warnDays: number;
  private readonly downDays: number;

  constructor(protected readonly config: TlsHealthIndicatorConfig) {
    this.warnDays = config.warnDays ?? TLS_DEFAULTS.warnDays;
    this.downDays = config.downDays ?? TLS_DEFAULTS.downDays;
  }

  async check({ signal, indicator: session }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { host, port, servername } = this.config;
    let certificate: Awaited<ReturnType<typeof inspectPeerCertificate>>;
    try {
      certificate = await inspectPeerCertificate({ host, port, servername, signal });
    } catch (error) {
      return session.down({ host, port, message: describeError(error) });
    }
    const data = {
      host,
      port,
      subject: certificate.subject,
      issuer: certificate.issuer,
      validTo: certificate.validTo,
      daysLeft: certificate.daysLeft,
      authorized: certificate.authorized,
      hostnameMatches: certificate.hostnameMatches,
    };
    if (certificate.expired) return session.down({ ...data, message: `the certificate of ${host}:${port} expired on ${certificate.validTo}` });
    const left = `the certificate of ${host}:${port} expires in ${certificate.daysLeft} ${certificate.daysLeft === 1 ? 'day' : 'days'} (${certificate.validTo})`;
    if (certificate.daysLeft < this.downDays) return session.down({ ...data, message: `${left}, fewer than downDays (${this.downDays})` });
    if (certificate.daysLeft < this.warnDays) return session.degraded({ ...data, message: `${left}, fewer than warnDays (${this.warnDays})` });
    return session.up(data);
  }
}
