import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthEvents } from '../execution/health-events.js';
import { HealthExecutor } from '../execution/health-executor.js';
import { InjectHealthOptions } from '../health.module-definition.js';
import type { HealthCheckResult, HealthStatus, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { aggregateStatus } from '../status/status-aggregator.js';

/** How often startup indicators are retried in the background until they pass. */
const STARTUP_RETRY_MS = 1000;

/** A lifecycle state that answers a probe without running its checks. */
export interface LifecycleGate {
  status: HealthStatus;
  reason: string;
}

/**
 * The app's lifecycle as probes see it: the startup gate (bootstrap finished and startup
 * indicators passed once), manual readiness/liveness, and graceful shutdown (readiness flips
 * to SHUTTING_DOWN on the signal, the app keeps serving for `drainDelayMs`, then Nest closes).
 */
@Injectable()
export class HealthLifecycle implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private bootstrapped = false;
  private startupPassed = false;
  private shuttingDown = false;
  private signalReceived?: string;
  private readiness?: string;
  private liveness?: string;
  private startupRetry?: NodeJS.Timeout;
  private readonly signalListeners = new Map<string, () => void>();

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly executor: HealthExecutor,
    private readonly events: HealthEvents,
  ) {}

  get started(): boolean {
    return this.bootstrapped && this.startupPassed;
  }

  onApplicationBootstrap(): void {
    this.bootstrapped = true;
    this.executor.startRefresh(this.registry.all());
    this.listenForShutdownSignals();
    void this.runStartupChecks();
  }

  /** Runs the startup checks (for a startup probe, and as the background retry); latches once they pass. */
  async runStartupChecks(): Promise<Record<string, HealthCheckResult>> {
    const results = await this.executor.results(this.registry.forProbe('startup'));
    if (!this.startupPassed && aggregateStatus(Object.values(results)) !== 'DOWN') {
      this.startupPassed = true;
      clearTimeout(this.startupRetry);
    } else if (!this.startupPassed && !this.shuttingDown) {
      clearTimeout(this.startupRetry);
      this.startupRetry = setTimeout(() => void this.runStartupChecks(), STARTUP_RETRY_MS);
      this.startupRetry.unref();
    }
    return results;
  }

  /** The state that answers this probe without running checks, if any. */
  gate(selector: ProbeSelector): LifecycleGate | undefined {
    if (selector === 'liveness') {
      return this.liveness === undefined ? undefined : { status: 'DOWN', reason: this.liveness };
    }
    if (selector === 'startup') {
      return this.bootstrapped ? undefined : { status: 'STARTING', reason: 'application bootstrap has not finished' };
    }
    if (this.shuttingDown) {
      return { status: 'SHUTTING_DOWN', reason: this.signalReceived ? `received ${this.signalReceived}; draining` : 'application is shutting down' };
    }
    if (!this.started) {
      return {
        status: 'STARTING',
        reason: this.bootstrapped ? 'startup checks have not passed yet' : 'application bootstrap has not finished',
      };
    }
    if (this.readiness !== undefined) return { status: 'DOWN', reason: this.readiness };
    return undefined;
  }

  setReadiness(state: 'accepting' | 'refusing', reason?: string): void {
    this.readiness = state === 'refusing' ? reason || 'readiness set to refusing' : undefined;
  }

  setLiveness(state: 'correct' | 'broken', reason?: string): void {
    this.liveness = state === 'broken' ? reason || 'liveness set to broken' : undefined;
  }

  /** Readiness turns SHUTTING_DOWN; after a shutdown signal the app keeps serving for `drainDelayMs`. */
  async onModuleDestroy(): Promise<void> {
    this.beginShutdown();
    clearTimeout(this.startupRetry);
    if (this.signalReceived && this.options.shutdown.drainDelayMs > 0) {
      this.logger.log(`draining for ${this.options.shutdown.drainDelayMs} ms before shutdown`);
      await sleep(this.options.shutdown.drainDelayMs);
    }
  }

  beforeApplicationShutdown(): void {
    for (const [signal, listener] of this.signalListeners) process.removeListener(signal, listener);
    this.signalListeners.clear();
  }

  private beginShutdown(signal?: string): void {
    if (signal && !this.signalReceived) this.signalReceived = signal;
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.events.probeStatus('readiness', 'SHUTTING_DOWN', signal ? `received ${signal}` : 'application is shutting down');
  }

  /**
   * With `app.enableShutdownHooks()`, Nest listens for the signals; we listen too, first, so that
   * readiness flips the moment the signal arrives. Without shutdown hooks we add no listener: a
   * listener of ours would stop the signal from ending the process.
   */
  private listenForShutdownSignals(): void {
    for (const signal of this.options.shutdown.signals) {
      if (process.listenerCount(signal) === 0 || this.signalListeners.has(signal)) continue;
      const listener = () => this.beginShutdown(signal);
      this.signalListeners.set(signal, listener);
      process.prependListener(signal as NodeJS.Signals, listener);
    }
  }
}
