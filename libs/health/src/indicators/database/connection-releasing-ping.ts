import type { DataSource } from 'typeorm';
import type { SequelizeInstance } from './sequelize.indicator.js';

/**
 * Pings that give their connection back. Where the driver allows it, a ping takes ONE connection of the
 * app's pool and runs the cheapest query on it; when the run's signal aborts (the check timed out), that
 * connection is dropped: its socket is closed, the query on it fails, and the pool forgets it. A stalled
 * database then costs the pool at most that one connection for health (the runner invokes the check again
 * only once the ping has settled), and the app's own queries get the pool's other connections as soon
 * as the database answers.
 *
 * - pg (TypeORM `postgres`, Sequelize `postgres`): `Client.end()`, which destroys the socket while a query
 *   is active (the query fails with "Connection terminated"; pg-pool discards an ending client).
 * - mysql2 (TypeORM `mysql`/`mariadb`, Sequelize `mysql`): the connection's socket is destroyed, which fails
 *   the query with `PROTOCOL_CONNECTION_LOST` and removes the connection from its pool. (`destroy()` alone
 *   only half-closes the socket and leaves the query waiting for a server that does not answer.) With the
 *   older `mysql` package, its `destroy()`, which closes the socket at once.
 *
 * A ping still waiting for a connection when the signal aborts cannot be taken back from the pool; it
 * gives the connection back as soon as it gets one, without running the query.
 */

/** Drops one driver connection at once, failing what runs on it. */
export type DropConnection = (connection: unknown) => void;

export const dropPgClient: DropConnection = (connection) => {
  const client = connection as { end?: () => Promise<void> | undefined };
  void Promise.resolve(client.end?.()).catch(() => undefined);
};

export const dropMysqlConnection: DropConnection = (connection) => {
  const mysql = connection as { stream?: { destroy?: () => void }; destroy?: () => void };
  if (typeof mysql.stream?.destroy === 'function') mysql.stream.destroy();
  else mysql.destroy?.();
};

const TYPEORM_DROPPERS: Record<string, DropConnection> = {
  postgres: dropPgClient,
  cockroachdb: dropPgClient,
  mysql: dropMysqlConnection,
  mariadb: dropMysqlConnection,
};

/** Runs `query` on `connection`, dropping the connection if `signal` aborts first. */
export async function onDroppable<T>(connection: unknown, drop: DropConnection, signal: AbortSignal, query: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw signal.reason;
  const onAbort = () => drop(connection);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await query();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** @internal (typed by typeorm, an optional peer) The driver's cheapest read-only round trip on a TypeORM DataSource; on PostgreSQL and MySQL/MariaDB it gives its connection back on abort. */
export async function pingDataSource(dataSource: DataSource, signal: AbortSignal): Promise<void> {
  const type = dataSource.options.type;
  const drop = TYPEORM_DROPPERS[type];
  if (drop) {
    const queryRunner = dataSource.createQueryRunner('master');
    try {
      const connection: unknown = await queryRunner.connect();
      await onDroppable(connection, drop, signal, () => queryRunner.query('SELECT 1'));
    } finally {
      await queryRunner.release();
    }
    return;
  }
  switch (type) {
    case 'mongodb':
      await (
        dataSource.driver as unknown as { queryRunner: { databaseConnection: { db(): { command(c: object): Promise<unknown> } } } }
      ).queryRunner.databaseConnection
        .db()
        .command({ ping: 1 });
      return;
    case 'oracle':
      await dataSource.query('SELECT 1 FROM DUAL');
      return;
    case 'sap':
      await dataSource.query('SELECT now() FROM dummy');
      return;
    default:
      await dataSource.query('SELECT 1');
  }
}

/** The little of Sequelize's connection manager the ping uses. */
interface SequelizeConnectionManager {
  getConnection(options: { type: string }): Promise<unknown>;
  releaseConnection(connection: unknown): void;
  destroyConnection(connection: unknown): Promise<void>;
}

/** Runs `SELECT 1` on a raw connection of a Sequelize dialect. */
type RawPing = (connection: unknown) => Promise<unknown>;

const SEQUELIZE_DIALECTS: Record<string, { ping: RawPing; drop: DropConnection }> = {
  postgres: { ping: (connection) => (connection as { query(sql: string): Promise<unknown> }).query('SELECT 1'), drop: dropPgClient },
  mysql: {
    ping: (connection) =>
      new Promise((resolve, reject) => {
        (connection as { query(sql: string, callback: (error: Error | null) => void): void }).query('SELECT 1', (error) =>
          error ? reject(error) : resolve(undefined),
        );
      }),
    drop: dropMysqlConnection,
  },
};

/** Whether `pingSequelize` can give the connection back for this instance's dialect. */
export function releasesSequelizeConnection(sequelize: SequelizeInstance): boolean {
  const manager = (sequelize as { connectionManager?: Partial<SequelizeConnectionManager> }).connectionManager;
  return sequelize.getDialect() in SEQUELIZE_DIALECTS && typeof manager?.getConnection === 'function' && typeof manager.destroyConnection === 'function';
}

/**
 * `SELECT 1` on one connection of a Sequelize instance's pool (the write pool with replication, as
 * `sequelize.query` uses), dropped and destroyed when `signal` aborts. Only for dialects where
 * `releasesSequelizeConnection` is true.
 */
export async function pingSequelize(sequelize: SequelizeInstance, signal: AbortSignal): Promise<void> {
  const { ping, drop } = SEQUELIZE_DIALECTS[sequelize.getDialect()];
  const manager = (sequelize as unknown as { connectionManager: SequelizeConnectionManager }).connectionManager;
  const connection = await manager.getConnection({ type: 'RAW' });
  let dropped = false;
  const dropOnce: DropConnection = (held) => {
    dropped = true;
    drop(held);
  };
  try {
    await onDroppable(connection, dropOnce, signal, () => ping(connection));
  } finally {
    // A dropped connection goes out of the pool; one the signal aborted before it was used goes back.
    if (dropped) void manager.destroyConnection(connection).catch(() => undefined);
    else manager.releaseConnection(connection);
  }
}
