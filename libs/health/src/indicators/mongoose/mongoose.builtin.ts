import type { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import type { MongooseIndicatorOptions } from '../../interfaces/indicator-options/orm-indicator.options.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { appProviders, ormCheckName, selectNamed, type OrmCheck } from '../orm-objects.js';
import { MongooseHealthIndicator, type MongooseConnection } from './mongoose.indicator.js';

/** `@nestjs/mongoose`'s token of the default connection (`getConnectionToken()`); a named one is `<name>Connection`. */
const DEFAULT_CONNECTION_TOKEN = 'DatabaseConnection';

function isMongooseConnection(value: unknown): value is MongooseConnection {
  if (typeof value !== 'object' || value === null) return false;
  const connection = value as Record<string, unknown>;
  return typeof connection.readyState === 'number' && typeof connection.model === 'function' && typeof connection.openUri === 'function';
}

function connectionName(token: unknown): string {
  if (typeof token !== 'string' || token === DEFAULT_CONNECTION_TOKEN) return 'default';
  return token.endsWith('Connection') && token !== 'Connection' ? token.slice(0, -'Connection'.length) : token;
}

/** `mongoose`: one check per Mongoose connection `@nestjs/mongoose` registered, found at module init. `mongoose` is loaded only then. */
export async function mongooseChecks(section: MongooseIndicatorOptions, moduleRef: ModuleRef): Promise<OrmCheck[]> {
  await loadOptionalPeer({ option: 'mongoose', packageName: 'mongoose' }, () => import('mongoose'));
  const found = appProviders(moduleRef).flatMap(({ token, instance }) =>
    isMongooseConnection(instance) ? [{ name: connectionName(token), connection: instance }] : [],
  );
  if (found.length === 0) {
    throw new HealthOptionsError([
      '"mongoose" is switched on, but the app registers no Mongoose connection; register one with MongooseModule.forRoot() (@nestjs/mongoose)',
    ]);
  }
  return selectNamed(found, section.connections, 'mongoose.connections', 'Mongoose connection').map(({ name, connection }) => ({
    instance: new MongooseHealthIndicator({ connection, connectionName: name }),
    name: ormCheckName('mongoose', name),
    source: `HealthModule.forRoot({ mongoose }) for connection "${name}"`,
  }));
}
