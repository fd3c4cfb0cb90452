import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { checkName, indicatorFields, requiredUrl, url, warnNotAboveDown } from '../../validation/indicator-option-rules.js';
import { integer, nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { connectionBuiltin } from '../builtin-kind.js';
import { NatsHealthIndicator } from './nats.indicator.js';

/** Thresholds on a JetStream consumer's lag (messages not yet delivered plus delivered but not acknowledged). @publicApi */
export interface NatsLagThreshold {
  /** At or above this many messages the check is DEGRADED. */
  warn?: number;
  /** At or above this many messages the check is DOWN. */
  down?: number;
}

/** A JetStream consumer whose lag the `nats` check reports. @publicApi */
export interface NatsJetStreamOptions {
  /** Stream name. */
  stream: string;
  /** Durable consumer name on that stream. */
  consumer: string;
  /** Thresholds on `num_pending + num_ack_pending`; without them the lag is only reported. */
  lag?: NatsLagThreshold;
}

/** `nats` option of `HealthModule.forRoot`: one NATS connection of the indicator's own. @publicApi */
export interface NatsIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'nats' */
  name?: string;
  /** `nats://host:4222`, `nats://user:password@host:4222`, `nats://token@host:4222` or `tls://…`. */
  url: string;
  /** Also report a JetStream consumer's lag, with thresholds. */
  jetstream?: NatsJetStreamOptions;
}

/** `nats`: one NATS connection of the indicator's own (and a JetStream consumer's lag), checked as `nats` unless `name` says otherwise. */
export const natsBuiltin = connectionBuiltin(
  'nats',
  'nats',
  shapeOf<NatsIndicatorOptions>()(
    {
      ...indicatorFields,
      name: checkName,
      url: url(['nats', 'tls']),
      jetstream: shapeOf<NatsJetStreamOptions>()(
        {
          stream: nonEmptyString,
          consumer: nonEmptyString,
          lag: shapeOf<NatsLagThreshold>()(
            { warn: integer(0, undefined, 'messages'), down: integer(0, undefined, 'messages') },
            warnNotAboveDown('warn', 'down'),
          ),
        },
        (value, path) => (['stream', 'consumer'] as const).flatMap((key) => (value[key] === undefined ? [`"${path}.${key}" is required`] : [])),
      ),
    },
    requiredUrl,
  ),
  (section: NatsIndicatorOptions) => new NatsHealthIndicator({ url: section.url, jetstream: section.jetstream }),
);
