import type { InjectionToken } from '@nestjs/common';
import { ModulesContainer, type ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../errors/health-options.error.js';

/*
 * What the ORM built-ins (drizzle, prisma, mikroOrm, mongoose) share: the app's own objects, given by
 * injection token or found among the app's providers, and the check names made from their names.
 */

/** `prefix` for the default object, `prefix-<name>` for a named one (lower case, `[a-z0-9_.-]`). */
export function ormCheckName(prefix: string, name: string | undefined): string {
  if (name === undefined || name === 'default') return prefix;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${slug || 'unnamed'}`;
}

export function describeToken(token: unknown): string {
  if (typeof token === 'function') return token.name || 'an anonymous class';
  if (typeof token === 'symbol') return token.toString();
  return JSON.stringify(token);
}

/** Whether a value is a single injection token (string, symbol or class), not a record of them. */
export function isInjectionToken(value: unknown): value is InjectionToken {
  return typeof value === 'string' || typeof value === 'symbol' || typeof value === 'function';
}

/** The tokens of a `db` / `client` option, by name (`undefined` for a single token). */
export function tokensByName(value: InjectionToken | Record<string, InjectionToken>): [string | undefined, InjectionToken][] {
  return isInjectionToken(value) ? [[undefined, value]] : Object.entries(value);
}

/**
 * The app's provider under `token`, checked by `accepts`; stops startup with a message naming `option`
 * when there is none, or when it is not what the option expects.
 */
export function resolveAppObject<T>(moduleRef: ModuleRef, option: string, token: InjectionToken, expected: string, accepts: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = moduleRef.get(token, { strict: false });
  } catch {
    throw new HealthOptionsError([
      `"${option}": the app provides nothing under the token ${describeToken(token)}; give the token the app provides ${expected} under`,
    ]);
  }
  if (!accepts(value)) {
    throw new HealthOptionsError([`"${option}": the provider under the token ${describeToken(token)} is not ${expected}`]);
  }
  return value;
}

/** Every provider instance of the app (each once), with its token. */
export function appProviders(moduleRef: ModuleRef): { token: unknown; instance: unknown }[] {
  const modules = moduleRef.get(ModulesContainer, { strict: false });
  const seen = new Set<unknown>();
  const found: { token: unknown; instance: unknown }[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const instance: unknown = wrapper.isAlias ? undefined : wrapper.instance;
      if (instance === undefined || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      found.push({ token: wrapper.token, instance });
    }
  }
  return found;
}

/** Keeps the named objects the option lists; a name the app does not have stops startup, listing the ones it has. */
export function selectNamed<T extends { name: string }>(found: T[], wanted: string[] | undefined, option: string, what: string): T[] {
  if (!wanted) return found;
  const known = found.map((item) => item.name);
  const problems = wanted.flatMap((name, index) =>
    known.includes(name)
      ? []
      : [`"${option}[${index}]" is ${JSON.stringify(name)}, but the app has no ${what} of that name; it has: ${known.join(', ') || 'none'}`],
  );
  if (problems.length > 0) throw new HealthOptionsError(problems);
  return found.filter((item) => wanted.includes(item.name));
}
