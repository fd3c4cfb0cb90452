import type { Type } from '@nestjs/common';
import type { HealthProbeServerOptions } from '../interfaces/health-module-options.interface.js';

/** Token of where one `HealthModule` import serves its routes, known when the module is defined. */
export const HEALTH_MOUNT = Symbol('nest-vitals:mount');

/** Where one import serves its routes: its `path`, and the probe server's options when it has one. */
export interface HealthMount {
  /** The module's `path`, without leading slash. */
  path: string;
  /** `server` of the extras: the routes are served by a probe server of the module's own, not in the app. */
  server?: HealthProbeServerOptions;
  /** The controller mounted in the app (none with `server`): its refusals are mapped once the HTTP adapter is known. */
  controller?: Type;
  /** The port the probe server listens on, set by its factory once it does (`server.port` 0 picks one). */
  boundPort?: number;
}
