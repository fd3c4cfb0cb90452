import { describe, expect, it } from '@jest/globals';
import { RunRing } from './run-ring.js';

describe('RunRing', () => {
  it('keeps the runs oldest first until it is full', () => {
    const ring = new RunRing(3);
    expect(ring.runs()).toEqual([]);
    ring.push({ status: 'UP', at: 1000, durationMs: 4 });
    ring.push({ status: 'DOWN', at: 2000, durationMs: 1001 });
    expect(ring.runs()).toEqual([
      { status: 'UP', at: 1000, durationMs: 4 },
      { status: 'DOWN', at: 2000, durationMs: 1001 },
    ]);
  });

  it('overwrites the oldest run once full, so it never holds more than its capacity', () => {
    const ring = new RunRing(3);
    const statuses = ['UP', 'DEGRADED', 'DOWN', 'UP', 'DOWN'] as const;
    statuses.forEach((status, index) => ring.push({ status, at: index * 1000, durationMs: index }));
    expect(ring.runs()).toEqual([
      { status: 'DOWN', at: 2000, durationMs: 2 },
      { status: 'UP', at: 3000, durationMs: 3 },
      { status: 'DOWN', at: 4000, durationMs: 4 },
    ]);
    for (let i = 0; i < 100; i++) ring.push({ status: 'UP', at: i, durationMs: 0 });
    expect(ring.runs()).toHaveLength(3);
  });
});
