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
import { HealthEvents } from './execution/health-events.js';
import { HealthExecutor } from './execution/health-executor.js';
import { InjectHealthOptions } from './health.module-definition.js';
import { HealthLifecycle } from './lifecycle/health-lifecycle.js';
import { HealthIndicatorRegistry } from './registry/health-indicator.registry.js';
import { aggregateStatus } from './status/status-aggregator.js';
/**
 * Runs probes and reports, and lets the app steer its own readiness and liveness.
 * @publicApi
 */
let HealthService = class HealthService {
    options;
    registry;
    executor;
    lifecycle;
    events;
    /** Status transitions of every check and every probe. */
    changes$;
    constructor(options, registry, executor, lifecycle, events) {
        this.options = options;
        this.registry = registry;
        this.executor = executor;
        this.lifecycle = lifecycle;
        this.events = events;
        this.changes$ = events.changes$.asObservable();
    }
    /** Runs a probe (`liveness`, `readiness`, `startup`) or every check (`all`) and returns the full report. */
    async check(selector, request = {}) {
        const report = await this.evaluate(selector, request);
        this.events.probeStatus(selector, report.status, report.reason);
        return report;
    }
    /** The result of one check, or `undefined` when no check has that name. */
    async checkOne(name) {
        const indicator = this.registry.get(name);
        return indicator ? this.executor.runner(indicator).result() : undefined;
    }
    /** Names of every registered check. */
    checkNames() {
        return this.registry.all().map((indicator) => indicator.name);
    }
    /** `refusing` turns readiness DOWN (503) until set back to `accepting`. */
    setReadiness(state, reason) {
        this.lifecycle.setReadiness(state, reason);
    }
    /** `broken` turns liveness DOWN (503), so Kubernetes restarts the pod, until set back to `correct`. */
    setLiveness(state, reason) {
        this.lifecycle.setLiveness(state, reason);
    }
    serviceInfo() {
        return {
            ...this.options.service,
            uptimeSeconds: Math.floor(process.uptime()),
            timestamp: new Date().toISOString(),
        };
    }
    async evaluate(selector, request) {
        const gate = this.lifecycle.gate(selector);
        if (gate && selector !== 'all')
            return { status: gate.status, reason: gate.reason };
        if (selector === 'startup' && this.lifecycle.started)
            return { status: 'UP' };
        const exclude = new Set(request.exclude ?? []);
        const indicators = this.registry.forProbe(selector).filter((indicator) => !exclude.has(indicator.name));
        const details = selector === 'startup' && exclude.size === 0 ? await this.lifecycle.runStartupChecks() : await this.executor.results(indicators);
        const report = { status: aggregateStatus(Object.values(details)), details, serviceInfo: this.serviceInfo() };
        const unknown = [...exclude].filter((name) => !this.registry.get(name));
        if (unknown.length > 0)
            report.notes = unknown.map((name) => `exclude: no check named ${JSON.stringify(name)}; ignored`);
        if (gate)
            return { ...report, status: gate.status, reason: gate.reason };
        return report;
    }
};
HealthService = __decorate([
    Injectable(),
    __param(0, InjectHealthOptions()),
    __metadata("design:paramtypes", [Object, HealthIndicatorRegistry,
        HealthExecutor,
        HealthLifecycle,
        HealthEvents])
], HealthService);
export { HealthService };
//# sourceMappingURL=health.service.js.map