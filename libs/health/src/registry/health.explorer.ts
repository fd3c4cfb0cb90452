import { Injectable, Scope, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { getHealthIndicatorMetadata, HealthIndicator } from '../decorators/health-indicator.decorator.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';
import { builtinIndicators, isBuiltinIndicatorToken } from '../indicators/builtin-indicators.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorDefinitionError } from '../errors/health-indicator-definition.error.js';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { HealthIndicatorRegistry } from './health-indicator.registry.js';

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
      // An alias (useExisting) is the same indicator again, not a second one.
      if (wrapper.isAlias || isBuiltinIndicatorToken(wrapper.token)) continue;
      // useFactory / useValue providers: the class is the instance's, not the metatype (the factory).
      const indicatorClass = !wrapper.metatype || wrapper.inject ? (wrapper.instance as object | undefined)?.constructor : wrapper.metatype;
      const metadata = indicatorClass ? getHealthIndicatorMetadata(indicatorClass) : undefined;
      if (!metadata) continue;
      const source = indicatorClass?.name || String(wrapper.token);
      const scopeProblem = singletonProblem(wrapper);
      if (scopeProblem) {
        problems.push(`${source} (@HealthIndicator(${JSON.stringify(metadata.name)})) ${scopeProblem}; health indicators must be singletons (default scope)`);
        continue;
      }
      problems.push(...this.registry.register(wrapper.instance as HealthIndicatorCheck, metadata, source));
    }
    for (const builtin of await builtinIndicators(this.options, this.moduleRef)) {
      problems.push(...this.registry.register(builtin.instance, builtin.metadata, builtin.source));
    }
    if (problems.length > 0) throw new HealthIndicatorDefinitionError(problems);
    const groupProblems = this.registry.groupProblems();
    if (groupProblems.length > 0) throw new HealthOptionsError(groupProblems);
  }
}

const providerName = (wrapper: InstanceWrapper): string => (wrapper.name as string | undefined) || String(wrapper.token);

/** Why a provider is not a singleton, naming the request-scoped provider it depends on; undefined for a singleton. */
function singletonProblem(wrapper: InstanceWrapper): string | undefined {
  if (wrapper.scope === Scope.REQUEST) return 'is request-scoped';
  if (wrapper.scope === Scope.TRANSIENT) return 'is transient-scoped';
  if (wrapper.isDependencyTreeStatic()) return undefined;
  const chain: InstanceWrapper[] = [];
  let current: InstanceWrapper | undefined = wrapper;
  while (current && current.scope !== Scope.REQUEST && chain.length < 20) {
    const dependencies: (InstanceWrapper | undefined)[] = [
      ...(current.getCtorMetadata() ?? []),
      ...(current.getPropertiesMetadata() ?? []).map((property) => property.wrapper),
    ];
    current = dependencies.find((dependency) => dependency && !dependency.isDependencyTreeStatic());
    if (current) chain.push(current);
  }
  const scoped = chain.at(-1);
  if (!scoped) return 'depends on a request-scoped provider, which makes it request-scoped too';
  const through = chain.slice(0, -1).map(providerName);
  return `depends on request-scoped ${providerName(scoped)}${through.length ? ` (through ${through.join(' → ')})` : ''}, which makes it request-scoped too`;
}
