import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { HealthEvents, type HealthStatusChange } from '../execution/health-events.js';
import { HealthExecutor } from '../execution/health-executor.js';
import { HealthIndicatorDefinitionError } from '../errors/health-indicator-definition.error.js';
import type { HealthIndicatorCheck, HealthIndicatorOptions } from '../interfaces/health-indicator.interface.js';
import type { HealthCheckResult, HealthReport, ProbeSelector, ServiceInfo } from '../interfaces/health-status.interface.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { ShutdownHolds, type ShutdownHoldRelease } from '../lifecycle/shutdown-holds.js';
import { ProbeEvaluator } from '../evaluation/probe-evaluator.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
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

  constructor(
    private readonly evaluator: ProbeEvaluator,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
    private readonly manual: ManualProbeState,
    private readonly events: HealthEvents,
    private readonly holds: ShutdownHolds,
    private readonly simulations: HealthSimulations,
  ) {
    this.changes$ = events.changes$.asObservable();
  }

  /** Runs a probe (`liveness`, `readiness`, `startup`) or every check (`all`) and returns the full report. */
  async check(selector: ProbeSelector, request: HealthCheckRequest = {}): Promise<HealthReport> {
    const report = await this.evaluator.evaluate(selector, request);
    this.events.probeStatus(selector, report.status, report.reason);
    return report;
  }

  /**
   * The report `check()` would give when no check has to run for it (the lifecycle decides, or every result is
   * cached or refreshed in the background), without a promise; `undefined` when a check must run (`check()` then).
   * The doors answer a probe with it first, so a kubelet's probe costs no more than the app's own routes.
   */
  checkNow(selector: ProbeSelector): HealthReport | undefined {
    const report = this.evaluator.evaluateNow(selector);
    if (report) this.events.probeStatus(selector, report.status, report.reason);
    return report;
  }

  /**
   * Runs a health group (`groups.<name>`) and returns its report, or `undefined` when no group has that
   * name. Groups follow the readiness rules: STARTING until started, SHUTTING_DOWN while draining,
   * DOWN while readiness is refused; the checks are still run and reported.
   */
  async checkGroup(name: string, request: HealthCheckRequest = {}): Promise<HealthReport | undefined> {
    if (!this.registry.hasGroup(name)) return undefined;
    const report = await this.evaluator.evaluate({ group: name }, request);
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

  /** The service's name, version, environment, uptime and the time now, as reports show them. */
  serviceInfo(): ServiceInfo {
    return this.evaluator.serviceInfo();
  }
}
