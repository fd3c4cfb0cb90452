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
import { Injectable } from '@nestjs/common';
import { InjectHealthOptions } from '../health.module-definition.js';
import { CHECK_NAME_ACCEPTED, CHECK_NAME_PATTERN, indicatorFields } from '../options/health-options.schema.js';
import { shape } from '../options/option-rules.js';
const validateIndicatorOptions = shape(indicatorFields);
const DEFAULT_PROBES = ['readiness'];
/** Thrown at bootstrap when an indicator is declared wrongly. @publicApi */
export class HealthIndicatorDefinitionError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid health indicator definition:\n  - ${problems.join('\n  - ')}`);
        this.problems = problems;
        this.name = 'HealthIndicatorDefinitionError';
    }
}
/** Holds every indicator of the app, its settings resolved against the module's defaults. */
let HealthIndicatorRegistry = class HealthIndicatorRegistry {
    options;
    indicators = new Map();
    constructor(options) {
        this.options = options;
    }
    /** Checks the declaration and registers it; returns the problems found (nothing is registered then). */
    register(instance, metadata, source) {
        const { name, ...settings } = metadata;
        const label = `${source} (@HealthIndicator(${JSON.stringify(name)}))`;
        const problems = [];
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
        if (problems.length > 0)
            return problems;
        const defaults = this.options;
        this.indicators.set(name, {
            name,
            instance,
            source,
            probes: settings.probes ?? DEFAULT_PROBES,
            critical: settings.critical ?? true,
            timeoutMs: settings.timeoutMs ?? defaults.timeoutMs,
            cacheTtlMs: settings.cacheTtlMs ?? defaults.cacheTtlMs,
            refreshIntervalMs: settings.refreshIntervalMs ?? defaults.refreshIntervalMs,
            failureThreshold: settings.failureThreshold ?? defaults.failureThreshold,
            successThreshold: settings.successThreshold ?? defaults.successThreshold,
        });
        return [];
    }
    get(name) {
        return this.indicators.get(name);
    }
    all() {
        return [...this.indicators.values()];
    }
    /** The indicators a probe runs; `all` is every indicator. */
    forProbe(selector) {
        return selector === 'all' ? this.all() : this.all().filter((indicator) => indicator.probes.includes(selector));
    }
};
HealthIndicatorRegistry = __decorate([
    Injectable(),
    __param(0, InjectHealthOptions()),
    __metadata("design:paramtypes", [Object])
], HealthIndicatorRegistry);
export { HealthIndicatorRegistry };
//# sourceMappingURL=health-indicator.registry.js.map