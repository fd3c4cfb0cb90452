/**
 * Flap damping: the reported status turns DOWN only after `failureThreshold` consecutive DOWN
 * results, and back from DOWN only after `successThreshold` consecutive non-DOWN results.
 * The first result is reported as it is.
 */
export class StatusDamper {
    failureThreshold;
    successThreshold;
    reported;
    consecutiveFailures = 0;
    consecutiveSuccesses = 0;
    constructor(failureThreshold, successThreshold) {
        this.failureThreshold = failureThreshold;
        this.successThreshold = successThreshold;
    }
    get status() {
        return this.reported;
    }
    /** DOWN results seen in a row that have not (yet) changed the reported status. */
    get pendingFailures() {
        return this.reported === 'DOWN' ? 0 : this.consecutiveFailures;
    }
    /** Non-DOWN results seen in a row while the reported status is still DOWN. */
    get pendingSuccesses() {
        return this.reported === 'DOWN' ? this.consecutiveSuccesses : 0;
    }
    /** Feeds one raw result; returns the status to report. */
    next(raw) {
        if (raw === 'DOWN') {
            this.consecutiveFailures++;
            this.consecutiveSuccesses = 0;
        }
        else {
            this.consecutiveSuccesses++;
            this.consecutiveFailures = 0;
        }
        if (this.reported === undefined) {
            this.reported = raw;
        }
        else if (raw === 'DOWN') {
            if (this.consecutiveFailures >= this.failureThreshold)
                this.reported = 'DOWN';
        }
        else if (this.reported !== 'DOWN' || this.consecutiveSuccesses >= this.successThreshold) {
            this.reported = raw;
        }
        return this.reported;
    }
}
//# sourceMappingURL=status-damper.js.map