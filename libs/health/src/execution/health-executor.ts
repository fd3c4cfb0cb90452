import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { HealthCheckResult } from '../interfaces/health-status.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { CheckRunner, STALE_AFTER_INTERVALS } from './check-runner.js';
import { HealthEvents } from './health-events.js';
import { HealthTracing } from '../tracing/health-tracing.js';

/** Runs indicators concurrently, each through its own `CheckRunner`. */
@Injectable()
export class HealthExecutor implements BeforeApplicationShutdown {
  private readonly runners = new Map<RegisteredIndicator, CheckRunner>();
  private readonly logger = new Logger('HealthModule');
  /** Background refresh has started (at bootstrap): an indicator registered later starts its own at once. */
  private refreshing = false;

  /** Bumped by every finished run: a memoized set of results is valid only for the generation it was built in. */
  private generation = 0;
  /** The last results built for a given list of indicators (the registry's per-probe list), shared while unchanged. */
  private readonly memo = new WeakMap<RegisteredIndicator[], { generation: number; validUntil: number; results: Record<string, HealthCheckResult> }>();

  constructor(
    private readonly events: HealthEvents,
    private readonly tracing?: HealthTracing,
  ) {
    events.runs$.subscribe(() => {
      this.generation += 1;
    });
  }

  runner(indicator: RegisteredIndicator): CheckRunner {
    let runner = this.runners.get(indicator);
    if (!runner) {
      runner = new CheckRunner(indicator, this.events, this.tracing);
      // A probe that picked the indicator just before it was unregistered runs it once more, but does not bring its runner back.
      if (!indicator.retired) this.runners.set(indicator, runner);
    }
    return runner;
  }

  /** Stops an unregistered indicator's refresh and drops its runner. */
  forget(indicator: RegisteredIndicator): void {
    this.runners.get(indicator)?.stopRefresh();
    this.runners.delete(indicator);
  }

  /**
   * Results of the given indicators, all run concurrently, keyed by name in the given order. While no
   * run has finished and no cached result has expired, the same (read-only) object answers every call
   * for the same list: a cached probe costs O(1) instead of a lookup and a copy per check.
   */
  results(indicators: RegisteredIndicator[]): Promise<Record<string, HealthCheckResult>> {
    const now = this.resultsNow(indicators);
    if (now) return Promise.resolve(now);
    const results: Record<string, HealthCheckResult> = {};
    const runs: Promise<void>[] = [];
    for (const indicator of indicators) {
      const runner = this.runner(indicator);
      const reusable = runner.reusableResult();
      // Assigned now even when pending, so that the keys keep the given order.
      results[indicator.name] = reusable!;
      if (!reusable) {
        runs.push(
          runner.run().then((result) => {
            results[indicator.name] = result;
          }),
        );
      }
    }
    return Promise.all(runs).then(() => results);
  }

  /**
   * The results `results()` would give without running anything: every indicator's cached or refreshed result
   * (the memoized set while it holds), or `undefined` when one of them has to run. Synchronous, so that a probe
   * whose results are at hand is answered without a promise.
   */
  resultsNow(indicators: RegisteredIndicator[]): Record<string, HealthCheckResult> | undefined {
    const memo = this.memo.get(indicators);
    if (memo && memo.generation === this.generation && Date.now() < memo.validUntil) return memo.results;
    let validUntil = Infinity;
    const results: Record<string, HealthCheckResult> = {};
    for (const indicator of indicators) {
      const runner = this.runner(indicator);
      const reusable = runner.reusableResult();
      if (!reusable) return undefined;
      results[indicator.name] = reusable;
      validUntil = Math.min(validUntil, runner.reusableUntil());
    }
    this.memo.set(indicators, { generation: this.generation, validUntil, results });
    return results;
  }

  /** Starts background refresh for every indicator that has a refresh interval. */
  startRefresh(indicators: RegisteredIndicator[]): void {
    this.refreshing = true;
    for (const indicator of indicators) {
      const { name, refreshIntervalMs, timeoutMs } = indicator;
      // A run starts refreshIntervalMs after the last one and may take timeoutMs: past 3 intervals a result reads stale.
      if (refreshIntervalMs > 0 && timeoutMs > (STALE_AFTER_INTERVALS - 1) * refreshIntervalMs) {
        this.logger.warn(
          `check ${JSON.stringify(name)}: timeoutMs ${timeoutMs} is above ${STALE_AFTER_INTERVALS - 1} x refreshIntervalMs ${refreshIntervalMs}; a slow but passing run can leave its last result stale (DOWN). Raise refreshIntervalMs or lower timeoutMs.`,
        );
      }
      this.runner(indicator).startRefresh();
    }
  }

  /** An indicator registered at run time: its refresh starts now if the app's has started, else with the app's. */
  adopt(indicator: RegisteredIndicator): void {
    if (this.refreshing) this.startRefresh([indicator]);
  }

  beforeApplicationShutdown(): void {
    this.refreshing = false;
    for (const runner of this.runners.values()) runner.stopRefresh();
  }
}
