import { describe, expect, it } from '@jest/globals';
import { mergeVary } from './health.controller.js';

describe('mergeVary', () => {
  it.each([
    [undefined, 'Accept', 'Accept'],
    ['Origin', 'Accept', 'Origin, Accept'],
    ['Origin, accept', 'Accept', 'Origin, accept'],
    [['Origin', 'Accept-Encoding'], 'Accept', 'Origin, Accept-Encoding, Accept'],
    ['*', 'Accept', '*'],
    ['', 'Accept', 'Accept'],
  ])('keeps %j and adds %j once: %j', (current, value, merged) => {
    expect(mergeVary(current, value)).toBe(merged);
  });
});
