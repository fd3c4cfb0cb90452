import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';

/** A MongoDB `Db` of the driver, as far as the ping uses it. */
interface MongoDb {
  command(command: { ping: 1 }, options?: { signal?: AbortSignal }): Promise<unknown>;
}

/**
 * A Mongoose `Connection` (`@nestjs/mongoose`'s, by `getConnectionToken()`), typed by the little the check
 * uses, so that the declarations of this package do not require mongoose.
 * @publicApi
 */
export interface MongooseConnection {
  /** The database name. */
  readonly name?: string;
  /** 0 disconnected, 1 connected, 2 connecting, 3 disconnecting: reported, never trusted for the status. */
  readonly readyState: number;
  /** The driver's `Db`, once the connection has opened. */
  readonly db?: MongoDb | null;
  getClient?(): { db(name?: string): MongoDb; options?: { dbName?: string } };
  /** Mongoose's promise of the first connection (settled once it opened or failed). */
  readonly $initialConnection?: Promise<unknown>;
}

/** What a `MongooseHealthIndicator` is built with. @publicApi */
export interface MongooseHealthIndicatorConfig {
  connection: MongooseConnection;
  /** The `@nestjs/mongoose` connection name, for the data. @default 'default' */
  connectionName?: string;
}

const READY_STATES = ['disconnected', 'connected', 'connecting', 'disconnecting'];

/**
 * Sends the `ping` command through one of the app's Mongoose connections (its own MongoClient and
 * pool). `readyState` stays `connected` through a replica-set election or a server that stopped
 * answering; a ping does not. The run's signal goes to the driver, which abandons the command when the
 * check times out.
 * @publicApi
 */
@HealthIndicator('mongoose')
export class MongooseHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: MongooseHealthIndicatorConfig) {}

  async check({ indicator, signal }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { connection, connectionName = 'default' } = this.config;
    const data = {
      orm: 'mongoose',
      connection: connectionName,
      database: connection.name ?? connection.getClient?.().options?.dbName,
      readyState: READY_STATES[connection.readyState] ?? String(connection.readyState),
    };
    const started = performance.now();
    try {
      const db = connection.db ?? connection.getClient?.().db(connection.name);
      if (!db) throw new Error('the connection has no MongoDB client (openUri() was never called)');
      await db.command({ ping: 1 }, { signal });
    } catch (error) {
      return indicator.down({ ...data, message: await this.reasonOf(error) });
    }
    return indicator.up({ ...data, responseTimeMs: Math.round(performance.now() - started) });
  }

  /** The driver's reason; when the connection never opened, with why (the driver then only says "Topology is closed"). */
  private async reasonOf(error: unknown): Promise<string> {
    const reason = describeError(error);
    const { connection } = this.config;
    if (connection.readyState !== 0 || !connection.$initialConnection) return reason;
    let initialError: unknown;
    // Settled by now when it failed; a pending one (still connecting) is not waited for.
    await Promise.race([connection.$initialConnection.then(undefined, (failure: unknown) => (initialError = failure)), Promise.resolve()]);
    return initialError === undefined ? reason : `${reason} (the connection never opened: ${describeError(initialError)})`;
  }
}
