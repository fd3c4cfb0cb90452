import type { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { enabledOr, indicatorFields } from '../../validation/indicator-option-rules.js';
import { arrayOf, nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin, sectionOf } from '../builtin-kind.js';
import { appProviders, ormCheckName, selectNamed } from '../orm-objects.js';
import { MongooseHealthIndicator, type MongooseConnection } from './mongoose.indicator.js';

/**
 * `mongoose` option of `HealthModule.forRoot`: every Mongoose connection `@nestjs/mongoose` registers
 * (check `mongoose` for the default connection, `mongoose-<connectionName>` for named ones).
 * @publicApi
 */
export interface MongooseIndicatorOptions extends HealthIndicatorOptions {
  /** Connection names to check (`'default'` for the unnamed one). Default: every connection. */
  connections?: string[];
}

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
export const mongooseBuiltin = defineBuiltin({
  option: 'mongoose',
  rule: enabledOr(shapeOf<MongooseIndicatorOptions>()({ ...indicatorFields, connections: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }) })),
  create: (value: boolean | MongooseIndicatorOptions | undefined) => sectionOf(value) ?? null,
  register: async (section: MongooseIndicatorOptions, _value: boolean | MongooseIndicatorOptions, moduleRef: ModuleRef) => {
    await loadOptionalPeer({ option: 'mongoose', packageName: 'mongoose' }, () => import('mongoose'));
    const found = appProviders(moduleRef).flatMap(({ token, instance }) =>
      isMongooseConnection(instance) ? [{ name: connectionName(token), connection: instance }] : [],
    );
    if (found.length === 0) {
      throw new HealthOptionsError([
        '"mongoose" is switched on, but the app registers no Mongoose connection; register one with MongooseModule.forRoot() (@nestjs/mongoose)',
      ]);
    }
    return selectNamed(found, section.connections, 'mongoose.connections', 'Mongoose connection').map(({ name, connection }) =>
      builtinEntry(
        new MongooseHealthIndicator({ connection, connectionName: name }),
        ormCheckName('mongoose', name),
        section,
        `HealthModule.forRoot({ mongoose }) for connection "${name}"`,
      ),
    );
  },
});
