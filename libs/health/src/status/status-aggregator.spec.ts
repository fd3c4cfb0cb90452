import { describe, expect, it } from '@jest/globals';
import type { CheckStatus } from '../interfaces/health-status.interface.js';
import { aggregateStatus, type AggregatableCheck } from './status-aggregator.js';

const check = (status: CheckStatus, critical = true): AggregatableCheck => ({ status, critical });

describe('aggregateStatus', () => {
  it('is UP when there are no checks at all', () => {
    expect(aggregateStatus([])).toBe('UP');
  });

  it('is UP when every check is UP, critical or not', () => {
    expect(aggregateStatus([check('UP'), check('UP', false)])).toBe('UP');
  });

  it('is DOWN when a critical check is DOWN', () => {
    expect(aggregateStatus([check('UP'), check('DOWN')])).toBe('DOWN');
  });

  it('is DEGRADED, not DOWN, when only a non-critical check is DOWN', () => {
    expect(aggregateStatus([check('UP'), check('DOWN', false)])).toBe('DEGRADED');
    expect(aggregateStatus([check('DOWN', false), check('DOWN', false)])).toBe('DEGRADED');
  });

  it('is DEGRADED when a check is DEGRADED, whether it is critical or not', () => {
    expect(aggregateStatus([check('UP'), check('DEGRADED')])).toBe('DEGRADED');
    expect(aggregateStatus([check('UP'), check('DEGRADED', false)])).toBe('DEGRADED');
  });

  it('lets a critical DOWN win over DEGRADED and non-critical DOWN checks, wherever it stands', () => {
    const others = [check('DEGRADED'), check('DOWN', false), check('UP'), check('DEGRADED', false)];
    for (let position = 0; position <= others.length; position++) {
      const checks = [...others.slice(0, position), check('DOWN'), ...others.slice(position)];
      expect(aggregateStatus(checks)).toBe('DOWN');
    }
  });

  it('does not depend on the order of the checks', () => {
    const checks = [check('UP'), check('DEGRADED', false), check('DOWN', false), check('UP', false)];
    expect(aggregateStatus(checks)).toBe('DEGRADED');
    expect(aggregateStatus([...checks].reverse())).toBe('DEGRADED');
  });

  it('accepts any iterable, such as the values of a report', () => {
    const details = { db: check('UP'), cache: check('DOWN', false) };
    expect(aggregateStatus(Object.values(details))).toBe('DEGRADED');
    expect(aggregateStatus(new Set([check('DOWN')]))).toBe('DOWN');
    function* generated() {
      yield check('UP');
      yield check('DEGRADED');
    }
    expect(aggregateStatus(generated())).toBe('DEGRADED');
  });

  it('reads only status and critical, so full results aggregate as they are', () => {
    const result = { status: 'DOWN' as const, critical: false, durationMs: 3, checkedAt: '2026-01-01T00:00:00.000Z', cached: false, error: 'x' };
    expect(aggregateStatus([result])).toBe('DEGRADED');
  });
});
