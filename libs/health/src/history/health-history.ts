import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { HealthEvents } from '../execution/health-events.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import { RunRing, type CheckRunRecord } from './run-ring.js';

/** What the status page shows of a check's past: its last runs and when its status last changed. */
export interface CheckHistoryView {
  /** The last runs (at most `HEALTH_DEFAULTS.historyRuns`), oldest first. */
  runs: CheckRunRecord[];
  /** The status the check changed to last (its first result counts), and when (ISO 8601). */
  since?: { status: HealthStatus; at: string };
}

interface CheckHistory {
  ring: RunRing;
  since?: { status: HealthStatus; at: string };
}

/**
 * The recent history of every check, in memory and bounded: a ring of the last runs per check
 * (real runs only, from requests and background refresh alike) and the time of its last transition.
 */
@Injectable()
export class HealthHistory implements OnModuleInit, OnModuleDestroy {
  private readonly checks = new Map<string, CheckHistory>();
  private readonly subscription = new Subscription();

  constructor(private readonly events: HealthEvents) {}

  onModuleInit(): void {
    this.subscription.add(
      this.events.runs$.subscribe(({ name, result }) => {
        this.historyOf(name).ring.push({ status: result.status, at: Date.now(), durationMs: result.durationMs });
      }),
    );
    this.subscription.add(
      this.events.changes$.subscribe((change) => {
        if (change.kind === 'check') this.historyOf(change.name).since = { status: change.to, at: change.at };
      }),
    );
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  /** The history of a check, or `undefined` when it never ran. */
  of(name: string): CheckHistoryView | undefined {
    const history = this.checks.get(name);
    return history && { runs: history.ring.runs(), since: history.since };
  }

  private historyOf(name: string): CheckHistory {
    let history = this.checks.get(name);
    if (!history) {
      history = { ring: new RunRing(HEALTH_DEFAULTS.historyRuns) };
      this.checks.set(name, history);
    }
    return history;
  }
}
