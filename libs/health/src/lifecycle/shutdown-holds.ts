import { Injectable } from '@nestjs/common';

/** Releases a shutdown hold; calling it again does nothing. @publicApi */
export type ShutdownHoldRelease = () => void;

/**
 * Work that shutdown waits for after the drain delay (`HealthService.holdShutdown`): a job in
 * progress, a flush. Each hold is one entry, released once.
 */
@Injectable()
export class ShutdownHolds {
  private readonly holds = new Set<{ reason: string }>();
  private changed?: () => void;

  /** Reasons of the holds not released yet, oldest first. */
  get pending(): string[] {
    return [...this.holds].map((hold) => hold.reason);
  }

  hold(reason: string): ShutdownHoldRelease {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new TypeError(
        `HealthService.holdShutdown(reason): reason must be a non-empty string naming the work, such as "import job 42"; got ${JSON.stringify(reason)}`,
      );
    }
    const hold = { reason };
    this.holds.add(hold);
    this.changed?.();
    return () => {
      if (this.holds.delete(hold)) this.changed?.();
    };
  }

  /** Resolves once no hold is left; `onRelease` hears of every release while it waits. */
  async released(onRelease: (reason: string, pending: string[]) => void): Promise<void> {
    let before = this.pending;
    while (this.holds.size > 0) {
      await new Promise<void>((resolve) => (this.changed = resolve));
      const now = this.pending;
      for (const reason of before) if (!now.includes(reason)) onRelease(reason, now);
      before = now;
    }
    this.changed = undefined;
  }
}

/** `2 holds: "import job 42", "flush metrics"`. */
export function describeHolds(reasons: string[]): string {
  return `${reasons.length} ${reasons.length === 1 ? 'hold' : 'holds'}: ${reasons.map((reason) => JSON.stringify(reason)).join(', ')}`;
}
