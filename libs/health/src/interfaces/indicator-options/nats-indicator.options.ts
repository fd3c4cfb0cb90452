import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

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
