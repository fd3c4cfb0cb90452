import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext } from '../../interfaces/health-indicator.interface.js';
import type { RabbitMqIndicatorOptions } from './rabbitmq.builtin.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { BROKER_DEFAULTS, ReconnectingConnection, ReconnectingConnectionIndicator } from '../reconnecting-connection.js';

/** What a `RabbitMqHealthIndicator` is built with. @publicApi */
export type RabbitMqHealthIndicatorConfig = Pick<RabbitMqIndicatorOptions, 'url'>;

type Amqplib = typeof import('amqplib');

/** What the check uses of amqplib's `ChannelModel`: the published declarations name no type of the optional peer. @publicApi */
export interface RabbitMqHealthConnection {
  createChannel(): Promise<{ close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Pings RabbitMQ over one AMQP connection of its own (amqplib), opened at bootstrap, reopened by itself
 * after a loss and closed at shutdown. A run opens and closes a channel on it (a round trip to the broker,
 * `responseTimeMs`); while the connection is down the check is DOWN at once with how long and why.
 *
 * @publicApi
 */
@HealthIndicator('rabbitmq')
export class RabbitMqHealthIndicator extends ReconnectingConnectionIndicator<RabbitMqHealthConnection> {
  private amqplib?: Amqplib;
  protected readonly connection = new ReconnectingConnection<RabbitMqHealthConnection>({
    broker: 'RabbitMQ',
    open: async ({ lost, failed }) => {
      const connection = await this.amqplib!.connect(withHeartbeat(this.config.url), {
        clientProperties: { connection_name: BROKER_DEFAULTS.connectionName },
        // A broker that accepts the socket and never answers the handshake must not hold the first connection forever.
        timeout: BROKER_DEFAULTS.connectTimeoutMs,
      });
      // A lost connection emits 'error' before 'close': the error is the reason, 'close' the loss.
      connection.on('error', failed);
      connection.on('close', lost);
      return connection;
    },
    close: (connection) => connection.close(),
  });

  constructor(protected readonly config: RabbitMqHealthIndicatorConfig) {
    super();
  }

  /** Loads amqplib: a missing package stops startup. */
  override async onModuleInit(): Promise<void> {
    this.amqplib ??= await loadOptionalPeer({ option: 'rabbitmq.url', packageName: 'amqplib' }, () => import('amqplib'));
  }

  check({ indicator }: HealthCheckContext): Promise<HealthIndicatorResult> {
    return this.timedPing(indicator, async (connection) => {
      const channel = await connection.createChannel();
      await channel.close();
    });
  }
}

/** The URL with an AMQP heartbeat, unless it sets one: without it a silent broker is never noticed. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('heartbeat')) return url;
  parsed.searchParams.set('heartbeat', String(BROKER_DEFAULTS.heartbeatSeconds));
  return parsed.toString();
}
