var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Module } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './controllers/health.controller.js';
import { HealthEvents } from './execution/health-events.js';
import { HealthExecutor } from './execution/health-executor.js';
import { HealthResponder } from './formats/health-responder.js';
import { HEALTH_CONTROLLER_CLASS, RESOLVED_HEALTH_OPTIONS } from './health.constants.js';
import { ConfigurableHealthModule, MODULE_OPTIONS_TOKEN } from './health.module-definition.js';
import { HealthService } from './health.service.js';
import { HealthLifecycle } from './lifecycle/health-lifecycle.js';
import { TransitionLogger } from './lifecycle/transition-logger.js';
import { documentHealthApi } from './openapi/health-openapi.js';
import { resolveHealthOptions } from './options/health-options.validator.js';
import { HealthIndicatorRegistry } from './registry/health-indicator.registry.js';
import { HealthExplorer } from './registry/health.explorer.js';
/**
 * Kubernetes-grade health checks: liveness, readiness and startup probes and a detailed report,
 * from indicators marked with `@HealthIndicator()` and the built-ins switched on in the options.
 *
 * @example HealthModule.forRoot({ database: true, memory: { heapUsedMb: { warn: 512, down: 1024 } } })
 * @publicApi
 */
let HealthModule = class HealthModule extends ConfigurableHealthModule {
    static forRoot(options = {}) {
        return withRoutes(super.forRoot(options));
    }
    static forRootAsync(options) {
        return withRoutes(super.forRootAsync(options));
    }
};
HealthModule = __decorate([
    Module({
        imports: [DiscoveryModule, TerminusModule],
        providers: [
            {
                provide: RESOLVED_HEALTH_OPTIONS,
                useFactory: (options) => resolveHealthOptions(options),
                inject: [MODULE_OPTIONS_TOKEN],
            },
            HealthEvents,
            HealthIndicatorRegistry,
            HealthExplorer,
            HealthExecutor,
            HealthLifecycle,
            TransitionLogger,
            HealthResponder,
            HealthService,
        ],
        exports: [HealthService, TerminusModule, RESOLVED_HEALTH_OPTIONS],
    })
], HealthModule);
export { HealthModule };
/**
 * Adds the controller, mounted at the validated `path`. The path is known only once the options
 * are resolved (`forRootAsync`), which happens before Nest registers routes.
 */
function withRoutes(definition) {
    const controller = class extends HealthController {
    };
    Object.defineProperty(controller, 'name', { value: 'HealthController' });
    const routes = {
        provide: HEALTH_CONTROLLER_CLASS,
        useFactory: async (options) => {
            Reflect.defineMetadata(PATH_METADATA, options.path, controller);
            await documentHealthApi();
            return controller;
        },
        inject: [RESOLVED_HEALTH_OPTIONS],
    };
    return { ...definition, controllers: [...(definition.controllers ?? []), controller], providers: [...(definition.providers ?? []), routes] };
}
//# sourceMappingURL=health.module.js.map