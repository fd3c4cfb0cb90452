import type { CheckStatus } from '../interfaces/health-status.interface.js';

/**
 * Flap damping: the reported status turns DOWN only after `failureThreshold` consecutive DOWN
 * results, and back from DOWN only after `successThreshold` consecutive non-DOWN results.
 * The first result is reported as it is.
 */
export class StatusDamper {
  private reported?: CheckStatus;
  private consecutiveFailures = 0;
  private consecutiveSuccesses = 0;
  /** Set by `reset()`: the next result is reported as it is. */
  private restart = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly successThreshold: number,
  ) {}

  get status(): CheckStatus | undefined {
    return this.reported;
  }

  /** DOWN results seen in a row that have not (yet) changed the reported status. */
  get pendingFailures(): number {
    return this.reported === 'DOWN' ? 0 : this.consecutiveFailures;
  }

  /** Non-DOWN results seen in a row while the reported status is still DOWN. */
  get pendingSuccesses(): number {
    return this.reported === 'DOWN' ? this.consecutiveSuccesses : 0;
  }

  /** Feeds one raw result; returns the status to report. */
  next(raw: CheckStatus): CheckStatus {
    if (raw === 'DOWN') {
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
    } else {
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
    }
    if (this.reported === undefined || this.restart) {
      this.restart = false;
      this.reported = raw;
    } else if (raw === 'DOWN') {
      if (this.consecutiveFailures >= this.failureThreshold) this.reported = 'DOWN';
    } else if (this.reported !== 'DOWN' || this.consecutiveSuccesses >= this.successThreshold) {
      this.reported = raw;
    }
    return this.reported;
  }

  /** Reports `status` at once, whatever came before (a simulation); the counts start over. */
  force(status: CheckStatus): CheckStatus {
    this.reported = status;
    this.restart = false;
    this.consecutiveFailures = 0;
    this.consecutiveSuccesses = 0;
    return status;
  }

  /** Forgets the results seen so far: the next one is reported as it is, like a first result (`status` stays until then). */
  reset(): void {
    this.restart = true;
    this.consecutiveFailures = 0;
    this.consecutiveSuccesses = 0;
  }
}
