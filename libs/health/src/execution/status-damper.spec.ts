import { describe, expect, it } from '@jest/globals';
import type { CheckStatus } from '../interfaces/health-status.interface.js';
import { StatusDamper } from './status-damper.js';

function feed(damper: StatusDamper, raws: CheckStatus[]): CheckStatus[] {
  return raws.map((raw) => damper.next(raw));
}

describe('StatusDamper', () => {
  it('has no status before the first result', () => {
    expect(new StatusDamper(3, 2).status).toBeUndefined();
  });

  it('with thresholds of 1 reports every result as it is', () => {
    const raws: CheckStatus[] = ['UP', 'DOWN', 'DEGRADED', 'DOWN', 'UP', 'UP'];
    expect(feed(new StatusDamper(1, 1), raws)).toEqual(raws);
  });

  it('reports the first result as it is, even DOWN under a failure threshold', () => {
    expect(feed(new StatusDamper(3, 1), ['DOWN'])).toEqual(['DOWN']);
    expect(feed(new StatusDamper(3, 1), ['DEGRADED'])).toEqual(['DEGRADED']);
  });

  it('turns DOWN only after failureThreshold consecutive DOWN results', () => {
    const damper = new StatusDamper(3, 1);
    expect(feed(damper, ['UP', 'DOWN', 'DOWN'])).toEqual(['UP', 'UP', 'UP']);
    expect(damper.pendingFailures).toBe(2);
    expect(damper.next('DOWN')).toBe('DOWN');
    expect(damper.pendingFailures).toBe(0);
  });

  it('starts counting failures again after any non-DOWN result', () => {
    const damper = new StatusDamper(2, 1);
    expect(feed(damper, ['UP', 'DOWN', 'UP', 'DOWN', 'DEGRADED', 'DOWN'])).toEqual(['UP', 'UP', 'UP', 'UP', 'DEGRADED', 'DEGRADED']);
    expect(damper.pendingFailures).toBe(1);
    expect(damper.next('DOWN')).toBe('DOWN');
  });

  it('keeps the last reported non-DOWN status while failures are pending', () => {
    const damper = new StatusDamper(3, 1);
    expect(feed(damper, ['DEGRADED', 'DOWN', 'DOWN'])).toEqual(['DEGRADED', 'DEGRADED', 'DEGRADED']);
  });

  it('moves between UP and DEGRADED at once: only DOWN is damped', () => {
    expect(feed(new StatusDamper(3, 3), ['UP', 'DEGRADED', 'UP', 'DEGRADED'])).toEqual(['UP', 'DEGRADED', 'UP', 'DEGRADED']);
  });

  it('recovers from DOWN only after successThreshold consecutive non-DOWN results', () => {
    const damper = new StatusDamper(1, 3);
    expect(feed(damper, ['DOWN', 'UP', 'DEGRADED'])).toEqual(['DOWN', 'DOWN', 'DOWN']);
    expect(damper.pendingSuccesses).toBe(2);
    expect(damper.next('UP')).toBe('UP');
    expect(damper.pendingSuccesses).toBe(0);
  });

  it('reports the status of the run that completes recovery (DEGRADED recovers to DEGRADED)', () => {
    const damper = new StatusDamper(1, 2);
    expect(feed(damper, ['DOWN', 'UP', 'DEGRADED'])).toEqual(['DOWN', 'DOWN', 'DEGRADED']);
  });

  it('starts counting successes again after a DOWN result while recovering', () => {
    const damper = new StatusDamper(1, 2);
    expect(feed(damper, ['DOWN', 'UP', 'DOWN', 'UP'])).toEqual(['DOWN', 'DOWN', 'DOWN', 'DOWN']);
    expect(damper.pendingSuccesses).toBe(1);
    expect(damper.next('UP')).toBe('UP');
  });

  it('has no pending successes while not DOWN, and no pending failures while DOWN', () => {
    const damper = new StatusDamper(2, 2);
    damper.next('UP');
    damper.next('UP');
    expect(damper.pendingSuccesses).toBe(0);
    feed(damper, ['DOWN', 'DOWN', 'DOWN']);
    expect(damper.status).toBe('DOWN');
    expect(damper.pendingFailures).toBe(0);
  });
});

describe('StatusDamper: simulation', () => {
  it('force() reports a status at once, past the failure threshold', () => {
    const damper = new StatusDamper(3, 3);
    feed(damper, ['UP']);
    expect(damper.force('DOWN')).toBe('DOWN');
    expect(damper.status).toBe('DOWN');
  });

  it('reset() keeps the status until the next result, which is reported as it is', () => {
    const damper = new StatusDamper(3, 3);
    feed(damper, ['UP']);
    damper.force('DOWN');
    damper.reset();
    expect(damper.status).toBe('DOWN');
    expect(feed(damper, ['UP', 'DOWN'])).toEqual(['UP', 'UP']);
  });
});
