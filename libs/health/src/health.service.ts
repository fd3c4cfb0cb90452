import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { HealthEvents, type HealthStatusChange } from './execution/health-events.js';
import { HealthExecutor } from './execution/health-executor.js';
import { InjectHealthOptions } from './health.module-definition.js';
import type { HealthCheckResult, HealthReport, ProbeSelector, ServiceInfo } from './interfaces/health-status.interface.js';
import { HealthLifecycle } from './lifecycle/health-lifecycle.js';
import type { ResolvedHealthOptions } from './options/resolved-health-options.js';
import { HealthIndicatorRegistry } from './registry/health-indicator.registry.js';
import { aggregateStatus } from './status/status-aggregator.js';

/** Options of one programmatic or HTTP probe run. @publicApi */
export interface HealthCheckRequest {
  /** Check names to leave out; unknown names are ignored with a note in the report. */
  exclude?: string[];
}

/**
 * Runs probes and reports, and lets the app steer its own readiness and liveness.
 * @publicApi
 */
@Injectable()
export class HealthService {
  /** Status transitions of every check and every probe. */
  readonly changes$: Observable<HealthStatusChange>;
  private clock = { ms: 0, iso: '' };

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
    private readonly lifecycle: HealthLifecycle,
    private readonly events: HealthEvents,
  ) {
    this.changes$ = events.changes$.asObservable();
  }

  /** Runs a probe (`liveness`, `readiness`, `startup`) or every check (`all`) and returns the full report. */
  async check(selector: ProbeSelector, request: HealthCheckRequest = {}): Promise<HealthReport> {
    const report = await this.evaluate(selector, request);
    this.events.probeStatus(selector, report.status, report.reason);
    return report;
  }

  /** The result of one check, or `undefined` when no check has that name. */
  async checkOne(name: string): Promise<HealthCheckResult | undefined> {
    const indicator = this.registry.get(name);
    return indicator ? this.executor.runner(indicator).result() : undefined;
  }

  /** Names of every registered check. */
  checkNames(): string[] {
    return this.registry.all().map((indicator) => indicator.name);
  }

  /** `refusing` turns readiness DOWN (503) until set back to `accepting`. */
  setReadiness(state: 'accepting' | 'refusing', reason?: string): void {
    this.lifecycle.setReadiness(state, reason);
  }

  /** `broken` turns liveness DOWN (503), so Kubernetes restarts the pod, until set back to `correct`. */
  setLiveness(state: 'correct' | 'broken', reason?: string): void {
    this.lifecycle.setLiveness(state, reason);
  }

  serviceInfo(): ServiceInfo {
    const now = Date.now();
    // Every report carries a timestamp; probes arriving in the same millisecond share one string.
    if (now !== this.clock.ms) this.clock = { ms: now, iso: new Date(now).toISOString() };
    return {
      ...this.options.service,
      uptimeSeconds: Math.floor(performance.now() / 1000),
      timestamp: this.clock.iso,
    };
  }

  /** Liveness never shows details nor touches dependencies: no service info, and no work at all without liveness indicators. */
  private async liveness(): Promise<HealthReport> {
    const indicators = this.registry.forProbe('liveness');
    if (indicators.length === 0) return { status: 'UP' };
    const details = await this.executor.results(indicators);
    return { status: aggregateStatus(Object.values(details)), details };
  }

  private async evaluate(selector: ProbeSelector, request: HealthCheckRequest): Promise<HealthReport> {
    const gate = this.lifecycle.gate(selector);
    if (gate && selector !== 'all') return { status: gate.status, reason: gate.reason };
    if (selector === 'liveness') return this.liveness();
    if (selector === 'startup' && this.lifecycle.started) return { status: 'UP' };

    const exclude = new Set(request.exclude ?? []);
    const indicators = this.registry.forProbe(selector).filter((indicator) => !exclude.has(indicator.name));
    const details = selector === 'startup' && exclude.size === 0 ? await this.lifecycle.runStartupChecks() : await this.executor.results(indicators);
    const report: HealthReport = { status: aggregateStatus(Object.values(details)), details, serviceInfo: this.serviceInfo() };
    const unknown = [...exclude].filter((name) => !this.registry.get(name));
    if (unknown.length > 0) report.notes = unknown.map((name) => `exclude: no check named ${JSON.stringify(name)}; ignored`);

    if (gate) return { ...report, status: gate.status, reason: gate.reason };
    return report;
  }
}
