import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { HealthEvents, type HealthStatusChange } from '../execution/health-events.js';
import { redact } from '../redaction/redactor.js';
import { isNotableTransition } from '../status/notable-transition.js';

/** A logfmt value: bare when it is a plain token, else a JSON string (quotes and newlines escaped). */
function logfmtValue(value: string | number): string {
  const text = String(value);
  return /^[A-Za-z0-9_.:/@+-]+$/.test(text) ? text : JSON.stringify(text);
}

/**
 * One structured (logfmt) line for a transition, e.g.
 * `health check transition check=payments from=UP to=DOWN durationMs=1001 reason="timed out after 1000 ms"`.
 */
export function formatTransition(change: HealthStatusChange): string {
  const fields: [string, string | number | undefined][] = [
    [change.kind, change.name],
    ['from', change.from ?? 'NONE'],
    ['to', change.to],
    ['durationMs', change.durationMs],
    ['reason', change.reason === undefined ? undefined : redact(change.reason)],
  ];
  const pairs = fields.filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${logfmtValue(value!)}`);
  return `health ${change.kind} transition ${pairs.join(' ')}`;
}

/**
 * Logs each status transition of a check or a probe once, through Nest's logger: WARN when it
 * leaves UP or stays unhealthy, LOG when it becomes UP again. A first result that is UP is not logged.
 */
@Injectable()
export class TransitionLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private subscription?: Subscription;

  constructor(private readonly events: HealthEvents) {}

  onModuleInit(): void {
    this.subscription = this.events.changes$.subscribe((change) => {
      if (!isNotableTransition(change)) return;
      if (change.to === 'UP') this.logger.log(formatTransition(change));
      else this.logger.warn(formatTransition(change));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
