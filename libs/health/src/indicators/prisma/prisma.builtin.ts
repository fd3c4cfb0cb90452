import type { ModuleRef } from '@nestjs/core';
import type { PrismaIndicatorOptions } from '../../interfaces/indicator-options/orm-indicator.options.js';
import { ormCheckName, resolveAppObject, tokensByName, type OrmCheck } from '../orm-objects.js';
import { PrismaHealthIndicator, type PrismaClientLike } from './prisma.indicator.js';

function isPrismaClient(value: unknown): value is PrismaClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return typeof client.$connect === 'function' && (typeof client.$queryRawUnsafe === 'function' || typeof client.$runCommandRaw === 'function');
}

/**
 * `prisma: { client }`: one check per PrismaClient the app provides under the given class(es) or token(s).
 * Nothing is imported: the client is the app's, generated from its schema.
 */
export function prismaChecks(section: PrismaIndicatorOptions, moduleRef: ModuleRef): OrmCheck[] {
  return tokensByName(section.client).map(([name, token]) => {
    const option = name === undefined ? 'prisma.client' : `prisma.client.${name}`;
    const client = resolveAppObject(moduleRef, option, token, 'a PrismaClient', isPrismaClient);
    return { instance: new PrismaHealthIndicator({ client }), name: ormCheckName('prisma', name), source: `HealthModule.forRoot({ prisma }) for "${option}"` };
  });
}
