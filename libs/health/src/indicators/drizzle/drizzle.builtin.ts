import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { indicatorFields } from '../../validation/indicator-option-rules.js';
import { shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin } from '../builtin-kind.js';
import { tokenOrTokensByName } from '../orm-option-rules.js';
import { ormCheckName, resolveAppObject, tokensByName } from '../orm-objects.js';
import { DrizzleHealthIndicator, type DrizzleDatabase, type DrizzleSqlTag } from './drizzle.indicator.js';

/**
 * `drizzle` option of `HealthModule.forRoot`: the app's Drizzle databases, by the injection token the app
 * provides each under (`{ provide: DRIZZLE, useFactory: () => drizzle(pool) }`).
 * @publicApi
 */
export interface DrizzleIndicatorOptions extends HealthIndicatorOptions {
  /** One token (check `drizzle`), or tokens by name (checks `drizzle-<name>`). */
  db: InjectionToken | Record<string, InjectionToken>;
}

/** What `drizzle(...)` returns: a dialect, `select()`, and a driver client or `execute`/`run`. */
function isDrizzleDatabase(value: unknown): value is DrizzleDatabase {
  if (typeof value !== 'object' || value === null) return false;
  const db = value as Record<string, unknown>;
  return (
    typeof db.dialect === 'object' && typeof db.select === 'function' && ('$client' in db || typeof db.execute === 'function' || typeof db.run === 'function')
  );
}

/** `drizzle: { db }`: one check per Drizzle database the app provides under the given token(s), resolved at module init. `drizzle-orm` is loaded only then. */
export const drizzleBuiltin = defineBuiltin({
  option: 'drizzle',
  rule: shapeOf<DrizzleIndicatorOptions>()({ ...indicatorFields, db: tokenOrTokensByName }, (value, path) =>
    value.db === undefined ? [`"${path}.db" is required: the injection token of the app's Drizzle database, or tokens by name`] : [],
  ),
  create: (section: DrizzleIndicatorOptions | undefined) => section ?? null,
  register: async (section: DrizzleIndicatorOptions, _value: DrizzleIndicatorOptions, moduleRef: ModuleRef) => {
    const drizzle = await loadOptionalPeer({ option: 'drizzle', packageName: 'drizzle-orm' }, () => import('drizzle-orm'));
    const sql = drizzle.sql as unknown as DrizzleSqlTag;
    return tokensByName(section.db).map(([name, token]) => {
      const option = name === undefined ? 'drizzle.db' : `drizzle.db.${name}`;
      const db = resolveAppObject(moduleRef, option, token, 'a Drizzle database (what drizzle(...) returns)', isDrizzleDatabase);
      return builtinEntry(new DrizzleHealthIndicator({ db, sql }), ormCheckName('drizzle', name), section, `HealthModule.forRoot({ drizzle }) for "${option}"`);
    });
  },
});
