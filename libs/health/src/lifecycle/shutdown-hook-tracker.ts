import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

const SHUTDOWN_HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;

type HookHost = Record<(typeof SHUTDOWN_HOOKS)[number], unknown>;

/**
 * Knows which shutdown hook of the app has been called and has not returned, so that a shutdown
 * past `shutdown.timeoutMs` can name it (`StuckService.onModuleDestroy() in NotesModule`).
 *
 * Nest calls the hooks module by module and, within a module, all of a level at once, so its order
 * alone cannot tell which one hangs. When a shutdown signal arrives (and only with `timeoutMs` set),
 * each instance that has a shutdown hook gets its own wrapper of that hook (an own property of that
 * instance: no class or shared prototype changes) that records the call and its return.
 */
@Injectable()
export class ShutdownHookTracker {
  private readonly running = new Map<number, string>();
  private nextCall = 0;
  private tracking = false;

  constructor(private readonly modules: ModulesContainer) {}

  /** Hooks called and not returned, in call order. */
  get pending(): string[] {
    return [...this.running.values()];
  }

  /** Wraps the shutdown hooks of every static instance of the app, except those in `skip`. */
  track(skip: ReadonlySet<object>): void {
    if (this.tracking) return;
    this.tracking = true;
    for (const moduleRef of this.modules.values()) {
      const wrappers = [
        ...moduleRef.getNonAliasProviders().map(([, wrapper]) => wrapper),
        ...moduleRef.controllers.values(),
        ...moduleRef.injectables.values(),
        ...moduleRef.middlewares.values(),
      ];
      const instances = wrappers.filter((wrapper) => wrapper.isDependencyTreeStatic() && !wrapper.isTransient).map((wrapper): unknown => wrapper.instance);
      for (const instance of instances) {
        if (instance && typeof instance === 'object' && !skip.has(instance)) this.wrap(instance as HookHost, moduleRef.name);
      }
    }
  }

  private wrap(instance: HookHost, moduleName: string): void {
    for (const hook of SHUTDOWN_HOOKS) {
      const original = instance[hook];
      if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(instance, hook)) continue;
      const className = (instance as object).constructor?.name || 'anonymous';
      const label = className === moduleName ? `${className}.${hook}()` : `${className}.${hook}() in ${moduleName}`;
      const running = this.running;
      const nextCall = () => this.nextCall++;
      const tracked = function (this: unknown, ...args: unknown[]): unknown {
        const call = nextCall();
        running.set(call, label);
        try {
          const result: unknown = Reflect.apply(original, this, args);
          if (result instanceof Promise) return result.finally(() => running.delete(call));
          running.delete(call);
          return result;
        } catch (error) {
          running.delete(call);
          throw error;
        }
      };
      try {
        Object.defineProperty(instance, hook, { value: tracked, configurable: true, writable: true, enumerable: false });
      } catch {
        // A frozen instance keeps its hook as it is; it cannot be named if it hangs.
      }
    }
  }
}
