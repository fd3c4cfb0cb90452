import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import { describeError, normalizeResult } from './check-outcome.js';

const INVALID = /^check\(\) returned an invalid result; expected a HealthIndicatorResult such as \{ "db": \{ "status": "up" \} \}$/;

describe('normalizeResult', () => {
  const health = new HealthIndicatorService();

  it('reads Terminus up / degraded / down results with their data', () => {
    expect(normalizeResult('db', health.check('db').up({ driver: 'postgres' }))).toEqual({ status: 'UP', data: { driver: 'postgres' } });
    expect(normalizeResult('db', health.check('db').degraded({ lagMs: 900, message: 'replica lag' }))).toEqual({
      status: 'DEGRADED',
      data: { lagMs: 900 },
      message: 'replica lag',
    });
    expect(normalizeResult('db', health.check('db').down({ message: 'connect ECONNREFUSED' }))).toEqual({
      status: 'DOWN',
      error: 'connect ECONNREFUSED',
    });
  });

  it('reads Terminus string shorthands as the message', () => {
    expect(normalizeResult('db', health.check('db').down('gone'))).toEqual({ status: 'DOWN', error: 'gone' });
    expect(normalizeResult('db', health.check('db').up('fine'))).toEqual({ status: 'UP', message: 'fine' });
  });

  it('reads attempt() results, dropping its bookkeeping keys', async () => {
    const up = await health.check('db').attempt(() => ({ rows: 1 }));
    expect(normalizeResult('db', up)).toEqual({ status: 'UP', data: { rows: 1 } });
    const down = await health.check('db').attempt(() => {
      throw new Error('relation "x" does not exist');
    });
    expect(normalizeResult('db', down)).toEqual({ status: 'DOWN', error: 'relation "x" does not exist' });
  });

  it('gives a DOWN with no reason a default one', () => {
    expect(normalizeResult('db', { db: { status: 'down' } })).toEqual({ status: 'DOWN', error: 'check reported down' });
  });

  it('gives a DOWN with an empty message the default reason, never an empty one', () => {
    expect(normalizeResult('db', health.check('db').down(''))).toEqual({ status: 'DOWN', error: 'check reported down' });
    expect(normalizeResult('db', { db: { status: 'down', message: '', error: 'disk full' } })).toEqual({ status: 'DOWN', error: 'disk full' });
  });

  it('takes `error` as the reason when there is no `message`', () => {
    expect(normalizeResult('db', { db: { status: 'down', error: 'disk full' } })).toEqual({ status: 'DOWN', error: 'disk full' });
  });

  it('accepts statuses in any case', () => {
    expect(normalizeResult('db', { db: { status: 'UP' } }).status).toBe('UP');
    expect(normalizeResult('db', { db: { status: 'Degraded' } }).status).toBe('DEGRADED');
  });

  it('is DOWN naming the key when the single entry is keyed by another name than the check', () => {
    expect(normalizeResult('payments-queue', { x: { status: 'up', ms: 2 } })).toEqual({
      status: 'DOWN',
      error: 'check() returned a result keyed "x"; expected "payments-queue" (use the context\'s indicator)',
    });
  });

  it('prefers the entry named like the check when there are several', () => {
    expect(normalizeResult('db', { other: { status: 'down' }, db: { status: 'up' } })).toEqual({ status: 'UP' });
  });

  it('is DOWN naming every key when several entries are returned and none is named like the check', () => {
    expect(normalizeResult('db', { a: { status: 'up' }, b: { status: 'up' } })).toEqual({
      status: 'DOWN',
      error: 'check() returned a result keyed "a", "b"; expected "db" (use the context\'s indicator)',
    });
  });

  it('is DOWN with "returned nothing" when check() returns undefined', () => {
    expect(normalizeResult('db', undefined)).toEqual({
      status: 'DOWN',
      error: 'check() returned nothing; expected a HealthIndicatorResult such as { "db": { "status": "up" } }',
    });
  });

  it.each([
    ['null', null],
    ['true', true],
    ['a number', 42],
    ['a string', 'up'],
    ['an array', [{ db: { status: 'up' } }]],
  ])('is DOWN for %s', (_label, raw) => {
    expect(normalizeResult('db', raw)).toEqual({
      status: 'DOWN',
      error: 'check() returned an invalid result; expected a HealthIndicatorResult such as { "db": { "status": "up" } }',
    });
  });

  it.each([
    ['an empty object', {}],
    ['an entry without status', { db: { ok: true } }],
    ['an unknown status', { db: { status: 'fine' } }],
    ['a non-string status', { db: { status: 1 } }],
    ['an entry that is not an object', { db: 'up' }],
    ['an entry that is an array', { db: ['up'] }],
  ])('is DOWN for %s', (_label, raw) => {
    expect(normalizeResult('db', raw)).toEqual({ status: 'DOWN', error: expect.stringMatching(INVALID) });
  });

  it('truncates a very long reason to 500 characters', () => {
    const outcome = normalizeResult('db', { db: { status: 'down', message: 'x'.repeat(2000) } });
    expect(outcome.error).toHaveLength(500);
    expect(outcome.error!.endsWith('...')).toBe(true);
  });

  it('ignores a non-string message', () => {
    expect(normalizeResult('db', { db: { status: 'up', message: 42 } })).toEqual({ status: 'UP' });
  });

  it('keeps no data key when there is no data', () => {
    expect(normalizeResult('db', { db: { status: 'up', responseTime: 3, cachedResponse: true } })).toEqual({ status: 'UP' });
  });
});

describe('describeError', () => {
  it('uses the message of an Error', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(new TypeError('x is not a function'))).toBe('x is not a function');
  });

  it('adds the message of an Error cause', () => {
    expect(describeError(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }))).toBe(
      'fetch failed (connect ECONNREFUSED 127.0.0.1:1)',
    );
    expect(describeError(new Error('outer', { cause: 'not an error' }))).toBe('outer');
  });

  it('falls back to the code, then the name, of an Error without a message', () => {
    expect(describeError(Object.assign(new AggregateError([]), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(describeError(new RangeError())).toBe('RangeError');
  });

  it('uses a rejected string as it is, and names an empty one', () => {
    expect(describeError('queue is full')).toBe('queue is full');
    expect(describeError('')).toBe('rejected with an empty string');
  });

  it('uses the message of an error-like object (e.g. from another realm)', () => {
    expect(describeError({ message: 'from a worker', stack: '...' })).toBe('from a worker');
  });

  it.each([
    [undefined, 'rejected with undefined'],
    [null, 'rejected with null'],
    [42, 'rejected with 42'],
    [false, 'rejected with false'],
    [{ code: 7 }, 'rejected with {"code":7}'],
    [[1, 2], 'rejected with [1,2]'],
  ])('describes %p', (value, expected) => {
    expect(describeError(value)).toBe(expected);
  });

  it('describes values JSON cannot encode', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeError(circular)).toBe('rejected with [object Object]');
    expect(describeError(10n)).toBe('rejected with 10');
    expect(describeError(Symbol('nope'))).toBe('rejected with Symbol(nope)');
    expect(describeError(function namedRejection() {})).toMatch(/^rejected with function namedRejection\(\)/);
  });

  it('truncates to 500 characters', () => {
    expect(describeError(new Error('y'.repeat(900)))).toHaveLength(500);
    expect(describeError('z'.repeat(900))).toHaveLength(500);
    expect(describeError({ message: 'w'.repeat(900) })).toHaveLength(500);
  });
});
