import { UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { DEPENDS_ON_METADATA, getDependsOnMetadata, type DependsOnMetadata, type DependsOnOptions } from './depends-on.metadata.js';
import { DependsOnGuard } from './depends-on.guard.js';

/** `@DependsOn('a', 'b')` or `@DependsOn('a', { failFast: true })`: the names, then the options. */
function parseArguments(args: (string | DependsOnOptions)[]): DependsOnMetadata {
  const names: string[] = [];
  let options: DependsOnOptions = {};
  args.forEach((arg, index) => {
    if (typeof arg === 'string' && arg.trim() !== '') names.push(arg);
    else if (index === args.length - 1 && typeof arg === 'object' && arg !== null && !Array.isArray(arg)) options = arg;
    else
      throw new TypeError(
        `@DependsOn(): argument ${index + 1} must be a check name or "group:<name>", then optionally { failFast }; got ${JSON.stringify(arg)}`,
      );
  });
  if (names.length === 0) throw new TypeError('@DependsOn() needs at least one check name or "group:<name>"');
  const unknown = Object.keys(options).filter((key) => key !== 'failFast');
  if (unknown.length > 0) throw new TypeError(`@DependsOn(): unknown option ${JSON.stringify(unknown[0])}; accepted: failFast`);
  if (options.failFast !== undefined && typeof options.failFast !== 'boolean') throw new TypeError('@DependsOn(): "failFast" must be true or false');
  return { names, ...(options.failFast === undefined ? {} : { failFast: options.failFast }) };
}

/** Adds a declaration to what the target already has (two `@DependsOn()` on one target add up). */
function merge(target: object, declared: DependsOnMetadata): void {
  const existing = getDependsOnMetadata(target);
  const names = [...new Set([...(existing?.names ?? []), ...declared.names])];
  const failFast = declared.failFast ?? existing?.failFast;
  Reflect.defineMetadata(DEPENDS_ON_METADATA, { names, ...(failFast === undefined ? {} : { failFast }) }, target);
}

const guardsOf = (target: object): unknown[] => (Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? [];

/**
 * Declares the checks a route needs: on a controller class (every route of it) or on a handler method
 * (adds to its class's). Names are check names or `group:<name>`; an unknown name stops startup. The
 * module maps each check to its routes (`routes` in the JSON report, `affectedEndpoints` in health+json,
 * `nest-vitals routes`), and with fail fast (`dependsOn: { failFast: true }` in `forRoot`, or here) a route
 * answers 503 with `Retry-After` while a check it depends on is DOWN, without running its handler. Only the
 * routes carrying it get its guard; every other route is left alone. Works on gRPC handlers too (`UNAVAILABLE`).
 *
 * @example @DependsOn('payments', 'database')
 * @example @DependsOn('group:payments', { failFast: true })
 * @publicApi
 */
export function DependsOn(...args: [string, ...(string | DependsOnOptions)[]]): ClassDecorator & MethodDecorator {
  const declared = parseArguments(args);
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) {
      const handler = descriptor.value as object;
      const guarded = guardsOf(handler).includes(DependsOnGuard);
      merge(handler, declared);
      if (!guarded) UseGuards(DependsOnGuard)(target, key!, descriptor);
      return;
    }
    const controller = target as { prototype: Record<string, unknown> };
    const guarded = guardsOf(controller).includes(DependsOnGuard);
    merge(controller, declared);
    if (guarded) return;
    UseGuards(DependsOnGuard)(controller as unknown as (...args: unknown[]) => unknown);
    // Method decorators ran first: a method that carries its own guard would run it twice.
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      if (name === 'constructor') continue;
      const method = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value as object | undefined;
      if (typeof method !== 'function' || !guardsOf(method).includes(DependsOnGuard)) continue;
      Reflect.defineMetadata(
        GUARDS_METADATA,
        guardsOf(method).filter((guard) => guard !== DependsOnGuard),
        method,
      );
    }
  };
}
