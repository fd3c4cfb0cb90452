import { DiscoveryService, type ModuleRef } from '@nestjs/core';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { DATABASE_PEER, DEFAULT_DATA_SOURCE_NAME, type TypeOrmDataSource } from './database.indicator.js';

/** A DataSource found among the app's providers, with the name it is known by. */
export interface NamedDataSource {
  name: string;
  dataSource: TypeOrmDataSource;
}

const DEFAULT_NAME = DEFAULT_DATA_SOURCE_NAME;

/**
 * Every TypeORM DataSource the app provides. `@nestjs/typeorm` registers each one as a provider
 * under `getDataSourceToken(name)` (the `DataSource` class for the default one, `<name>DataSource`
 * for others), and an app may register one by hand under any token. So rather than asking
 * ModuleRef for names we would have to know in advance, we scan every provider (DiscoveryService)
 * for instances of typeorm's `DataSource` class; aliases of one instance (`Connection`) count once.
 */
export async function findDataSources(moduleRef: ModuleRef): Promise<NamedDataSource[]> {
  const { DataSource: DataSourceClass } = await loadOptionalPeer(DATABASE_PEER, () => import('typeorm'));
  const discovery = moduleRef.get(DiscoveryService, { strict: false });
  const found = new Map<TypeOrmDataSource, string>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.isDependencyTreeStatic() || !(wrapper.instance instanceof DataSourceClass)) continue;
    const dataSource = wrapper.instance as TypeOrmDataSource;
    const name = nameOf(dataSource, wrapper.token, DataSourceClass);
    const known = found.get(dataSource);
    if (known === undefined || known === DEFAULT_NAME) found.set(dataSource, name);
  }
  return [...found]
    .map(([dataSource, name]) => ({ name, dataSource }))
    .sort((a, b) => (a.name === DEFAULT_NAME ? -1 : b.name === DEFAULT_NAME ? 1 : a.name.localeCompare(b.name)));
}

/** `name` of the TypeORM options (set by `TypeOrmModule.forRoot({ name })`), else what the token says. */
function nameOf(dataSource: TypeOrmDataSource, token: unknown, dataSourceClass: { name: string }): string {
  const configured = (dataSource.options as { name?: unknown }).name;
  if (typeof configured === 'string' && configured) return configured;
  if (typeof token === 'string') return token.endsWith('DataSource') && token !== 'DataSource' ? token.slice(0, -'DataSource'.length) : token;
  if (typeof token === 'symbol') return token.description ?? DEFAULT_NAME;
  // The DataSource class itself (and its deprecated alias Connection) is the default one's token.
  if (typeof token === 'function' && token !== dataSourceClass && token.name !== 'Connection' && token.name) return token.name;
  return DEFAULT_NAME;
}

/** The check name for a DataSource: `database` for the default one, `database-<name>` for others. */
export function databaseCheckName(dataSourceName: string): string {
  if (dataSourceName === DEFAULT_NAME) return 'database';
  const slug = dataSourceName
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `database-${slug || 'unnamed'}`;
}
