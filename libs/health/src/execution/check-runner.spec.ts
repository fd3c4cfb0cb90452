import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthCheckContext, HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { CheckRunner } from './check-runner.js';
import { HealthEvents } from './health-events.js';

const health = new HealthIndicatorService();

function runnerFor(
  name: string,
  check: HealthIndicatorCheck['check'],
  timeoutMs = 1000,
  refreshIntervalMs = 0,
  overrides: Partial<RegisteredIndicator> = {},
): CheckRunner {
  const registered: RegisteredIndicator = {
    name,
    instance: { check },
    builder: health.check(name),
    source: name,
    probes: ['readiness'],
    tags: [],
    critical: true,
    timeoutMs,
    cacheTtlMs: 0,
    refreshIntervalMs,
    failureThreshold: 1,
    successThreshold: 1,
    slowCheckMs: 0,
    ...overrides,
  };
  return new CheckRunner(registered, new HealthEvents());
}

describe('CheckRunner: the context a check receives', () => {
  it('hands the check an indicator bound to its name and a signal that is not aborted', async () => {
    let seen: HealthCheckContext | undefined;
    const result = await runnerFor('payments-queue', (context) => {
      seen = context;
      return context.indicator.up({ depth: 3 });
    }).run();

    expect(result).toMatchObject({ status: 'UP', data: { depth: 3 } });
    expect(seen!.signal.aborted).toBe(false);
    expect(seen!.indicator.up()).toEqual({ 'payments-queue': { status: 'up' } });
    expect(seen!.indicator.down('queue stalled')).toEqual({ 'payments-queue': { status: 'down', message: 'queue stalled' } });
    expect(seen!.indicator.degraded({ depth: 900 })).toEqual({ 'payments-queue': { status: 'degraded', depth: 900 } });
  });

  it('reports the bound indicator’s down and degraded results with their reasons', async () => {
    expect(await runnerFor('queue', ({ indicator }) => indicator.down({ message: 'stalled', depth: 0 })).run()).toMatchObject({
      status: 'DOWN',
      error: 'stalled',
      data: { depth: 0 },
    });
    expect(await runnerFor('queue', ({ indicator }) => indicator.degraded('slow')).run()).toMatchObject({ status: 'DEGRADED', message: 'slow' });
  });

  it('still accepts a result built by an injected HealthIndicatorService under the same name', async () => {
    expect(await runnerFor('queue', () => health.check('queue').up({ depth: 1 })).run()).toMatchObject({ status: 'UP', data: { depth: 1 } });
  });

  it('is DOWN with a clear reason when the result is keyed by another name than the indicator’s', async () => {
    const result = await runnerFor('payments-queue', () => health.check('x').up()).run();
    expect(result).toMatchObject({ status: 'DOWN', error: 'check() returned a result keyed "x"; expected "payments-queue" (use the context\'s indicator)' });
  });
});

describe('CheckRunner: a check that misbehaves is DOWN with a reason', () => {
  it.each([
    [
      'throws synchronously',
      () => {
        throw new Error('sync boom');
      },
      'sync boom',
    ],
    ['rejects with an Error', () => Promise.reject(new Error('async boom')), 'async boom'],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a check rejecting with a non-Error is the case under test
    ['rejects with a string', () => Promise.reject('plain text'), 'plain text'],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a check rejecting with a non-Error is the case under test
    ['rejects with a number', () => Promise.reject(42), 'rejected with 42'],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a check rejecting with a non-Error is the case under test
    ['rejects with undefined', () => Promise.reject(undefined), 'rejected with undefined'],
    [
      'returns garbage',
      () => 'garbage' as never,
      'check() returned an invalid result; expected a HealthIndicatorResult such as { "flaky": { "status": "up" } }',
    ],
  ] as [string, HealthIndicatorCheck['check'], string][])('when it %s', async (_label, check, error) => {
    expect(await runnerFor('flaky', check).run()).toMatchObject({ status: 'DOWN', error });
  });

  it('when it hangs: DOWN "timed out after N ms", and its signal is aborted', async () => {
    let signal: AbortSignal | undefined;
    const result = await runnerFor(
      'stuck',
      (context) => {
        signal = context.signal;
        return new Promise(() => undefined);
      },
      50,
    ).run();
    expect(result).toMatchObject({ status: 'DOWN', error: 'timed out after 50 ms' });
    expect(signal!.aborted).toBe(true);
  });
});

