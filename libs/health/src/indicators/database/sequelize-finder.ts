import { DiscoveryService, type ModuleRef } from '@nestjs/core';
import { loadOptionalPeerIfInstalled } from '../../peers/optional-peer.loader.js';
import { DEFAULT_DATA_SOURCE_NAME } from './database.indicator.js';
import type { SequelizeInstance } from './sequelize.indicator.js';

/** A Sequelize instance found among the app's providers, with the name of its connection. */
export interface NamedSequelize {
  name: string;
  sequelize: SequelizeInstance;
}

/**
 * Every Sequelize instance the app provides: `@nestjs/sequelize` registers the default one under the
 * `Sequelize` class and a named one under `<name>Connection`; a hand-made provider counts too.
 * Empty when sequelize is not installed.
 */
export async function findSequelizeInstances(moduleRef: ModuleRef): Promise<NamedSequelize[]> {
  const sequelizePackage = await loadOptionalPeerIfInstalled({ option: 'database', packageName: 'sequelize' }, () => import('sequelize'));
  if (!sequelizePackage) return [];
  const SequelizeClass = sequelizePackage.Sequelize;
  const discovery = moduleRef.get(DiscoveryService, { strict: false });
  const found = new Map<SequelizeInstance, string>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.isDependencyTreeStatic() || !(wrapper.instance instanceof SequelizeClass)) continue;
    const token: unknown = wrapper.token;
    const name =
      typeof token === 'string'
        ? token.endsWith('Connection') && token !== 'Connection'
          ? token.slice(0, -'Connection'.length)
          : token
        : typeof token === 'symbol'
          ? (token.description ?? DEFAULT_DATA_SOURCE_NAME)
          : DEFAULT_DATA_SOURCE_NAME;
    const known = found.get(wrapper.instance);
    if (known === undefined || known === DEFAULT_DATA_SOURCE_NAME) found.set(wrapper.instance, name);
  }
  return [...found].map(([sequelize, name]) => ({ name, sequelize }));
}
