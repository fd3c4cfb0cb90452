import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import { HealthExecutor } from '../execution/health-executor.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { aggregateStatus } from '../status/status-aggregator.js';

/** How often startup indicators are retried in the background until they pass. */
const STARTUP_RETRY_MS = 1000;

/** Where the app is in starting: bootstrap running, startup checks not passed yet, or started (latched). */
export type StartupState = 'bootstrapping' | 'checking' | 'started';

/**
 * The startup gate: open once bootstrap has finished and the startup indicators have passed once.
 * Only its own background run (at bootstrap, then every second until they pass) latches it; a probe
 * reads the state and never advances it.
 */
@Injectable()
export class StartupGate implements OnApplicationBootstrap, OnModuleDestroy {
  private bootstrapped = false;
  private passed = false;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  /** Milliseconds from the start of the process to the end of Nest's bootstrap (`onApplicationBootstrap`), once known. */
  bootstrapMs?: number;
  /** Milliseconds from the start of the process to the opening of the gate, once open. */
  startedMs?: number;
  /** Emits when `state` changes, so that watchers of a probe re-evaluate it. */
  readonly changed$ = new Subject<void>();

  constructor(
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
  ) {}

  get state(): StartupState {
    if (!this.bootstrapped) return 'bootstrapping';
    return this.passed ? 'started' : 'checking';
  }

  onApplicationBootstrap(): void {
    this.bootstrapMs = Math.round(performance.now());
    this.bootstrapped = true;
    this.changed$.next();
    void this.runStartupChecks();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private async runStartupChecks(): Promise<void> {
    const results = await this.executor.results(this.registry.forProbe('startup'));
    if (this.passed || this.stopped) return;
    if (aggregateStatus(Object.values(results)) !== 'DOWN') {
      this.passed = true;
      this.startedMs = Math.round(performance.now());
      this.changed$.next();
      return;
    }
    this.retry = setTimeout(() => void this.runStartupChecks(), STARTUP_RETRY_MS);
    this.retry.unref();
  }
}
