import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthAccess } from './access/health-access.js';
import { HealthController } from './controllers/health.controller.js';
import { HealthEvents } from './execution/health-events.js';
import { HealthExecutor } from './execution/health-executor.js';
import { HealthResponder } from './formats/health-responder.js';
import { HEALTH_CONTROLLER_CLASS, RESOLVED_HEALTH_OPTIONS } from './health.constants.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableHealthModule, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE } from './health.module-definition.js';
import { HealthService } from './health.service.js';
import { builtinIndicatorProviders } from './indicators/builtin-indicators.js';
import type { HealthModuleOptions } from './interfaces/health-module-options.interface.js';
import { HealthLifecycle } from './lifecycle/health-lifecycle.js';
import { TransitionLogger } from './lifecycle/transition-logger.js';
import { HealthMetrics } from './metrics/health-metrics.js';
import { documentHealthApi } from './openapi/health-openapi.js';
import { HealthOptionsError } from './errors/health-options.error.js';
import { resolveHealthOptions } from './options/health-options.resolver.js';
import type { ResolvedHealthOptions } from './options/resolved-health-options.js';
import { HealthIndicatorRegistry } from './registry/health-indicator.registry.js';
import { HealthExplorer } from './registry/health.explorer.js';

/**
 * Kubernetes-grade health checks: liveness, readiness and startup probes and a detailed report,
 * from indicators marked with `@HealthIndicator()` and the built-ins switched on in the options.
 *
 * @example HealthModule.forRoot({ database: true, memory: { heapUsedMb: { warn: 512, down: 1024 } } })
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule, TerminusModule],
  providers: [
    {
      provide: RESOLVED_HEALTH_OPTIONS,
      useFactory: (options: HealthModuleOptions | null | undefined) => {
        // forRoot() passes {}; only a forRootAsync factory can yield nothing, usually a forgotten `return`.
        if (options === undefined || options === null) {
          throw new HealthOptionsError([`HealthModule.forRootAsync: the factory returned ${String(options)}; return an options object ({} for the defaults)`]);
        }
        return resolveHealthOptions(options);
      },
      inject: [MODULE_OPTIONS_TOKEN],
    },
    HealthEvents,
    HealthIndicatorRegistry,
    HealthExplorer,
    ...builtinIndicatorProviders,
    HealthExecutor,
    HealthLifecycle,
    TransitionLogger,
    HealthMetrics,
    HealthAccess,
    HealthResponder,
    HealthService,
  ],
  exports: [HealthService, TerminusModule, RESOLVED_HEALTH_OPTIONS],
})
export class HealthModule extends ConfigurableHealthModule {
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withRoutes(super.forRoot(options));
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withRoutes(super.forRootAsync(options));
  }
}

/**
 * Adds the controller, mounted at the validated `path`. The path is known only once the options
 * are resolved (`forRootAsync`), which happens before Nest registers routes.
 */
function withRoutes(definition: DynamicModule): DynamicModule {
  const controller = class extends HealthController {};
  Object.defineProperty(controller, 'name', { value: 'HealthController' });
  const routes: Provider = {
    provide: HEALTH_CONTROLLER_CLASS,
    useFactory: async (options: ResolvedHealthOptions): Promise<Type> => {
      Reflect.defineMetadata(PATH_METADATA, options.path, controller);
      if (options.openapi !== false) await documentHealthApi();
      return controller;
    },
    inject: [RESOLVED_HEALTH_OPTIONS],
  };
  return { ...definition, controllers: [...(definition.controllers ?? []), controller], providers: [...(definition.providers ?? []), routes] };
}
