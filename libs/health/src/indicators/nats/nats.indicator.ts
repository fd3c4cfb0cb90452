import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext } from '../../interfaces/health-indicator.interface.js';
import type { NatsIndicatorOptions } from './nats.builtin.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { BROKER_DEFAULTS, ReconnectingConnection, ReconnectingConnectionIndicator } from '../reconnecting-connection.js';
import { evaluateThresholds, resultFor } from '../threshold-check.js';

/** What a `NatsHealthIndicator` is built with. @publicApi */
export type NatsHealthIndicatorConfig = Pick<NatsIndicatorOptions, 'url' | 'jetstream'>;

type NatsTransport = typeof import('@nats-io/transport-node');
type JetStreamModule = typeof import('@nats-io/jetstream');

/** What the check uses of a `NatsConnection`: the published declarations name no type of the optional peer. @publicApi */
export interface NatsHealthConnection {
  rtt(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Pings NATS over one connection of its own (`@nats-io/transport-node`), opened at bootstrap and closed at
 * shutdown; the client reconnects by itself, and the check is DOWN at once while it does. A run measures the
 * round trip (`rtt()`, `responseTimeMs`); with `jetstream` it also reads the consumer's `num_pending` and
 * `num_ack_pending` and compares their sum (`lag`) with the thresholds (DEGRADED / DOWN).
 *
 * Credentials in the URL (`user:password@`, `token@`) are passed to the client as options, never as part of a
 * server address, so no message of the client can repeat them.
 *
 * @publicApi
 */
@HealthIndicator('nats')
export class NatsHealthIndicator extends ReconnectingConnectionIndicator<NatsHealthConnection> {
  private nats?: NatsTransport;
  private jetstreamModule?: JetStreamModule;
  private manager?: { connection: NatsHealthConnection; manager: Promise<JetStreamManager> };
  protected readonly connection = new ReconnectingConnection<NatsHealthConnection>({
    broker: 'NATS',
    open: async ({ lost, failed, disconnected, reconnected }) => {
      const connection = await this.nats!.connect(connectionOptions(this.config.url));
      void (async () => {
        for await (const status of connection.status()) {
          if (status.type === 'disconnect') disconnected();
          else if (status.type === 'reconnect') reconnected();
          else if (status.type === 'error') failed(status.error);
        }
      })();
      void connection.closed().then(lost);
      return connection;
    },
    close: (connection) => connection.close(),
  });

  constructor(protected readonly config: NatsHealthIndicatorConfig) {
    super();
  }

  /** Loads the NATS client (and JetStream with `jetstream`): a missing package stops startup. */
  override async onModuleInit(): Promise<void> {
    this.nats ??= await loadOptionalPeer({ option: 'nats.url', packageName: '@nats-io/transport-node' }, () => import('@nats-io/transport-node'));
    if (this.config.jetstream) {
      this.jetstreamModule ??= await loadOptionalPeer({ option: 'nats.jetstream', packageName: '@nats-io/jetstream' }, () => import('@nats-io/jetstream'));
    }
  }

  check({ indicator }: HealthCheckContext): Promise<HealthIndicatorResult> {
    return this.withConnection(indicator, async (connection) => {
      const responseTimeMs = Math.round(await connection.rtt());
      const jetstream = this.config.jetstream;
      if (!jetstream) return indicator.up({ responseTimeMs });
      const info = await (await this.jetStreamManager(connection)).consumers.info(jetstream.stream, jetstream.consumer);
      const lag = info.num_pending + info.num_ack_pending;
      const data = { responseTimeMs, stream: jetstream.stream, consumer: jetstream.consumer, pending: info.num_pending, ackPending: info.num_ack_pending, lag };
      const verdict = evaluateThresholds([{ label: 'consumer lag', value: lag, unit: 'messages', ...jetstream.lag }]);
      return resultFor(indicator, verdict, data);
    });
  }

  /** One JetStream manager per connection (creating it asks the server for the account). */
  private jetStreamManager(connection: NatsHealthConnection): Promise<JetStreamManager> {
    if (this.manager?.connection !== connection) {
      const manager = this.jetstreamModule!.jetstreamManager(connection as NatsConnection);
      this.manager = { connection, manager };
      manager.catch(() => (this.manager = undefined));
    }
    return this.manager.manager;
  }
}

/** The client options for a URL: its credentials as options, the server address without them. */
function connectionOptions(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const options: ConnectionOptions = {
    servers: `${parsed.protocol}//${parsed.host}`,
    name: BROKER_DEFAULTS.connectionName,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: BROKER_DEFAULTS.reconnectMs.max,
    pingInterval: BROKER_DEFAULTS.heartbeatSeconds * 1000,
    maxPingOut: 2,
    timeout: BROKER_DEFAULTS.connectTimeoutMs,
  };
  if (parsed.protocol === 'tls:') options.tls = {};
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (password) Object.assign(options, { user, pass: password });
  else if (user) options.token = user;
  return options;
}
