import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Probe } from './health-status.interface.js';

/**
 * A Terminus result builder bound to one check's name: `up(data)`, `down(data)`, `degraded(data)`,
 * `attempt(fn)`, as `HealthIndicatorService.check(name)` returns it.
 * @publicApi
 */
export type BoundHealthIndicator = ReturnType<HealthIndicatorService['check']>;

/**
 * What a check receives on every run.
 * @publicApi
 */
export interface HealthCheckContext {
  /**
   * Aborted when the run times out (`timeoutMs`); pass it to the I/O the check does, and give back what the
   * check holds (a connection, a pending command) when it fires. Until the check settles it is not invoked
   * again: later runs report DOWN `still running after N ms (timed out after T ms)`.
   */
  signal: AbortSignal;
  /** The result builder bound to this check's name: `return indicator.up({ depth })`. */
  indicator: BoundHealthIndicator;
  /**
   * Asks for another run of this check now, outside the refresh schedule: call it from a client's
   * connection events (lost, back) so the status changes within milliseconds of the event. Keep the
   * function: it stays valid for the life of the check. A call during a run queues one more run after it. Always given by the runner; optional so a
   * context built by hand (in a unit test) needs none.
   */
  recheck?: () => void;
}

/**
 * A class marked with `@HealthIndicator()` implements this: `check()` returns a Terminus
 * `HealthIndicatorResult` keyed by the check's name, e.g. from the context's `indicator.up()`.
 * @publicApi
 */
export interface HealthIndicatorCheck {
  check(context: HealthCheckContext): Promise<HealthIndicatorResult> | PromiseLike<HealthIndicatorResult> | HealthIndicatorResult;
}

/** Execution settings any indicator can set (decorator, built-in options) or inherit from the module. @publicApi */
export interface IndicatorExecutionOptions {
  /** Time allowed for one run; past it the check is DOWN "timed out after N ms". Defaults to the module's `timeoutMs`. */
  timeoutMs?: number;
  /** Reuse a result for this long. `0` disables caching. Defaults to the module's `cacheTtlMs`. */
  cacheTtlMs?: number;
  /** Run the check in the background this often; probes answer from the latest result. `0` disables. */
  refreshIntervalMs?: number;
  /** Consecutive DOWN results needed before the reported status turns DOWN. @default 1 */
  failureThreshold?: number;
  /** Consecutive non-DOWN results needed before a DOWN check is reported recovered. @default 1 */
  successThreshold?: number;
  /**
   * A run that takes longer than this many milliseconds logs one WARN naming the check, its duration and this
   * threshold (whatever its status). `0` disables. Defaults to the module's `slowCheckMs`.
   * @default 0
   */
  slowCheckMs?: number;
}

/** Every execution setting, resolved: what the module's defaults, the resolved options and each registered indicator hold. */
export type ExecutionSettings = Required<IndicatorExecutionOptions>;

/**
 * The execution settings by name, in one list: defaults are applied, built-in sections handed to the registry and
 * settings reported by looping over it. A setting added to `IndicatorExecutionOptions` and not here fails to compile.
 */
export const EXECUTION_SETTINGS = [
  'timeoutMs',
  'cacheTtlMs',
  'refreshIntervalMs',
  'failureThreshold',
  'successThreshold',
  'slowCheckMs',
] as const satisfies readonly (keyof IndicatorExecutionOptions)[];

/** `true` only when `EXECUTION_SETTINGS` names every key of `IndicatorExecutionOptions`. */
type ListsEverySetting = Exclude<keyof IndicatorExecutionOptions, (typeof EXECUTION_SETTINGS)[number]> extends never ? true : false;
const listsEverySetting: ListsEverySetting = true;
void listsEverySetting;

/** Options of the `@HealthIndicator()` decorator and of every built-in indicator. @publicApi */
export interface HealthIndicatorOptions extends IndicatorExecutionOptions {
  /**
   * Probes the indicator takes part in. `[]` makes it route-scoped: in no probe (the pod stays ready while it
   * is DOWN), shown in the full report, gating only the routes that `@DependsOn()` it; it is refreshed in the
   * background (every 5000 ms unless `refreshIntervalMs` says otherwise). @default ['readiness']
   */
  probes?: Probe[];
  /** A DOWN critical check makes the probe DOWN (503); a DOWN non-critical one only DEGRADED. @default true */
  critical?: boolean;
  /** Labels a group can select the check by (`groups.<name>.include: ['tag:payments']`), matching `[a-z0-9][a-z0-9-_.]*`. @default [] */
  tags?: string[];
}

/** Metadata stored by `@HealthIndicator()`. */
export interface HealthIndicatorMetadata extends HealthIndicatorOptions {
  name: string;
}
