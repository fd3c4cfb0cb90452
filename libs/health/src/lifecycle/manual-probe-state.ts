import { Injectable } from '@nestjs/common';

/** Readiness and liveness as the app sets them (`HealthService.setReadiness` / `setLiveness`). */
@Injectable()
export class ManualProbeState {
  /** Why readiness is refused; undefined while accepting. */
  readinessRefused?: string;
  /** Why liveness is broken; undefined while correct. */
  livenessBroken?: string;

  setReadiness(state: 'accepting' | 'refusing', reason?: string): void {
    this.readinessRefused = state === 'refusing' ? reason || 'readiness set to refusing' : undefined;
  }

  setLiveness(state: 'correct' | 'broken', reason?: string): void {
    this.livenessBroken = state === 'broken' ? reason || 'liveness set to broken' : undefined;
  }
}
