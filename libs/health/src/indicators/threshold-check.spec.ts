import { describe, expect, it } from '@jest/globals';
import { evaluateThresholds } from './threshold-check.js';

describe('evaluateThresholds', () => {
  it('is UP below every threshold, and without thresholds', () => {
    expect(evaluateThresholds([{ label: 'heap used', value: 100, unit: 'MB', warn: 200, down: 300 }])).toEqual({ status: 'up' });
    expect(evaluateThresholds([{ label: 'heap used', value: 100, unit: 'MB' }])).toEqual({ status: 'up' });
  });

  it('is DEGRADED at the warn threshold (inclusive)', () => {
    expect(evaluateThresholds([{ label: 'heap used', value: 200, unit: 'MB', warn: 200, down: 300 }])).toEqual({
      status: 'degraded',
      message: 'heap used 200 MB reached the warn threshold of 200 MB',
    });
  });

  it('is DOWN at the down threshold, listing warn breaches of other values too', () => {
    expect(
      evaluateThresholds([
        { label: 'heap used', value: 250.456, unit: 'MB', warn: 200 },
        { label: 'RSS', value: 900, unit: 'MB', warn: 500, down: 800 },
      ]),
    ).toEqual({ status: 'down', message: 'RSS 900 MB reached the down threshold of 800 MB; heap used 250.46 MB reached the warn threshold of 200 MB' });
  });

  it('with bad: "below", a value under the threshold reaches it; equal does not', () => {
    expect(evaluateThresholds([{ label: 'free space', value: 100, unit: 'MB', down: 100, bad: 'below' }])).toEqual({ status: 'up' });
    expect(evaluateThresholds([{ label: 'free space', value: 99.5, unit: 'MB', down: 100, bad: 'below' }])).toEqual({
      status: 'down',
      message: 'free space 99.5 MB is below the down threshold of 100 MB',
    });
  });
});
