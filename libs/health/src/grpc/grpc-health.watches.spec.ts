import { describe, expect, it } from '@jest/globals';
import { Subject } from 'rxjs';
import type { HealthStatusChange } from '../execution/health-events.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';
import { ServingStatus } from './grpc-health.codec.js';
import { healthTargetOf } from './grpc-health.status.js';
import { HealthWatches, type WatchStream } from './grpc-health.watches.js';

/** Watches over a scripted engine: each evaluation waits until the test settles it. */
function setup() {
  const changes$ = new Subject<HealthStatusChange>();
  const lifecycle$ = new Subject<void>();
  const pending: { service: string; settle: (status: ServingStatus) => void }[] = [];
  const watches = new HealthWatches({
    evaluate: (service) => new Promise((resolve) => pending.push({ service, settle: resolve })),
    targetOf: healthTargetOf,
    includes: (target, check) => target.kind === 'probe' && target.probe === 'readiness' && check === 'db',
    changes$,
    lifecycle$,
    intervalMs: 60_000,
  });
  watches.start();
  const stream = () => {
    const recorded = { sent: [] as ServingStatus[], ended: false };
    const handle: WatchStream = { send: (status) => recorded.sent.push(status), end: () => (recorded.ended = true) };
    return { recorded, handle };
  };
  const change = (kind: 'check' | 'probe', name: string, to: HealthStatus) => changes$.next({ kind, name, from: undefined, to, at: '' });
  const settleAll = async (status: ServingStatus) => {
    for (const evaluation of pending.splice(0)) evaluation.settle(status);
    await Promise.resolve();
    await Promise.resolve();
  };
  return { watches, pending, stream, change, lifecycle$, settleAll };
}

describe('HealthWatches', () => {
  it('sends the status at once, with one evaluation for every stream of a service', async () => {
    const { watches, pending, stream, settleAll } = setup();
    const [a, b] = [stream(), stream()];
    watches.add('', a.handle);
    watches.add('', b.handle);
    expect(pending.map((evaluation) => evaluation.service)).toEqual(['']);
    await settleAll(ServingStatus.SERVING);
    // The second stream joined during the first evaluation: one more evaluation, no repeated message.
    await settleAll(ServingStatus.SERVING);
    expect([a.recorded.sent, b.recorded.sent]).toEqual([[ServingStatus.SERVING], [ServingStatus.SERVING]]);
    watches.close();
  });

  it("sends a check's transition without running it again, and re-evaluates only the probes that include it", async () => {
    const { watches, pending, stream, change, settleAll } = setup();
    const [check, readiness, liveness] = [stream(), stream(), stream()];
    watches.add('db', check.handle);
    watches.add('', readiness.handle);
    watches.add('liveness', liveness.handle);
    await settleAll(ServingStatus.SERVING);

    change('check', 'db', 'DOWN');
    expect(check.recorded.sent).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    expect(pending.map((evaluation) => evaluation.service)).toEqual(['']);
    await settleAll(ServingStatus.NOT_SERVING);
    expect(readiness.recorded.sent).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    expect(liveness.recorded.sent).toEqual([ServingStatus.SERVING]);

    change('check', 'db', 'DEGRADED');
    change('check', 'db', 'UP');
    expect(check.recorded.sent).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING]);
    watches.close();
  });

  it('an evaluation begun before a transition does not send its older status after it', async () => {
    const { watches, pending, stream, change } = setup();
    const check = stream();
    watches.add('db', check.handle);
    const stale = pending.shift()!;
    change('check', 'db', 'DOWN');
    stale.settle(ServingStatus.SERVING);
    await Promise.resolve();
    await Promise.resolve();
    expect(check.recorded.sent).toEqual([ServingStatus.NOT_SERVING]);
    watches.close();
  });

  it('re-evaluates probes on a lifecycle change and on their own probe change, not on a change it already sent', async () => {
    const { watches, pending, stream, change, lifecycle$, settleAll } = setup();
    const readiness = stream();
    watches.add('readiness', readiness.handle);
    await settleAll(ServingStatus.NOT_SERVING);
    lifecycle$.next();
    expect(pending).toHaveLength(1);
    await settleAll(ServingStatus.SERVING);
    change('probe', 'readiness', 'UP');
    expect(pending).toHaveLength(0);
    change('probe', 'readiness', 'SHUTTING_DOWN');
    expect(pending).toHaveLength(1);
    await settleAll(ServingStatus.NOT_SERVING);
    expect(readiness.recorded.sent).toEqual([ServingStatus.NOT_SERVING, ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    watches.close();
  });

  it('close() ends every stream; a stream added after it is ended at once; a removed stream gets nothing more', async () => {
    const { watches, stream, change, settleAll } = setup();
    const [kept, removed] = [stream(), stream()];
    watches.add('db', kept.handle);
    const stop = watches.add('db', removed.handle);
    await settleAll(ServingStatus.SERVING);
    stop();
    change('check', 'db', 'DOWN');
    expect(removed.recorded.sent).toEqual([ServingStatus.SERVING]);
    watches.close();
    expect([kept.recorded.ended, removed.recorded.ended]).toEqual([true, false]);
    const late = stream();
    watches.add('db', late.handle);
    expect(late.recorded).toEqual({ sent: [], ended: true });
  });
});
