import type { OnApplicationShutdown } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';

/**
 * What a transport server or `ClientProxy` exposes: the `status` stream of Nest 12 (an RxJS
 * observable of status strings). Typed by the little the check needs, so that the declarations of
 * this package do not require `@nestjs/microservices` or `rxjs` types.
 * @publicApi
 */
export interface TransportStatusSource {
  readonly status: { subscribe(observer: (status: string) => void): { unsubscribe(): void } };
}

/** What a `TransportStatusHealthIndicator` watches. @publicApi */
export interface TransportStatusHealthIndicatorConfig {
  /** The server or client whose `status` stream is followed. */
  source: TransportStatusSource;
  /** Reported as `transport` in the data, e.g. `nats`, `rmq`. */
  transport: string;
  /** Whether the source is one of the app's transport servers or a client. */
  role: 'server' | 'client';
}

/** Statuses in which the connection works. */
const UP_STATUSES = new Set(['connected', 'listening', 'unblocked']);
/** Statuses in which it works with a limit: RabbitMQ blocks publishing on a resource alarm; Kafka consumers pause while rebalancing. */
const DEGRADED_STATUSES = new Set(['blocked', 'rebalancing']);

/**
 * Reports a transport server or `ClientProxy` by the connection status Nest emits on its `status`
 * stream: UP while `connected`, DEGRADED while `blocked` or `rebalancing`, DOWN while
 * `disconnected`, `reconnecting`, `closed`, `crashed`, `stopped` (with how long), and DOWN for a
 * server that has reported nothing yet (not listening). A client that has not connected yet
 * (clients connect on first use) is UP with `state: "idle"`.
 *
 * Event-driven: the stream updates the state the moment Nest emits, the check only reads it; no
 * connection of its own. Subscribes when constructed; unsubscribes at application shutdown.
 *
 * @publicApi
 */
@HealthIndicator('transport')
export class TransportStatusHealthIndicator implements HealthIndicatorCheck, OnApplicationShutdown {
  private status?: string;
  /** When the current status was first reported. */
  private statusSince = Date.now();
  /** When the connection stopped working (kept across `disconnected` → `reconnecting`); undefined while it works. */
  private downSince?: number;
  private readonly subscription: { unsubscribe(): void };

  constructor(protected readonly config: TransportStatusHealthIndicatorConfig) {
    this.subscription = config.source.status.subscribe((status) => this.onStatus(status));
  }

  /** Stops following the stream. */
  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
  }

  check({ indicator }: HealthCheckContext): HealthIndicatorResult {
    const { transport, role } = this.config;
    const status = this.status;
    if (status === undefined) {
      if (role === 'client') return indicator.up({ transport, role, state: 'idle' });
      return indicator.down({ transport, role, state: 'not-listening', message: 'the server has not reported a connection yet (not listening)' });
    }
    const since = new Date(this.statusSince).toISOString();
    if (UP_STATUSES.has(status)) return indicator.up({ transport, role, state: status, since });
    if (DEGRADED_STATUSES.has(status)) return indicator.degraded({ transport, role, state: status, since, message: `${status} since ${since}` });
    const downSince = this.downSince ?? this.statusSince;
    const downForMs = Date.now() - downSince;
    return indicator.down({
      transport,
      role,
      state: status,
      since: new Date(downSince).toISOString(),
      downForMs,
      message: `${status}, disconnected for ${(downForMs / 1000).toFixed(1)} s`,
    });
  }

  private onStatus(status: string): void {
    if (status === this.status) return;
    const now = Date.now();
    this.status = status;
    this.statusSince = now;
    if (UP_STATUSES.has(status) || DEGRADED_STATUSES.has(status)) this.downSince = undefined;
    else this.downSince ??= now;
  }
}
