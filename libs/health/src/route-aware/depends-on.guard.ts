import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RouteDependencies } from './route-dependencies.js';

/**
 * The guard `@DependsOn()` puts on its own routes (and nowhere else). It reads the route's state, kept
 * up to date by `RouteDependencies` as checks change, and never runs a check: a route whose check is
 * DOWN (with fail fast) is refused with the exception `RouteDependencies` makes, so the app's own
 * exception filters answer it.
 */
@Injectable()
export class DependsOnGuard implements CanActivate {
  /** `null` once looked up and not found (no `HealthModule` in the app): routes then pass. */
  private routes?: RouteDependencies | null;

  constructor(private readonly moduleRef: ModuleRef) {}

  canActivate(context: ExecutionContext): boolean {
    const routes = this.routes === undefined ? this.lookUp() : this.routes;
    const route = routes?.routeOf(context.getClass(), context.getHandler());
    if (route?.failing === undefined) return true;
    throw routes!.reject(route, context);
  }

  /** The app's `RouteDependencies`, from whatever module provides it (the guard lives in the controller's module). */
  private lookUp(): RouteDependencies | null {
    try {
      this.routes = this.moduleRef.get(RouteDependencies, { strict: false });
    } catch {
      this.routes = null;
    }
    return this.routes;
  }
}
