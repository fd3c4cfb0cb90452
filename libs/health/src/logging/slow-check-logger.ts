import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { HealthEvents, type HealthCheckRun } from '../execution/health-events.js';
import { HealthLogEntry } from './health-log-entry.js';

/**
 * The log entry of a slow run: `msg` `health check slow` and the fields `check`, `durationMs`,
 * `slowCheckMs` (the threshold) and `status`.
 */
export function slowCheckEntry({ name, result }: HealthCheckRun, slowCheckMs: number): HealthLogEntry {
  return new HealthLogEntry('health check slow', { check: name, durationMs: result.durationMs, slowCheckMs, status: result.status });
}

/** Logs one WARN for each real run of a check that took longer than its `slowCheckMs`. */
@Injectable()
export class SlowCheckLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private subscription?: Subscription;

  constructor(private readonly events: HealthEvents) {}

  onModuleInit(): void {
    this.subscription = this.events.runs$.subscribe((run) => {
      const { slowCheckMs } = run.indicator;
      if (slowCheckMs > 0 && run.result.durationMs > slowCheckMs) this.logger.warn(slowCheckEntry(run, slowCheckMs));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
