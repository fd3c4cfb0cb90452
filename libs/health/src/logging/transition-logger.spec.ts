import { describe, expect, it } from '@jest/globals';
import type { HealthStatusChange } from '../execution/health-events.js';
import { isNotableTransition } from '../status/notable-transition.js';
import { formatTransition } from './transition-logger.js';

const at = '2026-11-25T10:30:00.000Z';

describe('formatTransition', () => {
  it('writes one logfmt line with the check, from, to, duration and quoted reason', () => {
    const change: HealthStatusChange = {
      kind: 'check',
      name: 'database',
      from: 'UP',
      to: 'DOWN',
      durationMs: 3,
      reason: 'connect ECONNREFUSED 127.0.0.1:5432',
      at,
    };
    expect(formatTransition(change)).toBe('health check transition check=database from=UP to=DOWN durationMs=3 reason="connect ECONNREFUSED 127.0.0.1:5432"');
  });

  it('names a first status NONE and leaves out what it does not know', () => {
    expect(formatTransition({ kind: 'probe', name: 'readiness', from: undefined, to: 'STARTING', at })).toBe(
      'health probe transition probe=readiness from=NONE to=STARTING',
    );
  });

  it('keeps a multi-line reason on one line and redacts credentials in it', () => {
    const line = formatTransition({
      kind: 'check',
      name: 'redis',
      from: 'UP',
      to: 'DOWN',
      reason: 'cannot reach redis://app:s3cret@cache:6379\nretrying',
      at,
    });
    expect(line).not.toContain('\n');
    expect(line).not.toContain('s3cret');
    expect(line).toContain('reason="cannot reach redis://app:***@cache:6379\\nretrying"');
  });

  it('leaves plain tokens bare', () => {
    expect(formatTransition({ kind: 'check', name: 'q', from: 'DOWN', to: 'DEGRADED', reason: 'slow', at })).toMatch(/ reason=slow$/);
  });
});

describe('isNotableTransition', () => {
  it('skips only a first result that is UP', () => {
    const base = { kind: 'check' as const, name: 'x', at };
    expect(isNotableTransition({ ...base, from: undefined, to: 'UP' })).toBe(false);
    expect(isNotableTransition({ ...base, from: undefined, to: 'DOWN' })).toBe(true);
    expect(isNotableTransition({ ...base, from: 'DOWN', to: 'UP' })).toBe(true);
  });
});
