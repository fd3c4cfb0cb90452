import { describe, expect, it } from '@jest/globals';
import { parseExpectedStatus } from './http-expected-status.js';

describe('parseExpectedStatus', () => {
  it('accepts any 2xx by default', () => {
    const expected = parseExpectedStatus(undefined);
    expect([199, 200, 204, 299, 300, 404].map((code) => expected.matches(code))).toEqual([false, true, true, true, false, false]);
    expect(expected.description).toBe('2xx');
  });

  it('accepts exactly one code, or a list', () => {
    expect(parseExpectedStatus(204).matches(200)).toBe(false);
    expect(parseExpectedStatus(204).matches(204)).toBe(true);
    const list = parseExpectedStatus([200, 404]);
    expect([200, 404, 500].map((code) => list.matches(code))).toEqual([true, true, false]);
    expect(list.description).toBe('200 or 404');
  });

  it('accepts an inclusive range', () => {
    const range = parseExpectedStatus('200-399');
    expect([199, 200, 302, 399, 400].map((code) => range.matches(code))).toEqual([false, true, true, true, false]);
    expect(range.description).toBe('200-399');
  });

  it('rejects a string that is not a range', () => {
    expect(() => parseExpectedStatus('2xx')).toThrow('invalid expected status "2xx"');
  });
});
