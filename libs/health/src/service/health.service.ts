import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { HealthEvents, type HealthStatusChange } from '../execution/health-events.js';
import { HealthExecutor } from '../execution/health-executor.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { HealthIndicatorDefinitionError } from '../errors/health-indicator-definition.error.js';
import type { HealthIndicatorCheck, HealthIndicatorOptions } from '../interfaces/health-indicator.interface.js';
import type { HealthCheckResult, HealthReport, HealthStatus, ProbeSelector, ServiceInfo } from '../interfaces/health-status.interface.js';
import { GracefulShutdown } from '../lifecycle/graceful-shutdown.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { ShutdownHolds, type ShutdownHoldRelease } from '../lifecycle/shutdown-holds.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { aggregateStatus } from '../status/status-aggregator.js';
import { HealthSimulations } from '../simulation/health-simulations.js';
import type { CheckSimulation, SimulationRestore } from '../simulation/check-simulation.js';

/** Options of one programmatic or HTTP probe run. @publicApi */
export interface HealthCheckRequest {
  /** Check names to leave out; unknown names are ignored with a note in the report. */
  exclude?: string[];
}

/** A check given to `HealthService.register`: an object with `check()`, or the `check` function itself. @publicApi */
export type RuntimeHealthCheck = HealthIndicatorCheck | HealthIndicatorCheck['check'];

/** Removes an indicator added with `HealthService.register`; calling it again does nothing. @publicApi */
export type UnregisterHealthIndicator = () => void;

/**
 * Runs probes and reports, and lets the app steer its own readiness and liveness.
 * @publicApi
 */
