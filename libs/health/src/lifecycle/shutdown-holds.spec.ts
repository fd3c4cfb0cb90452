import { describe, expect, it } from '@jest/globals';
import { describeHolds, ShutdownHolds } from './shutdown-holds.js';

describe('ShutdownHolds', () => {
  it('lists pending holds oldest first; release() is idempotent and releases only its own hold', () => {
    const holds = new ShutdownHolds();
    const job = holds.hold('import job 42');
    const flushA = holds.hold('flush metrics');
    holds.hold('flush metrics');
    expect(holds.pending).toEqual(['import job 42', 'flush metrics', 'flush metrics']);
    flushA();
    flushA();
    expect(holds.pending).toEqual(['import job 42', 'flush metrics']);
    job();
    expect(holds.pending).toEqual(['flush metrics']);
  });

  it('released() resolves once every hold, including one taken while waiting, is released, and reports each release', async () => {
    const holds = new ShutdownHolds();
    const first = holds.hold('first');
    const releases: string[] = [];
    let done = false;
    const waiting = holds.released((reason, left) => releases.push(`${reason} -> [${left.join(', ')}]`)).then(() => (done = true));
    const late = holds.hold('late');
    first();
    await Promise.resolve();
    await Promise.resolve();
    expect(done).toBe(false);
    late();
    await waiting;
    expect(releases).toEqual(['first -> [late]', 'late -> []']);
  });

  it('released() resolves at once without holds', async () => {
    await expect(new ShutdownHolds().released(() => undefined)).resolves.toBeUndefined();
  });

  it('rejects a reason that is not a non-empty string, naming the method', () => {
    expect(() => new ShutdownHolds().hold('  ')).toThrow(
      'HealthService.holdShutdown(reason): reason must be a non-empty string naming the work, such as "import job 42"; got "  "',
    );
    expect(() => new ShutdownHolds().hold(undefined as unknown as string)).toThrow(/got undefined$/);
  });

  it('describes holds with their count', () => {
    expect(describeHolds(['import job 42'])).toBe('1 hold: "import job 42"');
    expect(describeHolds(['import job 42', 'flush metrics'])).toBe('2 holds: "import job 42", "flush metrics"');
  });
});
