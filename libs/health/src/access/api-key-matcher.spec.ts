import { describe, expect, it } from '@jest/globals';
import { ApiKeyMatcher, presentedApiKeys } from './api-key-matcher.js';

describe('presentedApiKeys', () => {
  it('reads X-Health-Key and Authorization: Bearer', () => {
    expect(presentedApiKeys({ 'x-health-key': ' k1 ' })).toEqual(['k1']);
    expect(presentedApiKeys({ authorization: 'Bearer k2' })).toEqual(['k2']);
    expect(presentedApiKeys({ authorization: 'bearer   k2' })).toEqual(['k2']);
    expect(presentedApiKeys({ 'x-health-key': 'k1', authorization: 'Bearer k2' })).toEqual(['k1', 'k2']);
  });

  it('ignores other schemes, empty values and missing headers', () => {
    expect(presentedApiKeys({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual([]);
    expect(presentedApiKeys({ authorization: 'Bearer' })).toEqual([]);
    expect(presentedApiKeys({ 'x-health-key': '   ' })).toEqual([]);
    expect(presentedApiKeys({})).toEqual([]);
    expect(presentedApiKeys(undefined)).toEqual([]);
  });

  it('takes the first of repeated headers', () => {
    expect(presentedApiKeys({ 'x-health-key': ['a', 'b'] })).toEqual(['a']);
  });
});

describe('ApiKeyMatcher', () => {
  const matcher = new ApiKeyMatcher(['first-key', 'second-key-that-is-longer']);

  it('accepts any configured key', () => {
    expect(matcher.matches(['first-key'])).toBe(true);
    expect(matcher.matches(['second-key-that-is-longer'])).toBe(true);
    expect(matcher.matches(['nope', 'first-key'])).toBe(true);
  });

  it('rejects wrong keys of any length, prefixes and nothing', () => {
    expect(matcher.matches(['first-kez'])).toBe(false);
    expect(matcher.matches(['first'])).toBe(false);
    expect(matcher.matches(['first-key '])).toBe(false);
    expect(matcher.matches(['x'.repeat(10_000)])).toBe(false);
    expect(matcher.matches([])).toBe(false);
  });

  it('accepts nothing when no key is configured', () => {
    const none = new ApiKeyMatcher([]);
    expect(none.configured).toBe(false);
    expect(none.matches(['anything'])).toBe(false);
  });
});
