import type { HealthCheckResult } from '../interfaces/health-status.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { describeError, normalizeResult, type CheckOutcome } from './check-outcome.js';
import type { HealthEvents } from './health-events.js';
import type { CheckRunSpan, HealthTracing } from '../tracing/health-tracing.js';
import { StatusDamper } from './status-damper.js';
import { serializeCheckData } from '../serialization/check-data-serializer.js';

/** A status reported in place of the check's own while a simulation is in force (`HealthService.simulate`). */
export interface SimulatedOutcome {
  status: CheckOutcome['status'];
  error?: string;
}

interface LatestResult {
  result: HealthCheckResult;
  /** `result` marked `cached`, made once per run and shared by every request it answers. */
  cachedResult: HealthCheckResult;
  finishedAt: number;
}

/** An invocation of `check()` that timed out and has not settled yet: it keeps the check's slot. */
interface AbandonedInvocation {
  /** `performance.now()` when it was invoked. */
  startedAt: number;
  /** The timeout it ran past. */
  timeoutMs: number;
}

/** A result older than this many refresh intervals counts as DOWN. */
export const STALE_AFTER_INTERVALS = 3;

/**
 * Runs one indicator: a timeout on every run, one run in flight at a time (single-flight),
 * results reused for `cacheTtlMs`, background refresh every `refreshIntervalMs`, and flap damping.
 *
 * At most one invocation of `check()` is outstanding, ever: a run that times out ends for the module,
 * but its invocation keeps the check's slot until it settles. Runs in the meantime do not invoke the
 * check; they report DOWN `still running after N ms (timed out after T ms)`. When it settles, the check
 * is invoked again at once (by the next run, or straight away when results are refreshed or cached), so
 * a stalled dependency holds at most one connection or pending command for health.
 */
export class CheckRunner {
  private inFlight?: Promise<HealthCheckResult>;
  private latest?: LatestResult;
  private readonly damper: StatusDamper;
  private refreshTimer?: NodeJS.Timeout;
  private refreshing = false;
  private recheckPending = false;
  /** Set while a simulation is in force: runs report it, and the check itself is not invoked. */
  private simulation?: SimulatedOutcome;
  private abandoned?: AbandonedInvocation;

  constructor(
    readonly indicator: RegisteredIndicator,
    private readonly events: HealthEvents,
    private readonly tracing?: HealthTracing,
  ) {
    this.damper = new StatusDamper(indicator.failureThreshold, indicator.successThreshold);
  }

  /** The result a request gets: fresh, shared with a run in flight, cached, or from the background refresh. */
  result(): Promise<HealthCheckResult> {
    const reusable = this.reusableResult();
    return reusable ? Promise.resolve(reusable) : this.run();
  }

  /**
   * The cached or background-refreshed result, when a request may have it without a run; else
   * `undefined`. Synchronous, so that answering from the cache costs no promise per check.
   */
  reusableResult(): HealthCheckResult | undefined {
    const latest = this.latest;
    // A simulated result outlives its simulation by no request: the next one runs the real check.
    if (!latest || (latest.result.simulated && !this.simulation)) return undefined;
    const { cacheTtlMs, refreshIntervalMs } = this.indicator;
    const ageMs = Date.now() - latest.finishedAt;
    if (refreshIntervalMs > 0) return ageMs > STALE_AFTER_INTERVALS * refreshIntervalMs ? this.stale(latest, ageMs) : latest.cachedResult;
    return cacheTtlMs > 0 && ageMs < cacheTtlMs ? latest.cachedResult : undefined;
  }

  /** Until when (epoch ms, exclusive) `reusableResult()` keeps returning the same object, barring a new run. */
  reusableUntil(): number {
    const latest = this.latest;
    if (!latest) return -Infinity;
    const { cacheTtlMs, refreshIntervalMs } = this.indicator;
    if (refreshIntervalMs > 0) return latest.finishedAt + STALE_AFTER_INTERVALS * refreshIntervalMs;
    return cacheTtlMs > 0 ? latest.finishedAt + cacheTtlMs : -Infinity;
  }

  /** Runs the check now, or joins the run already in flight. */
  run(): Promise<HealthCheckResult> {
    this.inFlight ??= this.execute().finally(() => {
      this.inFlight = undefined;
      if (this.recheckPending) {
        this.recheckPending = false;
        void this.run();
      }
    });
    return this.inFlight;
  }

  /**
   * The check's `context.recheck`: runs it at once, or once more right after the run in flight (which
   * may have started before the event that asked). Several calls during one run make one more run.
   */
  readonly recheck = (): void => {
    if (this.inFlight) this.recheckPending = true;
    else void this.run();
  };

  /**
   * Starts the background refresh loop, when the indicator has a refresh interval. The first run is
   * immediate; the second comes after `phase` × the interval (0.5–1, random by default) so that many
   * checks started together spread over the interval instead of firing in one tick. No gap exceeds the interval.
   */
  startRefresh(phase = 0.5 + Math.random() / 2): void {
    if (this.indicator.refreshIntervalMs <= 0 || this.refreshing) return;
    this.refreshing = true;
    let delayMs = Math.max(1, Math.round(this.indicator.refreshIntervalMs * Math.min(1, Math.max(0, phase))));
    const tick = (): void => {
      void this.run().finally(() => {
        if (!this.refreshing) return;
        this.refreshTimer = setTimeout(tick, delayMs);
        this.refreshTimer.unref();
        delayMs = this.indicator.refreshIntervalMs;
      });
    };
    tick();
  }