describe('CheckRunner: background refresh is spread over the interval', () => {
  it('runs at once, then after phase x the interval, then every interval', async () => {
    const runs: number[] = [];
    const started = performance.now();
    const runner = runnerFor('spread', ({ indicator }) => (runs.push(performance.now() - started), indicator.up()), 1000, 400);
    runner.startRefresh(0.25);
    try {
      while (runs.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      runner.stopRefresh();
    }
    // First run immediate; the second about 100 ms later (0.25 x 400), well before a full interval; the third one interval after it.
    expect(runs[0]).toBeLessThan(100);
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(95);
    expect(runs[1] - runs[0]).toBeLessThan(390);
    expect(runs[2] - runs[1]).toBeGreaterThanOrEqual(395);
  });
});

describe('CheckRunner: context.recheck runs the check again at once', () => {
  it('starts a run when none is in flight, so the new status is there without waiting for a refresh', async () => {
    let up = true;
    let runs = 0;
    let recheck: (() => void) | undefined;
    const runner = runnerFor('conn', (context) => {
      runs += 1;
      recheck = context.recheck;
      return up ? context.indicator.up() : context.indicator.down('connection lost');
    });
    expect(await runner.run()).toMatchObject({ status: 'UP' });
    up = false;
    recheck!();
    expect(runs).toBe(2);
    // The recheck's run is in flight: run() joins it instead of starting another.
    expect(await runner.run()).toMatchObject({ status: 'DOWN', error: 'connection lost' });
    expect(runs).toBe(2);
  });

  it('queues exactly one more run when asked (even several times) during a run', async () => {
    let calls = 0;
    let release: (() => void) | undefined;
    let recheck: (() => void) | undefined;
    const runner = runnerFor('conn', async (context) => {
      calls += 1;
      recheck = context.recheck;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      return context.indicator.up({ calls });
    });
    const first = runner.run();
    await new Promise((resolve) => setImmediate(resolve));
    recheck!();
    recheck!();
    release!();
    expect(await first).toMatchObject({ data: { calls: 1 } });
    // The queued run starts as the first settles; run() joins it.
    expect(await runner.run()).toMatchObject({ data: { calls: 2 } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
  });
});

describe('CheckRunner: at most one invocation of a check outstanding', () => {
  /** A check that hangs, ignoring its signal, until the test lets it settle. */
  function hangingCheck() {
    const state = { invocations: 0, release: undefined as (() => void) | undefined, hang: true };
    const check: HealthIndicatorCheck['check'] = async ({ indicator }) => {
      state.invocations += 1;
      if (state.hang) await new Promise<void>((resolve) => (state.release = resolve));
      return indicator.up({ invocation: state.invocations });
    };
    return { state, check };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('does not invoke a check that timed out and has not settled: later runs are DOWN "still running"', async () => {
    const { state, check } = hangingCheck();
    const runner = runnerFor('db', check, 50);
    expect(await runner.run()).toMatchObject({ status: 'DOWN', error: 'timed out after 50 ms' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await runner.run();
    const third = await runner.result();
    expect(state.invocations).toBe(1);
    for (const result of [second, third]) {
      expect(result.status).toBe('DOWN');
      expect(result.error).toMatch(/^still running after \d+ ms \(timed out after 50 ms\)$/);
    }
    // The elapsed time is counted from the invocation, not from this run.
    expect(Number(/after (\d+) ms/.exec(second.error!)![1])).toBeGreaterThanOrEqual(75);
    // Reporting "still running" does not wait for a timeout.
    expect(second.durationMs).toBeLessThan(20);
    state.release!();
  });

  it('invokes the check again on the next run once the first invocation settles', async () => {
    const { state, check } = hangingCheck();
    const runner = runnerFor('db', check, 50);
    await runner.run();
    state.hang = false;
    state.release!();
    await tick();
    expect(await runner.run()).toMatchObject({ status: 'UP', data: { invocation: 2 } });
    expect(state.invocations).toBe(2);
  });

  it('counts a timed-out check that rejects late the same way: the slot frees when it settles, whatever the outcome', async () => {
    let invocations = 0;
    let fail: ((error: Error) => void) | undefined;
    const runner = runnerFor(
      'db',
      ({ indicator }) => {
        invocations += 1;
        return invocations === 1 ? new Promise((_resolve, reject) => (fail = reject)) : indicator.up();
      },
      30,
    );
    await runner.run();
    expect((await runner.run()).error).toMatch(/^still running/);
    fail!(new Error('connection destroyed'));
    await tick();
    expect(await runner.run()).toMatchObject({ status: 'UP' });
    expect(invocations).toBe(2);
  });

  it('with background refresh: refresh runs report "still running" without invoking, and a run starts as soon as it settles', async () => {
    const { state, check } = hangingCheck();
    const runner = runnerFor('db', check, 40, 300);
    runner.startRefresh(1);
    try {
      // Refresh runs at 0 (the invocation), 300 and 600 ms; the next is due at 900.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(state.invocations).toBe(1);
      expect(runner.reusableResult()).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/^still running after \d+ ms \(timed out after 40 ms\)$/) });
      state.hang = false;
      const settledAt = performance.now();
      state.release!();
      while (runner.reusableResult()?.status !== 'UP') await new Promise((resolve) => setTimeout(resolve, 1));
      // Not at the next tick of the refresh (200 ms away): at once.
      expect(performance.now() - settledAt).toBeLessThan(100);
      expect(state.invocations).toBe(2);
    } finally {
      runner.stopRefresh();
    }
  });

  it('with a cache: the cached "timed out" result gives way to a fresh run as soon as the invocation settles', async () => {
    const { state, check } = hangingCheck();
    const runner = runnerFor('db', check, 30, 0, { cacheTtlMs: 60_000 });
    expect(await runner.result()).toMatchObject({ status: 'DOWN', error: 'timed out after 30 ms' });
    expect(await runner.result()).toMatchObject({ status: 'DOWN', cached: true });
    state.hang = false;
    state.release!();
    await tick();
    await tick();
    expect(await runner.result()).toMatchObject({ status: 'UP', data: { invocation: 2 } });
    expect(state.invocations).toBe(2);
  });

  it('a recheck asked while the invocation is outstanding does not invoke the check either', async () => {
    let recheck: (() => void) | undefined;
    let invocations = 0;
    const runner = runnerFor(
      'conn',
      (context) => {
        invocations += 1;
        recheck = context.recheck;
        return new Promise(() => undefined);
      },
      30,
    );
    await runner.run();
    recheck!();
    recheck!();
    await tick();
    expect((await runner.run()).error).toMatch(/^still running/);
    expect(invocations).toBe(1);
  });

  it('counts "still running" runs toward the failure threshold like any failure', async () => {
    const { state, check } = hangingCheck();
    const runner = runnerFor('db', check, 30, 0, { failureThreshold: 2 });
    state.hang = false;
    expect(await runner.run()).toMatchObject({ status: 'UP' });
    state.hang = true;
    expect(await runner.run()).toMatchObject({ status: 'UP', message: 'failure 1 of 2 before DOWN: timed out after 30 ms' });
    expect(await runner.run()).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/^still running after/) });
    state.release!();
  });
});

describe('CheckRunner: a simulation replaces the outcome', () => {
  it('reports the simulated status at once and on every run without invoking the check, then the real one again', async () => {
    let invocations = 0;
    const runner = runnerFor('payments', ({ indicator }) => {
      invocations++;
      return indicator.up();
    });
    expect((await runner.run()).status).toBe('UP');
    const simulated = runner.simulate({ status: 'DOWN', error: 'game day' });
    expect(simulated).toMatchObject({ status: 'DOWN', error: 'game day', simulated: true });
    expect(await runner.run()).toMatchObject({ status: 'DOWN', simulated: true });
    expect(invocations).toBe(1);
    const real = await runner.endSimulation();
    expect(real.status).toBe('UP');
    expect(real).not.toHaveProperty('simulated');
    expect(invocations).toBe(2);
  });
});
