import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/** Readiness and liveness as the app sets them (`HealthService.setReadiness` / `setLiveness`). */
@Injectable()
export class ManualProbeState {
  /** Why readiness is refused; undefined while accepting. */
  readinessRefused?: string;
  /** Why liveness is broken; undefined while correct. */
  livenessBroken?: string;
  /** Emits after every `setReadiness` / `setLiveness`, so that watchers of a probe re-evaluate it. */
  readonly changed$ = new Subject<void>();

  setReadiness(state: 'accepting' | 'refusing', reason?: string): void {
    this.readinessRefused = state === 'refusing' ? reason || 'readiness set to refusing' : undefined;
    this.changed$.next();
  }

  setLiveness(state: 'correct' | 'broken', reason?: string): void {
    this.livenessBroken = state === 'broken' ? reason || 'liveness set to broken' : undefined;
    this.changed$.next();
  }
}