  /**
   * Reports `outcome` instead of the check's results until `endSimulation()`: published at once (a
   * result marked `simulated`, with its transition), then by every run, which no longer invokes the check.
   */
  simulate(outcome: SimulatedOutcome): HealthCheckResult {
    this.simulation = outcome;
    return this.record(outcome, performance.now());
  }

  /** Ends a simulation: the damper forgets it, and the real check runs at once. */
  endSimulation(): Promise<HealthCheckResult> {
    this.simulation = undefined;
    this.damper.reset();
    // A run still settling reported the simulation: the real run comes right after it.
    return this.inFlight ? this.inFlight.then(() => this.run()) : this.run();
  }

  stopRefresh(): void {
    this.refreshing = false;
    clearTimeout(this.refreshTimer);
  }

  private stale(latest: LatestResult, ageMs: number): HealthCheckResult {
    return {
      ...latest.result,
      status: 'DOWN',
      cached: true,
      message: undefined,
      error: `stale: last result is ${ageMs} ms old (refresh interval ${this.indicator.refreshIntervalMs} ms)`,
    };
  }

  private async execute(): Promise<HealthCheckResult> {
    const started = performance.now();
    if (this.simulation) return this.record(this.simulation, started);
    const abandoned = this.abandoned;
    if (abandoned) {
      const error = `still running after ${Math.round(started - abandoned.startedAt)} ms (timed out after ${abandoned.timeoutMs} ms)`;
      return this.record({ status: 'DOWN', error }, started);
    }
    const span = this.tracing?.start(this.indicator);
    return this.record(await this.invokeWithTimeout(started, span), started, span);
  }

  /** Invokes the check, racing its timeout; past the timeout the invocation keeps the slot until it settles. */
  private async invokeWithTimeout(started: number, span: CheckRunSpan | undefined): Promise<CheckOutcome> {
    const { timeoutMs } = this.indicator;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(() => {
        const error = `timed out after ${timeoutMs} ms`;
        resolve({ status: 'DOWN', error });
        controller.abort(new Error(error));
      }, timeoutMs);
    });
    let settled = false;
    const invocation = (span ? span.activate(() => this.invoke(controller.signal)) : this.invoke(controller.signal)).finally(() => {
      settled = true;
    });
    // A hung check's span ends at the timeout too: the run is over for the module.
    const outcome = await Promise.race([invocation, timedOut]);
    clearTimeout(timer);
    if (!settled) {
      this.abandoned = { startedAt: started, timeoutMs };
      void invocation.then(() => this.abandonedSettled());
    }
    return outcome;
  }

  /** The timed-out invocation has settled: the slot is free, and a check whose results are reused runs again now. */
  private abandonedSettled(): void {
    this.abandoned = undefined;
    if (this.indicator.retired) return;
    if (this.refreshing || this.indicator.cacheTtlMs > 0) this.recheck();
  }

  /**
   * Applies thresholds to a run's outcome, keeps it as the latest result and reports it. A simulation in
   * force replaces the outcome, past the damper: a run that was in flight when it began reports it too.
   */
  private record(realOutcome: CheckOutcome, started: number, span?: CheckRunSpan): HealthCheckResult {
    const { name, critical } = this.indicator;
    const simulation = this.simulation;
    const outcome: CheckOutcome = simulation ?? realOutcome;
    const previous = this.damper.status;
    const status = simulation ? this.damper.force(simulation.status) : this.damper.next(outcome.status);
    const result: HealthCheckResult = {
      status,
      critical,
      durationMs: Math.round(performance.now() - started),
      checkedAt: new Date().toISOString(),
      cached: false,
    };
    if (simulation) result.simulated = true;
    // The one place check data enters: from here on it is plain, redacted, bounded JSON data (never a render failure).
    if (outcome.data) result.data = serializeCheckData(outcome.data);
    const reason = simulation ? (simulation.error ?? `simulated ${simulation.status}`) : this.reasonFor(outcome, status);
    // Built from outcome texts that are redacted where they are made (check-outcome.ts, the simulation's validation).
    if (reason) result[status === 'DOWN' ? 'error' : 'message'] = reason;

    span?.end(result);
    this.latest = { result, cachedResult: { ...result, cached: true }, finishedAt: Date.now() };
    // An unregistered indicator's last run leaves no metric series and no transition behind.
    if (this.indicator.retired) return result;
    this.events.runs$.next({ name, result, indicator: this.indicator });
    if (previous !== status) {
      this.events.changes$.next({
        kind: 'check',
        name,
        from: previous,
        to: status,
        reason: result.error ?? result.message,
        durationMs: result.durationMs,
        at: result.checkedAt,
        ...(simulation ? { simulated: true } : {}),
      });
    }
    return result;
  }

  /** The error of a DOWN result, or the message of another; explains damped results too. */
  private reasonFor(outcome: CheckOutcome, reported: HealthCheckResult['status']): string | undefined {
    const { failureThreshold, successThreshold } = this.indicator;
    if (outcome.status === 'DOWN' && reported !== 'DOWN') {
      return `failure ${this.damper.pendingFailures} of ${failureThreshold} before DOWN: ${outcome.error}`;
    }
    if (outcome.status !== 'DOWN' && reported === 'DOWN') {
      return `recovering: ${this.damper.pendingSuccesses} of ${successThreshold} passing runs before ${outcome.status}`;
    }
    return outcome.error ?? outcome.message;
  }

  private async invoke(signal: AbortSignal): Promise<CheckOutcome> {
    try {
      return normalizeResult(this.indicator.name, await this.indicator.instance.check({ signal, indicator: this.indicator.builder, recheck: this.recheck }));
    } catch (error) {
      return { status: 'DOWN', error: describeError(error) };
    }
  }
}
