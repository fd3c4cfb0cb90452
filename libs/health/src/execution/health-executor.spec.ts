import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { HealthEvents } from './health-events.js';
import { HealthExecutor } from './health-executor.js';

/** An indicator whose runs are counted and, when `gate` is set, wait for it. */
function indicator(name: string, settings: Partial<RegisteredIndicator> = {}) {
  const state = { runs: 0, gate: undefined as Promise<void> | undefined };
  const registered: RegisteredIndicator = {
    name,
    builder: new HealthIndicatorService().check(name),
    source: name,
    probes: ['readiness'],
    tags: [],
    critical: true,
    timeoutMs: 1000,
    cacheTtlMs: 0,
    refreshIntervalMs: 0,
    failureThreshold: 1,
    successThreshold: 1,
    slowCheckMs: 0,
    ...settings,
    instance: {
      async check({ indicator }) {
        state.runs++;
        await state.gate;
        return indicator.up({ run: state.runs });
      },
    },
  };
  return { registered, state };
}

describe('HealthExecutor.results', () => {
  it('answers from the cache without running the check again, with one shared cached copy per run', async () => {
    const cached = indicator('cached', { cacheTtlMs: 60_000 });
    const executor = new HealthExecutor(new HealthEvents());

    const first = await executor.results([cached.registered]);
    const second = await executor.results([cached.registered]);
    const third = await executor.results([cached.registered]);

    expect(cached.state.runs).toBe(1);
    expect(first.cached).toMatchObject({ status: 'UP', cached: false, data: { run: 1 } });
    expect(second.cached).toMatchObject({ status: 'UP', cached: true, data: { run: 1 } });
    expect(third.cached).toBe(second.cached);
  });

  it('keeps the given order of names when some results come from the cache and others from a run', async () => {
    const fresh = indicator('fresh');
    const cached = indicator('cached', { cacheTtlMs: 60_000 });
    const slow = indicator('slow');
    const executor = new HealthExecutor(new HealthEvents());
    await executor.results([cached.registered]);

    let open!: () => void;
    slow.state.gate = new Promise((resolve) => (open = resolve));
    const pending = executor.results([slow.registered, cached.registered, fresh.registered]);
    open();
    const results = await pending;

    expect(Object.keys(results)).toEqual(['slow', 'cached', 'fresh']);
    expect(results).toMatchObject({ slow: { cached: false }, cached: { cached: true }, fresh: { cached: false } });
    expect([slow.state.runs, cached.state.runs, fresh.state.runs]).toEqual([1, 1, 1]);
  });

  it('shares one run among concurrent callers of an uncached check', async () => {
    const shared = indicator('shared');
    const executor = new HealthExecutor(new HealthEvents());
    let open!: () => void;
    shared.state.gate = new Promise((resolve) => (open = resolve));

    const callers = [executor.results([shared.registered]), executor.results([shared.registered]), executor.results([shared.registered])];
    open();
    const results = await Promise.all(callers);

    expect(shared.state.runs).toBe(1);
    expect(new Set(results.map((result) => result.shared))).toEqual(new Set([results[0].shared]));
  });
});

describe('HealthExecutor.results: the cached set of results', () => {
  it('shares one results object for the same list until a run finishes, then builds a new one with the new result', async () => {
    const a = indicator('a', { cacheTtlMs: 60_000 });
    const b = indicator('b', { cacheTtlMs: 60_000 });
    const list = [a.registered, b.registered];
    const executor = new HealthExecutor(new HealthEvents());

    await executor.results(list);
    const first = await executor.results(list);
    const second = await executor.results(list);
    expect(second).toBe(first);
    expect(Object.keys(second)).toEqual(['a', 'b']);

    await executor.runner(b.registered).run();
    const third = await executor.results(list);
    expect(third).not.toBe(first);
    expect(third.b).toMatchObject({ status: 'UP', cached: true, data: { run: 2 } });
    expect(third.a).toBe(first.a);
  });

  it('does not share results past the expiry of a cached one', async () => {
    const shortLived = indicator('short', { cacheTtlMs: 30 });
    const list = [shortLived.registered];
    const executor = new HealthExecutor(new HealthEvents());
    await executor.results(list);
    const cached = await executor.results(list);
    expect(cached.short).toMatchObject({ cached: true, data: { run: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await executor.results(list)).short).toMatchObject({ cached: false, data: { run: 2 } });
  });
});
