import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthEvents } from '../execution/health-events.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { DrainingConnections } from './draining-connections.js';
import { ShutdownHookTracker } from './shutdown-hook-tracker.js';
import { describeHolds, ShutdownHolds } from './shutdown-holds.js';

/** A task that runs once the app has closed (its HTTP server and every `onModuleDestroy` / `beforeApplicationShutdown`). */
export type AfterAppClosedTask = () => void | Promise<void>;

/**
 * Graceful shutdown, in this order:
 * 1. the signal (or Nest starting to close): readiness turns SHUTTING_DOWN, every response of the app's
 *    HTTP server carries `Connection: close`, and the `shutdown.timeoutMs` timer is armed (signal only);
 * 2. `onModuleDestroy`: the app keeps serving for what is left of `drainDelayMs` after the signal,
 *    then waits until every shutdown hold is released;
 * 3. Nest closes the HTTP server (idle keep-alive connections close, in-flight requests finish);
 * 4. `onApplicationShutdown`: the app has closed; the tasks registered with `afterAppClosed` run
 *    (what must outlive the app, such as a probe server, closes here).
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly signalListeners = new Map<string, () => void>();
  private readonly afterAppClosedTasks: AfterAppClosedTask[] = [];
  private signalReceived?: string;
  private signalAt = 0;
  private shuttingDown = false;
  private phase: 'draining' | 'holding' | 'closing' = 'draining';

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly events: HealthEvents,
    private readonly connections: DrainingConnections,
    private readonly holds: ShutdownHolds,
    private readonly hooks: ShutdownHookTracker,
  ) {}

  /** Why readiness answers SHUTTING_DOWN, or undefined while the app is not shutting down. */
  get reason(): string | undefined {
    if (!this.shuttingDown) return undefined;
    const cause = this.signalReceived ? `received ${this.signalReceived}` : 'application is shutting down';
    const pending = this.holds.pending;
    if (this.phase === 'holding' && pending.length > 0) return `${cause}; waiting for ${describeHolds(pending)}`;
    if (this.phase === 'draining' && this.signalReceived) return `${cause}; draining${pending.length > 0 ? `; ${describeHolds(pending)}` : ''}`;
    return cause;
  }

  /** Registers a task for step 4, after the app has closed. */
  afterAppClosed(task: AfterAppClosedTask): void {
    this.afterAppClosedTasks.push(task);
  }

  onApplicationBootstrap(): void {
    this.listenForShutdownSignals();
  }

  /** The drain (what is left of `drainDelayMs` after the signal), then the shutdown holds. */
  async onModuleDestroy(): Promise<void> {
    this.begin();
    const drainLeftMs = this.signalReceived ? this.options.shutdown.drainDelayMs - (performance.now() - this.signalAt) : 0;
    if (drainLeftMs > 0) {
      this.logger.log(`draining for ${this.options.shutdown.drainDelayMs} ms before shutdown`);
      await sleep(drainLeftMs);
    }
    const pending = this.holds.pending;
    if (pending.length > 0) {
      this.phase = 'holding';
      this.logger.log(`waiting for ${describeHolds(pending)}`);
      await this.holds.released((reason, left) =>
        this.logger.log(
          left.length > 0
            ? `hold ${JSON.stringify(reason)} released; waiting for ${describeHolds(left)}`
            : `hold ${JSON.stringify(reason)} released; no hold left`,
        ),
      );
    }
    this.phase = 'closing';
    this.connections.closeIdleUntilClosed();
  }

  /**
   * A context made by `NestFactory.createApplicationContext` is bootstrapped before the app can call
   * `enableShutdownHooks()`, so no listener of ours saw the signal: Nest names it here, and the drain
   * happens here (readiness has said SHUTTING_DOWN since `onModuleDestroy`; no server of the app is closed yet).
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    for (const [name, listener] of this.signalListeners) process.removeListener(name, listener);
    this.signalListeners.clear();
    if (signal && !this.signalReceived && this.options.shutdown.signals.includes(signal) && this.options.shutdown.drainDelayMs > 0) {
      this.signalReceived = signal;
      this.logger.log(`draining for ${this.options.shutdown.drainDelayMs} ms before shutdown`);
      await sleep(this.options.shutdown.drainDelayMs);
    }
  }

  /** Step 4: Nest has closed the HTTP server; what must outlive the app closes now. */
  async onApplicationShutdown(): Promise<void> {
    this.connections.end();
    for (const task of this.afterAppClosedTasks.splice(0)) await task();
  }

  private begin(signal?: string): void {
    if (signal && !this.signalReceived) {
      this.signalReceived = signal;
      this.signalAt = performance.now();
      this.armTimeout(signal);
    }
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.connections.begin();
    this.events.probeStatus('readiness', 'SHUTTING_DOWN', signal ? `received ${signal}` : 'application is shutting down');
  }

  /** Past `shutdown.timeoutMs` after the signal: one ERROR line naming what is pending, then exit code 1. */
  private armTimeout(signal: string): void {
    const timeoutMs = this.options.shutdown.timeoutMs;
    if (timeoutMs === undefined) return;
    this.hooks.track(new Set([this]));
    const timer = setTimeout(() => {
      const pending = [...this.holds.pending.map((reason) => `hold ${JSON.stringify(reason)}`), ...this.hooks.pending];
      const what = pending.length > 0 ? `still pending: ${pending.join(', ')}` : 'no hold or shutdown hook is pending; something else keeps the process alive';
      this.logger.error(`shutdown did not finish within shutdown.timeoutMs (${timeoutMs} ms after ${signal}); ${what}; exiting with code 1`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
  }

  /**
   * With `app.enableShutdownHooks()`, Nest listens for the signals; we listen too, first, so that
   * readiness flips the moment the signal arrives. Without shutdown hooks we add no listener: a
   * listener of ours would stop the signal from ending the process. A second signal during the
   * drain changes nothing: the drain and the timeout run from the first.
   */
  private listenForShutdownSignals(): void {
    for (const signal of this.options.shutdown.signals) {
      if (process.listenerCount(signal) === 0 || this.signalListeners.has(signal)) continue;
      const listener = () => this.begin(signal);
      this.signalListeners.set(signal, listener);
      process.prependListener(signal as NodeJS.Signals, listener);
    }
  }
}
