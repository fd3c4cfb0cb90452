import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import type { RedirectPolicy } from '../../interfaces/indicator-options/redirect-policy.js';
import { REDIRECT_POLICIES } from '../../interfaces/indicator-options/redirect-policy.js';
import { checkName, indicatorFields, stringHeaders, url } from '../../validation/indicator-option-rules.js';
import { arrayOf, either, func, integer, matching, oneOf, recordOf, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, namedBuiltin } from '../builtin-kind.js';
import { HttpHealthIndicator } from './http.indicator.js';

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

/** `http`: HTTP dependencies keyed by check name, one request each per run. */
export const httpBuiltin = namedBuiltin(
  'http',
  recordOf(
    checkName,
    shapeOf<HttpIndicatorOptions>()(
      {
        ...indicatorFields,
        url: url(['http', 'https']),
        method: oneOf(['GET', 'HEAD']),
        expectedStatus: either(
          'a status code (100-599), a list of codes, or a range like "200-399"',
          integer(100, 599),
          arrayOf(integer(100, 599), { nonEmpty: true }),
          matching(/^\s*[1-5]\d\d(\s*-\s*[1-5]\d\d)?\s*(,\s*[1-5]\d\d(\s*-\s*[1-5]\d\d)?\s*)*$/, 'a range'),
        ),
        headers: stringHeaders,
        bodyPredicate: func,
        redirect: oneOf(REDIRECT_POLICIES),
      },
      (value, path) => {
        if (value.url === undefined) return [`"${path}.url" is required`];
        const ranges = typeof value.expectedStatus === 'string' ? value.expectedStatus.split(',').map((item) => item.split('-').map(Number)) : [];
        return ranges.some((range) => range.length === 2 && range[0] > range[1])
          ? [`"${path}.expectedStatus" must be a range from low to high such as "200-399"; got ${JSON.stringify(value.expectedStatus)}`]
          : [];
      },
    ),
  ),
  (section: HttpIndicatorOptions, name) => builtinEntry(new HttpHealthIndicator(section), name, section, `HealthModule.forRoot({ http: { ${name} } })`),
);
