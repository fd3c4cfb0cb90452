import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { pingDataSource, pingSequelize, releasesSequelizeConnection } from './connection-releasing-ping.js';
import type { SequelizeInstance } from './sequelize.indicator.js';

/** A driver connection whose query hangs until the connection is dropped, as on a stalled server. */
function stalledConnection() {
  const calls: string[] = [];
  let fail: ((error: Error) => void) | undefined;
  const query = () =>
    new Promise<unknown>((_resolve, reject) => {
      calls.push('query');
      fail = reject;
    });
  const dropped = (how: string) => () => {
    calls.push(how);
    fail?.(new Error('Connection terminated'));
    return Promise.resolve();
  };
  return { calls, query, end: dropped('end'), stream: { destroy: dropped('stream.destroy') } };
}

function dataSourceOf(type: string, connection: ReturnType<typeof stalledConnection>, connected: Promise<void> = Promise.resolve()) {
  const calls = connection.calls;
  const dataSource = {
    options: { type },
    createQueryRunner: (mode: string) => ({
      connect: async () => {
        calls.push(`connect ${mode}`);
        await connected;
        return connection;
      },
      query: (sql: string) => {
        calls.push(sql);
        return connection.query();
      },
      release: () => {
        calls.push('release');
        return Promise.resolve();
      },
    }),
  };
  return dataSource as unknown as DataSource;
}

describe('pingDataSource: a TypeORM ping that gives its connection back', () => {
  it.each([
    ['postgres', 'end'],
    ['mysql', 'stream.destroy'],
    ['mariadb', 'stream.destroy'],
  ])('%s: on abort, drops the one connection it holds (%s), settles, and releases it to the pool', async (type, drop) => {
    const connection = stalledConnection();
    const controller = new AbortController();
    const ping = pingDataSource(dataSourceOf(type, connection), controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('timed out after 1000 ms'));
    await expect(ping).rejects.toThrow('Connection terminated');
    expect(connection.calls).toEqual(['connect master', 'SELECT 1', 'query', drop, 'release']);
  });

  it('a connection it gets after the abort goes back to the pool unused', async () => {
    const connection = stalledConnection();
    let connect: (() => void) | undefined;
    const controller = new AbortController();
    const ping = pingDataSource(dataSourceOf('postgres', connection, new Promise((resolve) => (connect = resolve))), controller.signal);
    controller.abort(new Error('timed out after 1000 ms'));
    connect!();
    await expect(ping).rejects.toThrow('timed out after 1000 ms');
    expect(connection.calls).toEqual(['connect master', 'release']);
  });

  it('does not drop a connection whose ping answered', async () => {
    const calls: string[] = [];
    const connection = { ...stalledConnection(), calls, end: () => calls.push('end') };
    const dataSource = {
      options: { type: 'postgres' },
      createQueryRunner: () => ({
        connect: () => Promise.resolve(connection),
        query: () => Promise.resolve([{ '?column?': 1 }]),
        release: () => (calls.push('release'), Promise.resolve()),
      }),
    } as unknown as DataSource;
    const controller = new AbortController();
    await pingDataSource(dataSource, controller.signal);
    controller.abort();
    expect(calls).toEqual(['release']);
  });
});

describe('pingSequelize: a Sequelize ping that gives its connection back', () => {
  function sequelizeOf(dialect: string, connection: ReturnType<typeof stalledConnection>) {
    const calls = connection.calls;
    return {
      getDialect: () => dialect,
      config: {},
      query: () => Promise.resolve(),
      connectionManager: {
        getConnection: () => Promise.resolve(connection),
        releaseConnection: () => calls.push('releaseConnection'),
        destroyConnection: () => (calls.push('destroyConnection'), Promise.resolve()),
      },
    } as unknown as SequelizeInstance;
  }

  it('PostgreSQL: drops the connection on abort and destroys it in the pool', async () => {
    const connection = stalledConnection();
    const controller = new AbortController();
    const ping = pingSequelize(sequelizeOf('postgres', connection), controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('timed out'));
    await expect(ping).rejects.toThrow('Connection terminated');
    expect(connection.calls).toEqual(['query', 'end', 'destroyConnection']);
  });

  it('releases the connection to the pool when the ping answers', async () => {
    const calls: string[] = [];
    const connection = { ...stalledConnection(), calls, query: () => Promise.resolve({ rows: [] }) };
    await pingSequelize(sequelizeOf('postgres', connection), new AbortController().signal);
    expect(calls).toEqual(['releaseConnection']);
  });

  it('is used for PostgreSQL and MySQL only; other dialects keep Terminus’ ping', () => {
    const connection = stalledConnection();
    expect(releasesSequelizeConnection(sequelizeOf('postgres', connection))).toBe(true);
    expect(releasesSequelizeConnection(sequelizeOf('mysql', connection))).toBe(true);
    expect(releasesSequelizeConnection(sequelizeOf('sqlite', connection))).toBe(false);
    expect(releasesSequelizeConnection(sequelizeOf('mssql', connection))).toBe(false);
  });
});
