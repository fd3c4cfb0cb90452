import type { BuiltinIndicatorOptions } from '../indicators/builtin-indicators.js';
import type { HealthModuleCoreOptions } from '../interfaces/health-module-options.interface.js';

/**
 * Options of `HealthModule.forRoot` / `forRootAsync`: the module's own (`HealthModuleCoreOptions`) and one key per
 * built-in indicator (`database`, `redis`, `http`, ..., each typed by its `indicators/<kind>/<kind>.builtin.ts`).
 * @publicApi
 */
export interface HealthModuleOptions extends HealthModuleCoreOptions, BuiltinIndicatorOptions {}
