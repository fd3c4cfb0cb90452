import { CHECK_STATUSES, type CheckStatus } from '../interfaces/health-status.interface.js';

/** One real run of a check, as the history keeps it. */
export interface CheckRunRecord {
  status: CheckStatus;
  /** When the run finished, epoch milliseconds. */
  at: number;
  durationMs: number;
}

/**
 * The last `capacity` runs of one check, oldest overwritten first. Kept in typed arrays (about 13 bytes
 * a run), so a check's history costs the same small, fixed heap however long the app runs.
 */
export class RunRing {
  private readonly times: Float64Array;
  private readonly durations: Uint32Array;
  private readonly statuses: Uint8Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.durations = new Uint32Array(capacity);
    this.statuses = new Uint8Array(capacity);
  }

  push(run: CheckRunRecord): void {
    this.times[this.next] = run.at;
    this.durations[this.next] = Math.min(Math.max(0, Math.round(run.durationMs)), 0xffffffff);
    this.statuses[this.next] = CHECK_STATUSES.indexOf(run.status);
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The runs kept, oldest first. */
  runs(): CheckRunRecord[] {
    const runs: CheckRunRecord[] = [];
    const first = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const index = (first + i) % this.capacity;
      runs.push({ status: CHECK_STATUSES[this.statuses[index]], at: this.times[index], durationMs: this.durations[index] });
    }
    return runs;
  }
}
