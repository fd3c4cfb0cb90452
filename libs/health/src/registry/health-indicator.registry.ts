import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorCheck, HealthIndicatorMetadata } from '../interfaces/health-indicator.interface.js';
import type { ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { CHECK_NAME_ACCEPTED, CHECK_NAME_PATTERN, indicatorFields, TAG_SELECTOR_PREFIX } from '../validation/indicator-option-rules.js';
import { shape } from '../validation/option-rules.js';
import { HEALTH_DEFAULTS, withExecutionDefaults } from '../options/health-options.defaults.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';

const validateIndicatorOptions = shape(indicatorFields);

/** Holds every indicator of the app, its settings resolved against the module's defaults. */
@Injectable()
export class HealthIndicatorRegistry {
  private readonly indicators = new Map<string, RegisteredIndicator>();
  /** Members of each probe and group, computed on first use; cleared whenever an indicator comes or goes. */
  private readonly probeMembers = new Map<ProbeSelector, RegisteredIndicator[]>();
  private readonly groupMembers = new Map<string, RegisteredIndicator[]>();

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

    const probes = settings.probes ?? HEALTH_DEFAULTS.probes;
    const execution = withExecutionDefaults(settings, this.options);
    // A route-scoped check (in no probe) is run by nothing but its refresh: it always has one.
    if (probes.length === 0 && execution.refreshIntervalMs === 0) execution.refreshIntervalMs = HEALTH_DEFAULTS.routeScopedRefreshIntervalMs;
    this.indicators.set(name, {
      name,
      instance,
      builder: this.health.check(name),
      source,
      probes,
      tags: settings.tags ?? [],
      critical: settings.critical ?? HEALTH_DEFAULTS.critical,
      ...execution,
    });
    this.changed();
    return [];
  }

  /** Removes an indicator and marks it retired; returns it, or undefined when `name` is not (or no longer) registered as `expected`. */
  unregister(name: string, expected?: RegisteredIndicator): RegisteredIndicator | undefined {
    const indicator = this.indicators.get(name);
    if (!indicator || (expected && indicator !== expected)) return undefined;
    indicator.retired = true;
    this.indicators.delete(name);
    this.changed();
    return indicator;
  }

  /**
   * Members lists are replaced, never changed in place: a probe that already holds one keeps a
   * consistent list while indicators come and go.
   */
  private changed(): void {
    this.probeMembers.clear();
    this.groupMembers.clear();
  }

  get(name: string): RegisteredIndicator | undefined {
    return this.indicators.get(name);
  }

  all(): RegisteredIndicator[] {
    return [...this.indicators.values()];
  }

  /** The indicators a probe runs; `all` is every indicator. Computed once per probe until an indicator is registered or unregistered. */
  forProbe(selector: ProbeSelector): RegisteredIndicator[] {
    let members = this.probeMembers.get(selector);
    if (!members) {
      members = selector === 'all' ? this.all() : this.all().filter((indicator) => indicator.probes.includes(selector));
      this.probeMembers.set(selector, members);
    }
    return members;
  }

  /** Whether a group is configured. */
  hasGroup(name: string): boolean {
    return Object.hasOwn(this.options.groups ?? {}, name);
  }

  /** Names of the configured groups. */
  groupNames(): string[] {
    return Object.keys(this.options.groups ?? {});
  }

  /** The indicators of a configured group: those its `include` selects, minus those its `exclude` selects, in registration order. */
  forGroup(name: string): RegisteredIndicator[] {
    let members = this.groupMembers.get(name);
    if (!members) {
      const group = this.options.groups?.[name];
      members = group ? this.all().filter((indicator) => selects(group.include, indicator) && !selects(group.exclude ?? [], indicator)) : [];
      this.groupMembers.set(name, members);
    }
    return members;
  }

  /** What is wrong with the configured groups against the registered checks: names that match no check, groups that select none. */
  groupProblems(): string[] {
    const problems: string[] = [];
    for (const [name, group] of Object.entries(this.options.groups ?? {})) {
      for (const [key, selectors] of [
        ['include', group.include],
        ['exclude', group.exclude ?? []],
      ] as const) {
        selectors.forEach((selector, index) => {
          if (selector.startsWith(TAG_SELECTOR_PREFIX) || this.indicators.has(selector)) return;
          problems.push(
            `"groups.${name}.${key}[${index}]" names the check ${JSON.stringify(selector)}, but no check has that name; registered checks: ${[...this.indicators.keys()].join(', ') || 'none'}`,
          );
        });
      }
      if (this.forGroup(name).length === 0) {
        problems.push(
          `"groups.${name}" selects no check (include: ${group.include.join(', ')}${group.exclude?.length ? `; exclude: ${group.exclude.join(', ')}` : ''}); a group needs at least one check`,
        );
      }
    }
    return problems;
  }
}

/** Whether any selector (a check name or `tag:<tag>`) matches the indicator. */
function selects(selectors: string[], indicator: RegisteredIndicator): boolean {
  return selectors.some((selector) =>
    selector.startsWith(TAG_SELECTOR_PREFIX) ? indicator.tags.includes(selector.slice(TAG_SELECTOR_PREFIX.length)) : selector === indicator.name,
  );
}
