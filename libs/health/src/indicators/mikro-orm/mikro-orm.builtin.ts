import type { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { enabledOr, indicatorFields } from '../../validation/indicator-option-rules.js';
import { arrayOf, nonEmptyString, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin, sectionOf } from '../builtin-kind.js';
import { appProviders, ormCheckName, selectNamed } from '../orm-objects.js';
import { mikroOrmContextName, MikroOrmHealthIndicator, type MikroOrmInstance } from './mikro-orm.indicator.js';

/**
 * `mikroOrm` option of `HealthModule.forRoot`: every `MikroORM` instance `@mikro-orm/nestjs` registers
 * (check `mikro-orm` for the default context, `mikro-orm-<contextName>` for the others). Needs Node.js
 * 22.17 or later (MikroORM 7).
 * @publicApi
 */
export interface MikroOrmIndicatorOptions extends HealthIndicatorOptions {
  /** Context names to check (`'default'` for the unnamed one). Default: every instance. */
  contexts?: string[];
}

/** MikroORM 7 runs on Node.js 22.17 and later. */
export const MIKRO_ORM_MIN_NODE = '22.17.0';

/** Why `mikroOrm` cannot be on in this Node.js, or undefined when it can. */
export function mikroOrmNodeProblem(version: string = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  const [needMajor, needMinor] = MIKRO_ORM_MIN_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `"mikroOrm" needs Node.js ${MIKRO_ORM_MIN_NODE} or later (MikroORM 7 requires it); this process runs Node.js ${version}`;
}

function isMikroOrm(value: unknown): value is MikroOrmInstance {
  if (typeof value !== 'object' || value === null) return false;
  const orm = value as { isConnected?: unknown; config?: { get?: unknown }; driver?: { getConnection?: unknown } };
  return typeof orm.isConnected === 'function' && typeof orm.config?.get === 'function' && typeof orm.driver?.getConnection === 'function';
}

/** `mikroOrm`: one check per MikroORM instance `@mikro-orm/nestjs` registered (every context), found at module init. */
export const mikroOrmBuiltin = defineBuiltin({
  option: 'mikroOrm',
  rule: enabledOr(shapeOf<MikroOrmIndicatorOptions>()({ ...indicatorFields, contexts: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }) })),
  create: (value: boolean | MikroOrmIndicatorOptions | undefined) => {
    const section = sectionOf(value);
    if (!section) return null;
    const problem = mikroOrmNodeProblem();
    if (problem) throw new HealthOptionsError([problem]);
    return section;
  },
  register: async (section: MikroOrmIndicatorOptions, _value: boolean | MikroOrmIndicatorOptions, moduleRef: ModuleRef) => {
    await loadOptionalPeer({ option: 'mikroOrm', packageName: '@mikro-orm/core' }, () => import('@mikro-orm/core'));
    const found = appProviders(moduleRef).flatMap(({ instance }) => (isMikroOrm(instance) ? [{ name: mikroOrmContextName(instance), orm: instance }] : []));
    if (found.length === 0) {
      throw new HealthOptionsError([
        '"mikroOrm" is switched on, but the app registers no MikroORM instance; register one with MikroOrmModule.forRoot() (@mikro-orm/nestjs)',
      ]);
    }
    return selectNamed(found, section.contexts, 'mikroOrm.contexts', 'MikroORM context').map(({ name, orm }) =>
      builtinEntry(new MikroOrmHealthIndicator({ orm }), ormCheckName('mikro-orm', name), section, `HealthModule.forRoot({ mikroOrm }) for context "${name}"`),
    );
  },
});
