import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { HealthEvents, type HealthStatusChange } from '../execution/health-events.js';
import { redact } from '../redaction/redactor.js';
import { isNotableTransition } from '../status/notable-transition.js';
import { HealthLogEntry } from './health-log-entry.js';

/**
 * The log entry of a transition: `msg` `health check transition` (or `health probe transition`) and the fields
 * `check` (or `probe`), `from` (`NONE` for a first result), `to`, `durationMs`, the redacted `reason`, and
 * `simulated=true` when the new status comes from a simulation.
 */
export function transitionEntry(change: HealthStatusChange): HealthLogEntry {
  return new HealthLogEntry(`health ${change.kind} transition`, {
    [change.kind]: change.name,
    from: change.from ?? 'NONE',
    to: change.to,
    durationMs: change.durationMs,
    reason: change.reason === undefined ? undefined : redact(change.reason),
    simulated: change.simulated === true ? true : undefined,
  });
}

/**
 * One structured (logfmt) line for a transition, e.g.
 * `health check transition check=payments from=UP to=DOWN durationMs=1001 reason="timed out after 1000 ms"`.
 */
export function formatTransition(change: HealthStatusChange): string {
  return transitionEntry(change).toString();
}

/**
 * Logs each status transition of a check or a probe once, through Nest's logger, as an entry with
 * fields (`HealthLogEntry`): WARN when it leaves UP or stays unhealthy, LOG when it becomes UP again.
 * A first result that is UP is not logged.
 */
@Injectable()
export class TransitionLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private subscription?: Subscription;

  constructor(private readonly events: HealthEvents) {}

  onModuleInit(): void {
    this.subscription = this.events.changes$.subscribe((change) => {
      if (!isNotableTransition(change)) return;
      if (change.to === 'UP') this.logger.log(transitionEntry(change));
      else this.logger.warn(transitionEntry(change));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
