import { dropMysqlConnection, dropPgClient, onDroppable, type DropConnection } from './connection-releasing-ping.js';

/*
 * `SELECT 1` on ONE connection of the app's own node-postgres or mysql2 pool (what Drizzle's `db.$client`
 * and MikroORM's `getNativeClient()` are), given back when the run's signal aborts: the connection is
 * dropped as the database built-in drops its own (connection-releasing-ping.ts: its socket closed, the query
 * on it failing, the pool forgetting it), so a stalled database costs the app's pool at most that one
 * connection for health. Typed structurally: no import of `pg` or `mysql2`.
 */

/** A node-postgres `Pool`: `connect()` lends a client, `totalCount` tells it from a single `Client`. */
interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
  totalCount: number;
}
interface PgPoolClientLike {
  query(sql: string): Promise<unknown>;
  /** A truthy argument destroys the client instead of returning it to the pool. */
  release(destroy?: boolean | Error): void;
}
/** A node-postgres `Client` of its own (no pool): only a query can be sent. */
interface PgClientLike {
  query(sql: string): Promise<unknown>;
  connect(): Promise<void>;
}
/** A mysql2 callback-API pool connection. */
interface MysqlPoolConnectionLike {
  query(sql: string, callback: (error: Error | null) => void): void;
  release(): void;
  destroy(): void;
}
/** A mysql2 callback-API pool (`mysql2` `createPool`; `mysql2/promise`'s pool wraps one as `.pool`). */
interface MysqlPoolLike {
  getConnection(callback: (error: Error | null, connection: MysqlPoolConnectionLike) => void): void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isPgPool(client: unknown): client is PgPoolLike {
  return isObject(client) && typeof client.connect === 'function' && typeof client.totalCount === 'number';
}

function isPgClient(client: unknown): client is PgClientLike {
  return isObject(client) && typeof client.query === 'function' && typeof client.connect === 'function' && 'connectionParameters' in client;
}

/** The callback pool of a mysql2 pool, promise-API or not. */
function mysqlPoolOf(client: unknown): MysqlPoolLike | undefined {
  if (!isObject(client)) return undefined;
  const candidate = isObject(client.pool) && typeof client.pool.getConnection === 'function' ? client.pool : client;
  const config = (candidate as { config?: { connectionConfig?: unknown } }).config;
  return typeof candidate.getConnection === 'function' && isObject(config) && 'connectionConfig' in config
    ? (candidate as unknown as MysqlPoolLike)
    : undefined;
}

/** Whether `pingSqlPool` knows this client: a node-postgres Pool or Client, or a mysql2 pool. */
export function isKnownSqlClient(client: unknown): boolean {
  return isPgPool(client) || isPgClient(client) || mysqlPoolOf(client) !== undefined;
}

/** Runs `query` on one connection lent by a pool, dropping it (`drop`) if `signal` aborts; `giveBack(dropped)` returns or discards it. */
async function onLentConnection<C>(
  connection: C,
  drop: DropConnection,
  signal: AbortSignal,
  query: () => Promise<unknown>,
  giveBack: (dropped: boolean) => void,
) {
  let dropped = false;
  try {
    await onDroppable(
      connection,
      (held) => {
        dropped = true;
        drop(held);
      },
      signal,
      query,
    );
  } finally {
    giveBack(dropped);
  }
}

async function pingPgPool(pool: PgPoolLike, signal: AbortSignal): Promise<void> {
  // A connection the pool hands over after the abort goes straight back, unused.
  const client = await pool.connect();
  // A dropped (ending) client is released as broken: the pool discards it.
  await onLentConnection(
    client,
    dropPgClient,
    signal,
    () => client.query('SELECT 1'),
    (dropped) => client.release(dropped || undefined),
  );
}

async function pingMysqlPool(pool: MysqlPoolLike, signal: AbortSignal): Promise<void> {
  const connection = await new Promise<MysqlPoolConnectionLike>((resolve, reject) =>
    pool.getConnection((error, lent) => (error ? reject(error) : resolve(lent))),
  );
  await onLentConnection(
    connection,
    dropMysqlConnection,
    signal,
    () => new Promise<void>((resolve, reject) => connection.query('SELECT 1', (error) => (error ? reject(error) : resolve()))),
    // A dropped connection leaves the pool (destroyed once its query has failed); a used one goes back.
    (dropped) => (dropped ? connection.destroy() : connection.release()),
  );
}

/**
 * Pings the app's node-postgres or mysql2 client with `SELECT 1`: on a pool, on one connection that is
 * dropped if `signal` aborts; on a single node-postgres `Client`, the query alone (that connection is the
 * app's only one: it is not dropped). Throws for any other client.
 */
export async function pingSqlPool(client: unknown, signal: AbortSignal): Promise<void> {
  if (isPgPool(client)) return pingPgPool(client, signal);
  const mysql = mysqlPoolOf(client);
  if (mysql) return pingMysqlPool(mysql, signal);
  if (isPgClient(client)) {
    await client.query('SELECT 1');
    return;
  }
  throw new Error('not a node-postgres Pool or Client, nor a mysql2 pool');
}
