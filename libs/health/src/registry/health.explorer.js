var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Injectable, Scope } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { getHealthIndicatorMetadata, HealthIndicator } from '../decorators/health-indicator.decorator.js';
import { InjectHealthOptions } from '../health.module-definition.js';
import { createBuiltinIndicators } from '../indicators/builtin-indicators.js';
import { HealthIndicatorDefinitionError, HealthIndicatorRegistry } from './health-indicator.registry.js';
/**
 * Finds every `@HealthIndicator()` provider of the app at bootstrap, adds the built-ins the
 * options switch on, and registers them. Any wrong declaration stops startup, all of them listed.
 */
let HealthExplorer = class HealthExplorer {
    discovery;
    registry;
    moduleRef;
    options;
    constructor(discovery, registry, moduleRef, options) {
        this.discovery = discovery;
        this.registry = registry;
        this.moduleRef = moduleRef;
        this.options = options;
    }
    async onModuleInit() {
        const problems = [];
        for (const wrapper of this.discovery.getProviders({ metadataKey: HealthIndicator.KEY })) {
            const metadata = wrapper.metatype ? getHealthIndicatorMetadata(wrapper.metatype) : undefined;
            if (!metadata)
                continue;
            const source = wrapper.metatype?.name || String(wrapper.token);
            if (wrapper.scope === Scope.REQUEST || wrapper.scope === Scope.TRANSIENT || !wrapper.isDependencyTreeStatic()) {
                problems.push(`${source} (@HealthIndicator(${JSON.stringify(metadata.name)})) is request-scoped or depends on a request-scoped provider; health indicators must be singletons (default scope)`);
                continue;
            }
            problems.push(...this.registry.register(wrapper.instance, metadata, source));
        }
        for (const builtin of await createBuiltinIndicators(this.options, this.moduleRef)) {
            problems.push(...this.registry.register(builtin.instance, builtin.metadata, builtin.source));
        }
        if (problems.length > 0)
            throw new HealthIndicatorDefinitionError(problems);
    }
};
HealthExplorer = __decorate([
    Injectable(),
    __param(3, InjectHealthOptions()),
    __metadata("design:paramtypes", [DiscoveryService,
        HealthIndicatorRegistry,
        ModuleRef, Object])
], HealthExplorer);
export { HealthExplorer };
//# sourceMappingURL=health.explorer.js.map