import { Injectable, Scope, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { getHealthIndicatorMetadata, HealthIndicator } from '../decorators/health-indicator.decorator.js';
import { InjectHealthOptions } from '../health.module-definition.js';
import type { HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';
import { createBuiltinIndicators } from '../indicators/builtin-indicators.js';
import type { ResolvedHealthOptions } from '../options/health-options.validator.js';
import { HealthIndicatorDefinitionError, HealthIndicatorRegistry } from './health-indicator.registry.js';

/**
 * Finds every `@HealthIndicator()` provider of the app at bootstrap, adds the built-ins the
 * options switch on, and registers them. Any wrong declaration stops startup, all of them listed.
 */
@Injectable()
export class HealthExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: HealthIndicatorRegistry,
    private readonly moduleRef: ModuleRef,
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: HealthIndicator.KEY })) {
      const metadata = wrapper.metatype ? getHealthIndicatorMetadata(wrapper.metatype) : undefined;
      if (!metadata) continue;
      const source = wrapper.metatype?.name || String(wrapper.token);
      if (wrapper.scope === Scope.REQUEST || wrapper.scope === Scope.TRANSIENT || !wrapper.isDependencyTreeStatic()) {
        problems.push(
          `${source} (@HealthIndicator(${JSON.stringify(metadata.name)})) is request-scoped or depends on a request-scoped provider; health indicators must be singletons (default scope)`,
        );
        continue;
      }
      problems.push(...this.registry.register(wrapper.instance as HealthIndicatorCheck, metadata, source));
    }
    for (const builtin of await createBuiltinIndicators(this.options, this.moduleRef)) {
      problems.push(...this.registry.register(builtin.instance, builtin.metadata, builtin.source));
    }
    if (problems.length > 0) throw new HealthIndicatorDefinitionError(problems);
  }
}
