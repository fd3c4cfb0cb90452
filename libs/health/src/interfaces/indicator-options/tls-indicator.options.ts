import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** One entry of the `tls` option of `HealthModule.forRoot`, keyed by check name: a peer whose certificate expiry is watched. @publicApi */
export interface TlsIndicatorOptions extends HealthIndicatorOptions {
  /** Host name or IP address of the peer. */
  host: string;
  /** TLS port of the peer, e.g. 443. */
  port: number;
  /** Name sent for SNI and matched against the certificate. @default host, unless host is an IP address */
  servername?: string;
  /** Fewer days left than this: DEGRADED. @default 21 */
  warnDays?: number;
  /** Fewer days left than this, or expired: DOWN. @default 3 */
  downDays?: number;
}
