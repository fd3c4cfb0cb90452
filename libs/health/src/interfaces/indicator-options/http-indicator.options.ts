import type { HealthIndicatorOptions } from '../health-indicator.interface.js';
import type { RedirectPolicy } from './redirect-policy.js';

/** One entry of the `http` option of `HealthModule.forRoot`, keyed by check name. @publicApi */
export interface HttpIndicatorOptions extends HealthIndicatorOptions {
  url: string;
  /** @default 'GET' */
  method?: 'GET' | 'HEAD';
  /** Accepted status: a code, a list of codes, or a range `'200-399'`. Default: any 2xx. */
  expectedStatus?: number | number[] | string;
  /** Extra request headers. Their values never appear in reports. */
  headers?: Record<string, string>;
  /**
   * Redirects: `'follow'` them, sending configured headers, key and credentials only to the configured origin;
   * follow only within the `'same-origin'` (DOWN when one points elsewhere); or `'manual'`, never follow.
   * @default 'follow'
   */
  redirect?: RedirectPolicy;
  /** Called with the response body; returning false makes the check DOWN. */
  bodyPredicate?: (body: string) => boolean | Promise<boolean>;
}
