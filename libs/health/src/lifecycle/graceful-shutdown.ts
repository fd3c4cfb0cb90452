import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthEvents } from '../execution/health-events.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';

/**
 * Graceful shutdown: readiness flips to SHUTTING_DOWN on the signal (or when Nest starts closing),
 * the app keeps serving for `drainDelayMs`, then Nest closes.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly signalListeners = new Map<string, () => void>();
  private signalReceived?: string;
  private shuttingDown = false;

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly events: HealthEvents,
  ) {}

  /** Why readiness answers SHUTTING_DOWN, or undefined while the app is not shutting down. */
  get reason(): string | undefined {
    if (!this.shuttingDown) return undefined;
    return this.signalReceived ? `received ${this.signalReceived}; draining` : 'application is shutting down';
  }

  onApplicationBootstrap(): void {
    this.listenForShutdownSignals();
  }

  /** Readiness turns SHUTTING_DOWN; after a shutdown signal the app keeps serving for `drainDelayMs`. */
  async onModuleDestroy(): Promise<void> {
    this.begin();
    if (this.signalReceived && this.options.shutdown.drainDelayMs > 0) {
      this.logger.log(`draining for ${this.options.shutdown.drainDelayMs} ms before shutdown`);
      await sleep(this.options.shutdown.drainDelayMs);
    }
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

  private begin(signal?: string): void {
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
      const listener = () => this.begin(signal);
      this.signalListeners.set(signal, listener);
      process.prependListener(signal as NodeJS.Signals, listener);
    }
  }
}
