import { randomBytes } from 'node:crypto';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { IClientOptions } from 'mqtt';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext } from '../../interfaces/health-indicator.interface.js';
import type { MqttIndicatorOptions } from './mqtt.builtin.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { BROKER_DEFAULTS, ReconnectingConnection, ReconnectingConnectionIndicator } from '../reconnecting-connection.js';

/** What an `MqttHealthIndicator` is built with. @publicApi */
export type MqttHealthIndicatorConfig = Pick<MqttIndicatorOptions, 'url'>;

type MqttModule = typeof import('mqtt');

/** What the check uses of mqtt.js' `MqttClient`: the published declarations name no type of the optional peer. @publicApi */
export interface MqttHealthConnection {
  publishAsync(topic: string, message: string, options: { qos: 1 }): Promise<unknown>;
  endAsync(force?: boolean): Promise<void>;
}

/**
 * Pings an MQTT broker over one connection of its own (mqtt.js), opened at bootstrap and closed at shutdown;
 * the client reconnects by itself, and the check is DOWN at once while it is not connected. A run publishes an
 * empty QoS 1 message to `nest-vitals/health/<client id>` and waits for the broker's PUBACK (`responseTimeMs`).
 *
 * Credentials in the URL are passed to the client as `username` / `password`, never as part of the address.
 *
 * @publicApi
 */
@HealthIndicator('mqtt')
export class MqttHealthIndicator extends ReconnectingConnectionIndicator<MqttHealthConnection> {
  private mqtt?: MqttModule;
  private readonly clientId = `${BROKER_DEFAULTS.connectionName}-${randomBytes(4).toString('hex')}`;
  protected readonly connection = new ReconnectingConnection<MqttHealthConnection>({
    broker: 'MQTT broker',
    open: ({ failed, disconnected, reconnected, lost }) => {
      const { address, options } = clientOptions(this.config.url, this.clientId);
      const client = this.mqtt!.connect(address, options);
      // Not connected until the broker accepts; from then on 'close' and 'connect' follow the client's own reconnects.
      disconnected();
      client.on('connect', reconnected);
      client.on('close', () => disconnected());
      client.on('error', failed);
      client.on('end', () => lost());
      return Promise.resolve(client);
    },
    close: (client) => client.endAsync(true),
  });

  constructor(protected readonly config: MqttHealthIndicatorConfig) {
    super();
  }

  /** Loads mqtt: a missing package stops startup. */
  override async onModuleInit(): Promise<void> {
    this.mqtt ??= await loadOptionalPeer({ option: 'mqtt.url', packageName: 'mqtt' }, () => import('mqtt'));
  }

  check({ indicator }: HealthCheckContext): Promise<HealthIndicatorResult> {
    return this.timedPing(indicator, (client) => client.publishAsync(`nest-vitals/health/${this.clientId}`, '', { qos: 1 }));
  }
}

/** The client options for a URL: its credentials as options, the address without them. */
function clientOptions(url: string, clientId: string): { address: string; options: IClientOptions } {
  const parsed = new URL(url);
  const options: IClientOptions = {
    clientId,
    clean: true,
    keepalive: BROKER_DEFAULTS.heartbeatSeconds,
    reconnectPeriod: BROKER_DEFAULTS.reconnectMs.max / 4,
    connectTimeout: BROKER_DEFAULTS.connectTimeoutMs,
    queueQoSZero: false,
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { address: parsed.toString(), options };
}
