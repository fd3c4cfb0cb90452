import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { HealthCheckResult, HealthStatus, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';

/** A change of a check's or a probe's reported status. @publicApi */
export interface HealthStatusChange {
  kind: 'check' | 'probe';
  /** Check name, or probe (`liveness`, `readiness`, `startup`, `all`, or `group:<name>` for a health group). */
  name: string;
  /** `undefined` for the first status ever reported. */
  from: HealthStatus | undefined;
  to: HealthStatus;
  reason?: string;
  durationMs?: number;
  at: string;
  /** True when the check's new status comes from a simulation (`HealthService.simulate`). */
  simulated?: boolean;
}

/** What a probe status is recorded under: a probe, `all`, or `group:<name>`. */
export type ReportedProbe = ProbeSelector | `group:${string}`;

/** One real run of a check (not a cache hit): what metrics count. */
export interface HealthCheckRun {
  name: string;
  result: HealthCheckResult;
  /** The check's settings (`slowCheckMs`, `critical`, ...). */
  indicator: RegisteredIndicator;
}

/** The module's internal event streams: every real run, and every status change. */
@Injectable()
export class HealthEvents implements OnModuleDestroy {
  readonly runs$ = new Subject<HealthCheckRun>();
  readonly changes$ = new Subject<HealthStatusChange>();
  /** Names of checks removed by `unregister()`: their metric series go with them. */
  readonly removed$ = new Subject<string>();
  private readonly lastProbeStatus = new Map<ReportedProbe, HealthStatus>();

  /** Records a probe's (or group's) status and emits a change when it differs from the last one. */
  probeStatus(probe: ReportedProbe, status: HealthStatus, reason?: string): void {
    const previous = this.lastProbeStatus.get(probe);
    if (previous === status) return;
    this.lastProbeStatus.set(probe, status);
    this.changes$.next({ kind: 'probe', name: probe, from: previous, to: status, reason, at: new Date().toISOString() });
  }

  onModuleDestroy(): void {
    this.runs$.complete();
    this.removed$.complete();
    this.changes$.complete();
  }
}