@Injectable()
export class HealthService {
  /** Status transitions of every check and every probe. */
  readonly changes$: Observable<HealthStatusChange>;
  private clock = { ms: 0, iso: '' };
  private readonly aggregated = new WeakMap<Record<string, HealthCheckResult>, HealthStatus>();

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
    private readonly startup: StartupGate,
    private readonly manual: ManualProbeState,
    private readonly shutdown: GracefulShutdown,
    private readonly events: HealthEvents,
    private readonly holds: ShutdownHolds,
    private readonly simulations: HealthSimulations,
  ) {
    this.changes$ = events.changes$.asObservable();
  }

  /** Runs a probe (`liveness`, `readiness`, `startup`) or every check (`all`) and returns the full report. */
  async check(selector: ProbeSelector, request: HealthCheckRequest = {}): Promise<HealthReport> {
    const report = await this.evaluate(selector, request);
    this.events.probeStatus(selector, report.status, report.reason);
    return report;
  }

  /**
   * Runs a health group (`groups.<name>`) and returns its report, or `undefined` when no group has that
   * name. Groups follow the readiness rules: STARTING until started, SHUTTING_DOWN while draining,
   * DOWN while readiness is refused; the checks are still run and reported.
   */
  async checkGroup(name: string, request: HealthCheckRequest = {}): Promise<HealthReport | undefined> {
    if (!this.registry.hasGroup(name)) return undefined;
    const report = await this.evaluate({ group: name }, request);
    this.events.probeStatus(`group:${name}`, report.status, report.reason);
    return report;
  }

  /** Names of the configured health groups. */
  groupNames(): string[] {
    return this.registry.groupNames();
  }

  /**
   * Adds an indicator at run time (a tenant's connection, say), with the options `@HealthIndicator()`
   * takes (`probes`, `critical`, `tags`, `timeoutMs`, ...). It takes part in probes, groups (by tag),
   * `/checks/:name`, metrics and background refresh like a discovered one. Throws
   * `HealthIndicatorDefinitionError` for an invalid name or option, or a name already in use.
   *
   * @returns `unregister()`: stops its refresh, removes it from every probe and group and drops its metric series
   */
  register(name: string, check: RuntimeHealthCheck, options: HealthIndicatorOptions = {}): UnregisterHealthIndicator {
    const instance: HealthIndicatorCheck = typeof check === 'function' ? { check } : check;
    const problems = this.registry.register(instance, { ...options, name }, `HealthService.register(${JSON.stringify(name)})`);
    if (problems.length > 0) throw new HealthIndicatorDefinitionError(problems);
    const registered = this.registry.get(name)!;
    this.executor.adopt(registered);
    return () => {
      if (!this.registry.unregister(name, registered)) return;
      this.executor.forget(registered);
      this.events.removed$.next(name);
    };
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
    this.manual.setReadiness(state, reason);
  }

  /** `broken` turns liveness DOWN (503), so Kubernetes restarts the pod, until set back to `correct`. */
  setLiveness(state: 'correct' | 'broken', reason?: string): void {
    this.manual.setLiveness(state, reason);
  }

  /**
   * Holds the shutdown for work that must finish (a job in progress, a flush): after the drain delay,
   * shutdown waits until every hold is released. While it waits, the full report's and readiness'
   * reason and the log name each hold (`waiting for 2 holds: "import job 42", "flush metrics"`);
   * `shutdown.timeoutMs` bounds the wait. Returns `release()`, which may be called more than once.
   *
   * @example const release = health.holdShutdown(`import job ${job.id}`); try { await job.run(); } finally { release(); }
   */
  holdShutdown(reason: string): ShutdownHoldRelease {
    return this.holds.hold(reason);
  }

  /**
   * Makes a check report `status` (with `error` as its reason) instead of its own results, for a game day
   * or a test: probes, groups, `/checks/:name`, metrics (`simulated="true"`), gRPC and logs see it as a real
   * result, marked `simulated`. In force when this returns; ends by itself after `ttlMs` (default 5 minutes),
   * or when `restore()` is called. Needs `simulation: { enabled: true }`; throws `HealthSimulationError`
   * when simulation is off, for an unknown check or a bad field.
   *
   * @example const restore = health.simulate('database', { status: 'DOWN', error: 'game day', ttlMs: 60_000 }); … await restore();
   * @returns `restore()`: ends this simulation and resolves once the check's real result is back
   */
  simulate(name: string, simulation: CheckSimulation): SimulationRestore {
    return this.simulations.start(name, simulation);
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

  /** The aggregated status of a set of results; computed once per set the executor shares between requests. */
  private statusOf(details: Record<string, HealthCheckResult>): HealthStatus {
    let status = this.aggregated.get(details);
    if (status === undefined) {
      status = aggregateStatus(Object.values(details));
      this.aggregated.set(details, status);
    }
    return status;
  }

  /** Liveness never shows details nor touches dependencies: no service info, and no work at all without liveness indicators. */
  private async liveness(): Promise<HealthReport> {
    const indicators = this.registry.forProbe('liveness');
    if (indicators.length === 0) return { status: 'UP' };
    const details = await this.executor.results(indicators);
    return { status: this.statusOf(details), details };
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

  private async evaluate(target: ProbeSelector | { group: string }, request: HealthCheckRequest): Promise<HealthReport> {
    // A group answers like the full report: the readiness gate sets its status, its checks are still shown.
    const selector: ProbeSelector = typeof target === 'string' ? target : 'all';
    const gate = this.gate(selector);
    if (gate && selector !== 'all') return { status: gate.status, reason: gate.reason };
    if (selector === 'liveness') return this.liveness();
    if (selector === 'startup' && this.startup.state === 'started') return { status: 'UP' };

    const exclude = new Set(request.exclude);
    const members = typeof target === 'string' ? this.registry.forProbe(target) : this.registry.forGroup(target.group);
    // Without exclude, the registry's own list: the executor recognises it and may answer from its memo.
    const indicators = exclude.size === 0 ? members : members.filter((indicator) => !exclude.has(indicator.name));
    const details = await this.executor.results(indicators);
    const report: HealthReport = { status: this.statusOf(details), details, serviceInfo: this.serviceInfo() };
    if (exclude.size > 0) {
      const unknown = [...exclude].filter((name) => !this.registry.get(name));
      if (unknown.length > 0) report.notes = unknown.map((name) => `exclude: no check named ${JSON.stringify(name)}; ignored`);
    }

    // The lifecycle as it is now, not as it was when the checks started: a drain that began meanwhile answers
    // (and records) SHUTTING_DOWN, never a late DOWN after it.
    const settled = this.gate(selector);
    if (settled) return { ...report, status: settled.status, reason: settled.reason };
    // Startup checks pass but the gate has not latched yet: only its background run latches it.
    if (selector === 'startup' && report.status !== 'DOWN' && this.startup.state !== 'started')
      return { ...report, status: 'STARTING', reason: 'startup checks pass; the startup gate opens on its next run' };
    return report;
  }
}
