import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import type { RedirectPolicy } from '../../interfaces/indicator-options/redirect-policy.js';
import { REDIRECT_POLICIES } from '../../interfaces/indicator-options/redirect-policy.js';
import { checkName, indicatorFields, stringHeaders, url } from '../../validation/indicator-option-rules.js';
import { nonEmptyString, oneOf, recordOf, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, namedBuiltin } from '../builtin-kind.js';
import { RemoteHealthIndicator } from './remote.indicator.js';

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

/** `remote` checks are not critical unless they say so: one slow dependency must not take every caller out of rotation. */
export const REMOTE_CRITICAL_DEFAULT = false;

/** `remote`: downstream services' health reports keyed by check name. */
export const remoteBuiltin = namedBuiltin(
  'remote',
  recordOf(
    checkName,
    shapeOf<RemoteIndicatorOptions>()(
      { ...indicatorFields, url: url(['http', 'https']), apiKey: nonEmptyString, headers: stringHeaders, redirect: oneOf(REDIRECT_POLICIES) },
      (value, path) => (value.url === undefined ? [`"${path}.url" is required`] : []),
    ),
  ),
  (section: RemoteIndicatorOptions, name) =>
    builtinEntry(
      new RemoteHealthIndicator(section),
      name,
      { ...section, critical: section.critical ?? REMOTE_CRITICAL_DEFAULT },
      `HealthModule.forRoot({ remote: { ${name} } })`,
    ),
);
