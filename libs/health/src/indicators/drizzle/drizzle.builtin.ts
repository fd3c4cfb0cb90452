import type { ModuleRef } from '@nestjs/core';
import type { DrizzleIndicatorOptions } from '../../interfaces/indicator-options/orm-indicator.options.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { ormCheckName, resolveAppObject, tokensByName, type OrmCheck } from '../orm-objects.js';
import { DrizzleHealthIndicator, type DrizzleDatabase, type DrizzleSqlTag } from './drizzle.indicator.js';

/** What `drizzle(...)` returns: a dialect, `select()`, and a driver client or `execute`/`run`. */
function isDrizzleDatabase(value: unknown): value is DrizzleDatabase {
  if (typeof value !== 'object' || value === null) return false;
  const db = value as Record<string, unknown>;
  return (
    typeof db.dialect === 'object' && typeof db.select === 'function' && ('$client' in db || typeof db.execute === 'function' || typeof db.run === 'function')
  );
}

/** `drizzle: { db }`: one check per Drizzle database the app provides under the given token(s). `drizzle-orm` is loaded only then. */
export async function drizzleChecks(section: DrizzleIndicatorOptions, moduleRef: ModuleRef): Promise<OrmCheck[]> {
  const drizzle = await loadOptionalPeer({ option: 'drizzle', packageName: 'drizzle-orm' }, () => import('drizzle-orm'));
  const sql = drizzle.sql as unknown as DrizzleSqlTag;
  return tokensByName(section.db).map(([name, token]) => {
    const option = name === undefined ? 'drizzle.db' : `drizzle.db.${name}`;
    const db = resolveAppObject(moduleRef, option, token, 'a Drizzle database (what drizzle(...) returns)', isDrizzleDatabase);
    return {
      instance: new DrizzleHealthIndicator({ db, sql }),
      name: ormCheckName('drizzle', name),
      source: `HealthModule.forRoot({ drizzle }) for "${option}"`,
    };
  });
}
