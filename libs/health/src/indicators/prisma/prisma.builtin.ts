import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { indicatorFields } from '../../validation/indicator-option-rules.js';
import { shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin } from '../builtin-kind.js';
import { tokenOrTokensByName } from '../orm-option-rules.js';
import { ormCheckName, resolveAppObject, tokensByName } from '../orm-objects.js';
import { PrismaHealthIndicator, type PrismaClientLike } from './prisma.indicator.js';

/**
 * `prisma` option of `HealthModule.forRoot`: the app's PrismaClient(s), by class (a `PrismaService extends
 * PrismaClient` provider) or injection token.
 * @publicApi
 */
export interface PrismaIndicatorOptions extends HealthIndicatorOptions {
  /** One class or token (check `prisma`), or several by name (checks `prisma-<name>`). */
  client: InjectionToken | Record<string, InjectionToken>;
}

function isPrismaClient(value: unknown): value is PrismaClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return typeof client.$connect === 'function' && (typeof client.$queryRawUnsafe === 'function' || typeof client.$runCommandRaw === 'function');
}

/**
 * `prisma: { client }`: one check per PrismaClient the app provides under the given class(es) or token(s),
 * resolved at module init. Nothing is imported: the client is the app's, generated from its schema.
 */
export const prismaBuiltin = defineBuiltin({
  option: 'prisma',
  rule: shapeOf<PrismaIndicatorOptions>()({ ...indicatorFields, client: tokenOrTokensByName }, (value, path) =>
    value.client === undefined ? [`"${path}.client" is required: the PrismaClient class or injection token the app provides it under, or several by name`] : [],
  ),
  create: (section: PrismaIndicatorOptions | undefined) => section ?? null,
  register: (section: PrismaIndicatorOptions, _value: PrismaIndicatorOptions, moduleRef: ModuleRef) =>
    tokensByName(section.client).map(([name, token]) => {
      const option = name === undefined ? 'prisma.client' : `prisma.client.${name}`;
      const client = resolveAppObject(moduleRef, option, token, 'a PrismaClient', isPrismaClient);
      return builtinEntry(new PrismaHealthIndicator({ client }), ormCheckName('prisma', name), section, `HealthModule.forRoot({ prisma }) for "${option}"`);
    }),
});
