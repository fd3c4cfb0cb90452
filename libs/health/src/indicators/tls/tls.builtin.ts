import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { checkName, indicatorFields } from '../../validation/indicator-option-rules.js';
import { integer, nonEmptyString, recordOf, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, namedBuiltin } from '../builtin-kind.js';
import { TLS_DEFAULTS, TlsHealthIndicator } from './tls.indicator.js';

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

/** `tls`: TLS peers keyed by check name, whose certificate expiry is watched. */
export const tlsBuiltin = namedBuiltin(
  'tls',
  recordOf(
    checkName,
    shapeOf<TlsIndicatorOptions>()(
      {
        ...indicatorFields,
        host: nonEmptyString,
        port: integer(1, 65535, 'TCP port'),
        servername: nonEmptyString,
        warnDays: integer(0, 3650, 'days'),
        downDays: integer(0, 3650, 'days'),
      },
      (value, path) => {
        const problems = [
          ...(value.host === undefined ? [`"${path}.host" is required`] : []),
          ...(value.port === undefined ? [`"${path}.port" is required`] : []),
        ];
        // Either side may be the default.
        const downDays = (value.downDays as number | undefined) ?? TLS_DEFAULTS.downDays;
        const warnDays = (value.warnDays as number | undefined) ?? TLS_DEFAULTS.warnDays;
        if (downDays > warnDays) problems.push(`"${path}.downDays" (${downDays}) must not be above "${path}.warnDays" (${warnDays})`);
        return problems;
      },
    ),
  ),
  (section: TlsIndicatorOptions, name) => builtinEntry(new TlsHealthIndicator(section), name, section, `HealthModule.forRoot({ tls: { ${name} } })`),
);
