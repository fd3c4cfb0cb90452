import { describe, expect, it } from '@jest/globals';
import { excludedChecks, MAX_EXCLUDED_CHECKS, MAX_QUERY_PAIRS, parseHealthQuery } from './health-query.js';

describe('parseHealthQuery', () => {
  it('reads pairs as Express and Fastify do: repeated keys as arrays, percent and + decoded, no prototype', () => {
    const query = parseHealthQuery('/health/ready?exclude=redis&exclude=a%2Cb&verbose&x=1+2&__proto__=p#frag');
    expect({ ...query }).toEqual({ exclude: ['redis', 'a,b'], verbose: '', x: '1 2', ['__proto__']: 'p' });
    expect(Object.getPrototypeOf(query)).toBeNull();
    expect({ ...parseHealthQuery('/health') }).toEqual({});
    expect({ ...parseHealthQuery('/health?bad=%E0%A4%A') }).toEqual({ bad: '%E0%A4%A' });
  });

  it(`reads at most ${MAX_QUERY_PAIRS} pairs`, () => {
    const query = parseHealthQuery(`/h?${Array.from({ length: 500 }, (_, index) => `k${index}=v`).join('&')}`);
    expect(Object.keys(query)).toHaveLength(MAX_QUERY_PAIRS);
  });

  it('stays linear on hostile query strings', () => {
    const inputs = [`?${'a&'.repeat(500_000)}`, `?${'exclude=x&'.repeat(100_000)}`, `?${'%'.repeat(1_000_000)}`, `?${'&'.repeat(1_000_000)}`];
    const started = performance.now();
    for (const input of inputs) parseHealthQuery(input);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('excludedChecks', () => {
  it('splits commas, trims, drops empties, and keeps at most the cap', () => {
    expect(excludedChecks(['redis, db', ' ', 'queue'])).toEqual(['redis', 'db', 'queue']);
    expect(excludedChecks(undefined)).toEqual([]);
    expect(excludedChecks(Array.from({ length: 500 }, (_, index) => `c${index}`).join(','))).toHaveLength(MAX_EXCLUDED_CHECKS);
  });
});
