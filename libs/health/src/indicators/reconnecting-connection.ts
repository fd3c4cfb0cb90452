import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { describeError } from '../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';

/** Defaults of the broker built-ins' own connections (`rabbitmq`, `nats`, `mqtt`). */
export const BROKER_DEFAULTS = {
  /** Name of the indicator's own broker connections (AMQP `connection_name`, NATS `name`, MQTT client id prefix). */
  connectionName: 'nest-vitals-health',
  /** AMQP heartbeat of the `rabbitmq` connection (and MQTT keepalive, NATS ping): a silent broker is noticed after about two of them. */
  heartbeatSeconds: 5,
  /** Reopening a lost broker connection: the first wait, doubled on each failure up to `max`. */
  reconnectMs: { first: 100, max: 2000 },
  /** How long opening a broker connection may take before it is given up and retried. */
  connectTimeoutMs: 10_000,
} as const;

/**
 * What `open` gets: report the loss of this connection for good (it is reopened), an error on it (the reason of
 * the next loss), or, for a client that reconnects by itself, a disconnect and the reconnect that ends it.
 */
export interface ConnectionEvents {
  lost: (error?: unknown) => void;
  failed: (error: unknown) => void;
  disconnected: (error?: unknown) => void;
  reconnected: () => void;
}

/**
 * One long-lived connection to a broker: opened by `start()` (retried until it opens, backoff from 100 ms to 2 s),
 * reopened after a loss, closed by `stop()`. A client that reconnects by itself reports its disconnects instead
 * (`disconnected` / `reconnected`). Knows since when the connection is unusable and why.
 */
export class ReconnectingConnection<T> {
  private connection?: T;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private lastError?: string;
  /** Since when there is no connection (from `start()` until the first one is open, then from each loss). */
  private downSince = Date.now();
  private opening = false;
  /** The client is reconnecting by itself: the connection exists but is not usable. */
  private suspended = false;

  constructor(
    private readonly config: {
      broker: string;
      open(events: ConnectionEvents): Promise<T>;
      close(connection: T): Promise<unknown>;
    },
  ) {}

  start(): void {
    if (this.connection || this.opening || this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.opening = true;
    let mine: T | undefined;
    let lostEarly = false;
    const events: ConnectionEvents = {
      failed: (error) => {
        this.lastError = describeError(error);
      },
      lost: (error) => {
        if (error) this.lastError = describeError(error);
        // A loss of a connection that is no longer the current one (closed at stop, or replaced) changes nothing.
        if (mine === undefined) lostEarly = true;
        else if (this.connection === mine) this.onLost();
      },
      disconnected: (error) => {
        if (error) this.lastError = describeError(error);
        if (mine !== undefined && this.connection !== mine) return;
        if (!this.suspended) this.downSince = Date.now();
        this.suspended = true;
      },
      reconnected: () => {
        if (mine !== undefined && this.connection !== mine) return;
        this.suspended = false;
        this.lastError = undefined;
      },
    };
    this.config.open(events).then(
      (connection) => {
        this.opening = false;
        mine = connection;
        if (this.stopped) return void this.config.close(connection).catch(() => undefined);
        if (lostEarly) return this.retry();
        this.connection = connection;
        this.attempt = 0;
        if (!this.suspended) this.lastError = undefined;
      },
      (error: unknown) => {
        this.opening = false;
        this.lastError = describeError(error);
        this.retry();
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await this.config.close(connection).catch(() => undefined);
  }

  /** The open connection; throws, saying since when and why, while there is none. */
  current(): T {
    if (this.connection && !this.suspended) return this.connection;
    throw new Error(this.downMessage());
  }

  /** The data of a DOWN result: the reason, and how long the connection has been gone when it is. */
  downData(error: unknown): { message: string; downForMs?: number } {
    if (this.connection && !this.suspended) return { message: describeError(error) };
    return { message: this.downMessage(), downForMs: Date.now() - this.downSince };
  }

  private downMessage(): string {
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    const reason = this.lastError ? `: ${this.lastError}` : '';
    return this.stopped ? `connection to ${this.config.broker} closed` : `not connected to ${this.config.broker} for ${seconds} s, reconnecting${reason}`;
  }

  private onLost(): void {
    this.connection = undefined;
    this.suspended = false;
    this.downSince = Date.now();
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = Math.min(BROKER_DEFAULTS.reconnectMs.first * 2 ** this.attempt++, BROKER_DEFAULTS.reconnectMs.max);
    this.timer = setTimeout(() => this.start(), delay);
    this.timer.unref();
  }
}

/**
 * A broker indicator over one `ReconnectingConnection` of its own: loads its client at module init (a missing
 * package stops startup), starts connecting once the app has started (a broker that is down leaves the check DOWN,
 * not the app stopped) and closes the connection at shutdown. Subclasses open the connection and ping it.
 */
export abstract class ReconnectingConnectionIndicator<T> implements HealthIndicatorCheck, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly connection: ReconnectingConnection<T>;

  /** Loads the client package(s): a missing package stops startup. */
  abstract onModuleInit(): Promise<void>;

  abstract check(context: HealthCheckContext): Promise<HealthIndicatorResult>;

  async onApplicationBootstrap(): Promise<void> {
    await this.onModuleInit();
    this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.stop();
  }

  /** Runs `ping` on the open connection; DOWN at once, saying since when and why, while there is none or it fails. */
  protected async withConnection(
    indicator: HealthCheckContext['indicator'],
    ping: (connection: T) => Promise<HealthIndicatorResult>,
  ): Promise<HealthIndicatorResult> {
    try {
      return await ping(this.connection.current());
    } catch (error) {
      return indicator.down(this.connection.downData(error));
    }
  }

  /** Times `ping` on the open connection: UP with `responseTimeMs`, or DOWN as `withConnection`. */
  protected timedPing(indicator: HealthCheckContext['indicator'], ping: (connection: T) => Promise<unknown>): Promise<HealthIndicatorResult> {
    return this.withConnection(indicator, async (connection) => {
      const started = performance.now();
      await ping(connection);
      return indicator.up({ responseTimeMs: Math.round(performance.now() - started) });
    });
  }
}
