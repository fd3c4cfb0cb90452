import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorCheck, HealthIndicatorMetadata } from '../interfaces/health-indicator.interface.js';
import type { ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { CHECK_NAME_ACCEPTED, CHECK_NAME_PATTERN, indicatorFields } from '../options/health-options.schema.js';
import { shape } from '../options/option-rules.js';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';

const validateIndicatorOptions = shape(indicatorFields);

/** Holds every indicator of the app, its settings resolved against the module's defaults. */
@Injectable()
export class HealthIndicatorRegistry {
  private readonly indicators = new Map<string, RegisteredIndicator>();
  private readonly probeMembers = new Map<ProbeSelector, RegisteredIndicator[]>();

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Checks the declaration and registers it; returns the problems found (nothing is registered then). */
  register(instance: HealthIndicatorCheck, metadata: HealthIndicatorMetadata, source: string): string[] {
    const { name, ...settings } = metadata;
    const label = `${source} (@HealthIndicator(${JSON.stringify(name)}))`;
    const problems: string[] = [];
    if (typeof name !== 'string' || !CHECK_NAME_PATTERN.test(name)) {
      problems.push(`${source}: name ${JSON.stringify(name)} is invalid; expected ${CHECK_NAME_ACCEPTED}`);
    }
    problems.push(...validateIndicatorOptions(settings, name).map((problem) => `${label}: ${problem}`));
    if (typeof instance?.check !== 'function') {
      problems.push(`${label} has no check() method; a health indicator must implement check()`);
    }
    const existing = this.indicators.get(name);
    if (existing) {
      problems.push(`two health indicators are named ${JSON.stringify(name)}: ${existing.source} and ${source}; names must be unique`);
    }
    if (problems.length > 0) return problems;

    const defaults = this.options;
    this.probeMembers.clear();
    this.indicators.set(name, {
      name,
      instance,
      builder: this.health.check(name),
      source,
      probes: settings.probes ?? HEALTH_DEFAULTS.probes,
      critical: settings.critical ?? HEALTH_DEFAULTS.critical,
      timeoutMs: settings.timeoutMs ?? defaults.timeoutMs,
      cacheTtlMs: settings.cacheTtlMs ?? defaults.cacheTtlMs,
      refreshIntervalMs: settings.refreshIntervalMs ?? defaults.refreshIntervalMs,
      failureThreshold: settings.failureThreshold ?? defaults.failureThreshold,
      successThreshold: settings.successThreshold ?? defaults.successThreshold,
      slowCheckMs: settings.slowCheckMs ?? defaults.slowCheckMs,
    });
    return [];
  }

  get(name: string): RegisteredIndicator | undefined {
    return this.indicators.get(name);
  }

  all(): RegisteredIndicator[] {
    return [...this.indicators.values()];
  }

  /** The indicators a probe runs; `all` is every indicator. Computed once per probe: the registry is fixed after bootstrap. */
  forProbe(selector: ProbeSelector): RegisteredIndicator[] {
    let members = this.probeMembers.get(selector);
    if (!members) {
      members = selector === 'all' ? this.all() : this.all().filter((indicator) => indicator.probes.includes(selector));
      this.probeMembers.set(selector, members);
    }
    return members;
  }
}
