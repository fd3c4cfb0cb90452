import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeyMatcher } from '../access/api-key-matcher.js';
import { HealthSimulationError } from '../errors/health-simulation.error.js';
import { HealthExecutor } from '../execution/health-executor.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { HealthLogEntry } from '../logging/health-log-entry.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { normalizeSimulation, simulationProblems, type ActiveSimulationView, type CheckSimulation, type SimulationRestore } from './check-simulation.js';

interface ActiveSimulation {
  indicator: RegisteredIndicator;
  view: ActiveSimulationView;
  timer: NodeJS.Timeout;
}

/**
 * The simulations in force, at most one per check. A simulation replaces the check's outcome in its
 * runner (the one place results enter the engine), so probes, groups, `/checks/:name`, metrics, gRPC
 * and logs see it as they see a real result; it ends by itself after `ttlMs`.
 */
@Injectable()
export class HealthSimulations implements OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private readonly active = new Map<string, ActiveSimulation>();
  /** The keys of the simulation routes (`simulation.apiKey`). */
  readonly keys: ApiKeyMatcher;

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
  ) {
    const apiKey = options.simulation?.apiKey;
    this.keys = new ApiKeyMatcher(apiKey === undefined ? [] : Array.isArray(apiKey) ? apiKey : [apiKey]);
  }

  /** `simulation.enabled` is true. */
  get enabled(): boolean {
    return this.options.simulation?.enabled === true;
  }

  /** The simulations in force, by check name. */
  list(): ActiveSimulationView[] {
    return [...this.active.values()].map((simulation) => simulation.view);
  }

  /** The simulation in force on a check, if any. */
  get(name: string): ActiveSimulationView | undefined {
    return this.active.get(name)?.view;
  }

  /**
   * Starts (or replaces) the simulation of a check; `force` skips the `simulation.enabled` test (the
   * `nest-vitals/testing` helpers, which run inside the test's own process). The simulated result is
   * in force when this returns. Throws `HealthSimulationError` when off, for an unknown check or a bad field.
   */
  start(name: string, simulation: CheckSimulation, force = false): SimulationRestore {
    if (!force && !this.enabled) {
      throw new HealthSimulationError(
        'simulation is off: set "simulation": { "enabled": true } in the HealthModule options to simulate check results',
        'disabled',
      );
    }
    const problems = simulationProblems(simulation);
    if (problems.length > 0) throw new HealthSimulationError(`invalid simulation of ${JSON.stringify(name)}: ${problems.join('; ')}`, 'invalid');
    const indicator = typeof name === 'string' ? this.registry.get(name) : undefined;
    if (!indicator) {
      const known = this.registry.all().map((entry) => entry.name);
      throw new HealthSimulationError(
        `no health check named ${JSON.stringify(String(name).slice(0, 100))}; known checks: ${known.length ? known.join(', ') : 'none'}`,
        'unknown-check',
      );
    }
    const { status, error, ttlMs } = normalizeSimulation(simulation);
    this.clear(name);
    const view: ActiveSimulationView = { check: name, status, ...(error === undefined ? {} : { error }), endsAt: new Date(Date.now() + ttlMs).toISOString() };
    const timer = setTimeout(() => void this.end(name, 'its ttlMs elapsed'), ttlMs);
    timer.unref();
    const entry: ActiveSimulation = { indicator, view, timer };
    this.active.set(name, entry);
    this.logger.warn(new HealthLogEntry('health check simulation started', { check: name, status, ttlMs, reason: error }));
    this.executor.runner(indicator).simulate({ status, ...(error === undefined ? {} : { error }) });
    return async () => {
      if (this.active.get(name) === entry) await this.end(name, 'restore() was called');
    };
  }

  /** Ends the simulation of a check; resolves once its real result is back. False when none was in force. */
  async end(name: string, why = 'it was ended'): Promise<boolean> {
    const entry = this.active.get(name);
    if (!entry) return false;
    this.clear(name);
    this.logger.log(new HealthLogEntry('health check simulation ended', { check: name, reason: why }));
    // An unregistered check has no runner left to bring back.
    if (!entry.indicator.retired) await this.executor.runner(entry.indicator).endSimulation();
    return true;
  }

  onModuleDestroy(): void {
    for (const name of [...this.active.keys()]) this.clear(name);
  }

  private clear(name: string): void {
    const entry = this.active.get(name);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.active.delete(name);
  }
}
