import type { HealthIndicatorOptions } from '../health-indicator.interface.js';
import type { RedirectPolicy } from './redirect-policy.js';

/**
 * One entry of the `remote` option of `HealthModule.forRoot`, keyed by check name: a downstream
 * service's health endpoint (nest-vitals, `application/health+json`, `@nestjs/terminus` or Spring Boot Actuator).
 * @publicApi
 */
export interface RemoteIndicatorOptions extends HealthIndicatorOptions {
  /** The downstream health route, e.g. `http://payments:3000/health`. Credentials in it are sent as Basic auth and never reported. */
  url: string;
  /** Sent as `X-Health-Key`, so a nest-vitals downstream shows its details. Never reported. */
  apiKey?: string;
  /** Extra request headers. Their values never appear in reports. */
  headers?: Record<string, string>;
  /**
   * Redirects: `'follow'` them, sending configured headers, key and credentials only to the configured origin;
   * follow only within the `'same-origin'` (DOWN when one points elsewhere); or `'manual'`, never follow.
   * @default 'follow'
   */
  redirect?: RedirectPolicy;
  /**
   * Whether a DOWN downstream makes this service's probes DOWN. Off by default: one slow dependency must not
   * pull every replica of every caller out of the load balancer.
   * @default false
   */
  critical?: boolean;
}
