import { Injectable } from '@nestjs/common';
import { HealthExecutor } from '../execution/health-executor.js';
import type { HealthCheckResult, HealthReport, HealthStatus, ProbeSelector, ServiceInfo } from '../interfaces/health-status.interface.js';
import { GracefulShutdown } from '../lifecycle/graceful-shutdown.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { aggregateStatus } from '../status/status-aggregator.js';

/** The checks a report is made of: a probe's (`byProbe`: the registry's own list) or a group's, less what was excluded. */
interface ReportPlan {
  selector: ProbeSelector;
  indicators: RegisteredIndicator[];
  byProbe: boolean;
  /** Excluded names that match no check (noted in the report). */
  unknown?: string[];
}

/** What a probe evaluation may leave out (`?exclude=`). */
export interface ProbeEvaluationRequest {
  exclude?: string[];
}

/**
 * The probe evaluator: a probe's (or group's) status from the lifecycle (starting, draining, set refusing or
 * broken) and its checks' latest results, aggregated by the status model (`status/status-aggregator.ts`).
 * It reads state only: a request never latches or mutates lifecycle state. `HealthService` is the public API
 * over it.
 */
@Injectable()
export class ProbeEvaluator {
  private clock = { ms: 0, iso: '' };
  private readonly aggregated = new WeakMap<Record<string, HealthCheckResult>, HealthStatus>();
  /** The last shared report of each probe, with the results it was made of (`sharedReport`). */
  private readonly shared = new Map<ProbeSelector, { details: Record<string, HealthCheckResult>; report: HealthReport }>();

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
    private readonly startup: StartupGate,
    private readonly manual: ManualProbeState,
    private readonly shutdown: GracefulShutdown,
  ) {}

  /** The service's name, version, environment, uptime and the time now. */
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

  /**
   * The report with its service info, made when first read: a caller who may not see details (a kubelet) never
   * pays for the clock and the copy.
   */
  private withServiceInfo(report: HealthReport): HealthReport {
    let info: ServiceInfo | undefined;
    return Object.defineProperty(report, 'serviceInfo', { get: () => (info ??= this.serviceInfo()), enumerable: true, configurable: true });
  }

  /**
   * The report of a probe's shared results (the executor's memo), made once per set of results and handed to
   * every door's request until they change: its service info is read afresh each time (it tells the time of the
   * reading). Only the doors get it (`evaluateNow`); they never change a report.
   */
  private sharedReport(selector: ProbeSelector, details: Record<string, HealthCheckResult>): HealthReport {
    const last = this.shared.get(selector);
    if (last?.details === details) return last.report;
    const report = Object.defineProperty({ status: this.statusOf(details), details }, 'serviceInfo', {
      get: () => this.serviceInfo(),
      enumerable: true,
      configurable: true,
    });
    this.shared.set(selector, { details, report });
    return report;
  }

  /** The aggregated status of a set of results; computed once per set the executor shares between requests. */
  private statusOf(details: Record<string, HealthCheckResult>): HealthStatus {
    let status = this.aggregated.get(details);
    if (status === undefined) {
      status = aggregateStatus(Object.values(details));
      this.aggregated.set(details, status);
    }
    return status;
  }

  /** The lifecycle state that decides this probe's status without its checks, if any. Reads state only. */
  private gate(selector: ProbeSelector): { status: HealthStatus; reason: string } | undefined {
    if (selector === 'liveness') return this.manual.livenessBroken === undefined ? undefined : { status: 'DOWN', reason: this.manual.livenessBroken };
    const startup = this.startup.state;
    if (selector === 'startup') return startup === 'bootstrapping' ? { status: 'STARTING', reason: 'application bootstrap has not finished' } : undefined;
    const shuttingDown = this.shutdown.reason;
    if (shuttingDown !== undefined) return { status: 'SHUTTING_DOWN', reason: shuttingDown };
    if (startup === 'bootstrapping') return { status: 'STARTING', reason: 'application bootstrap has not finished' };
    if (startup === 'checking') return { status: 'STARTING', reason: 'startup checks have not passed yet' };
    if (this.manual.readinessRefused !== undefined) return { status: 'DOWN', reason: this.manual.readinessRefused };
    return undefined;
  }

  /** A probe's or a group's report. */
  evaluate(target: ProbeSelector | { group: string }, request: ProbeEvaluationRequest): Promise<HealthReport> {
    const plan = this.plan(target, request);
    if ('decided' in plan) return Promise.resolve(plan.decided);
    return this.executor.results(plan.indicators).then((details) => this.finish(plan, details, false));
  }

  /**
   * The report `evaluate()` would give, when it needs no check to run: decided by the lifecycle, or every check's
   * result cached or refreshed. `undefined` otherwise (`evaluate()` then runs what must run). Synchronous.
   */
  evaluateNow(target: ProbeSelector | { group: string }, request: ProbeEvaluationRequest = {}): HealthReport | undefined {
    const plan = this.plan(target, request);
    if ('decided' in plan) return plan.decided;
    const details = this.executor.resultsNow(plan.indicators);
    return details && this.finish(plan, details, true);
  }

  /** What a probe's report needs: a report already decided, or the indicators whose results make it. */
  private plan(target: ProbeSelector | { group: string }, request: ProbeEvaluationRequest): { decided: HealthReport } | ReportPlan {
    // A group answers like the full report: the readiness gate sets its status, its checks are still shown.
    const selector: ProbeSelector = typeof target === 'string' ? target : 'all';
    const gate = this.gate(selector);
    if (gate && selector !== 'all') return { decided: { status: gate.status, reason: gate.reason } };
    if (selector === 'liveness') {
      // Liveness never shows details nor touches dependencies: no service info, and no work at all without liveness indicators.
      const indicators = this.registry.forProbe('liveness');
      return indicators.length === 0 ? { decided: { status: 'UP' } } : { selector, indicators, byProbe: true };
    }
    if (selector === 'startup' && this.startup.state === 'started') return { decided: { status: 'UP' } };

    const members = typeof target === 'string' ? this.registry.forProbe(target) : this.registry.forGroup(target.group);
    // Without exclude, the registry's own list: the executor recognises it and may answer from its memo.
    if (!request.exclude || request.exclude.length === 0) return { selector, indicators: members, byProbe: typeof target === 'string' };
    const exclude = new Set(request.exclude);
    return {
      selector,
      indicators: members.filter((indicator) => !exclude.has(indicator.name)),
      byProbe: false,
      unknown: [...exclude].filter((name) => !this.registry.get(name)),
    };
  }

  /** The report of a plan's results (`shared`: a probe's report of shared results may be handed out again). */
  private finish(plan: ReportPlan, details: Record<string, HealthCheckResult>, shared: boolean): HealthReport {
    const { selector } = plan;
    if (selector === 'liveness') return { status: this.statusOf(details), details };
    const report = shared && plan.byProbe ? this.sharedReport(selector, details) : this.withServiceInfo({ status: this.statusOf(details), details });
    if (plan.unknown && plan.unknown.length > 0) report.notes = plan.unknown.map((name) => `exclude: no check named ${JSON.stringify(name)}; ignored`);
    return this.settle(selector, report);
  }

  /**
   * The lifecycle as it is now, not as it was when the checks started: a drain that began meanwhile answers
   * (and records) SHUTTING_DOWN, never a late DOWN after it.
   */
  private settle(selector: ProbeSelector, report: HealthReport): HealthReport {
    const settled = this.gate(selector);
    if (settled) return { ...report, status: settled.status, reason: settled.reason };
    // Startup checks pass but the gate has not latched yet: only its background run latches it.
    if (selector === 'startup' && report.status !== 'DOWN' && this.startup.state !== 'started')
      return { ...report, status: 'STARTING', reason: 'startup checks pass; the startup gate opens on its next run' };
    return report;
  }
}
