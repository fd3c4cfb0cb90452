import { describe, expect, it } from '@jest/globals';
import { redact, redactDeep } from './redactor.js';

describe('redact', () => {
  it.each([
    ['postgres://orders:s3cr3t@db:5432/orders', 'postgres://orders:***@db:5432/orders'],
    ['connect ECONNREFUSED redis://:hunter2@127.0.0.1:6390', 'connect ECONNREFUSED redis://:***@127.0.0.1:6390'],
    ['host=db user=app password=s3cr3t dbname=x', 'host=db user=app password=*** dbname=x'],
    ['https://api/x?token=abc123&page=2', 'https://api/x?token=***&page=2'],
    ['pwd=abc;server=x', 'pwd=***;server=x'],
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer ***'],
    ['{"user":"a","password":"p4ss"}', '{"user":"a","password":"***"}'],
  ])('redacts %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(input)).not.toMatch(/s3cr3t|hunter2|abc123|p4ss|eyJhbGciOi/);
  });

  it('keeps MySQL\'s "(using password: YES)" readable', () => {
    const message = "Access denied for user 'app'@'localhost' (using password: YES)";
    expect(redact(message)).toBe(message);
  });

  it('leaves ordinary text alone', () => {
    expect(redact('timed out after 1000 ms')).toBe('timed out after 1000 ms');
    expect(redact('http://payments:8080/health')).toBe('http://payments:8080/health');
  });

  it('redacts nested data and secret-named keys', () => {
    expect(redactDeep({ url: 'redis://u:p@h', nested: [{ password: 'x' }], n: 3 })).toEqual({
      url: 'redis://u:***@h',
      nested: [{ password: '***' }],
      n: 3,
    });
  });
});
