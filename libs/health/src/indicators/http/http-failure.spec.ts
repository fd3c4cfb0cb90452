import { describe, expect, it } from '@jest/globals';
import { describeFetchFailure } from './http-failure.js';

const failed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
const describeIt = (error: unknown) => describeFetchFailure(error, 'GET http://svc:8080/health', 'svc:8080');

describe('describeFetchFailure', () => {
  it.each([
    [failed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }), 'connection refused by svc:8080'],
    [failed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND svc' }), 'DNS lookup failed for svc:8080 (ENOTFOUND)'],
    [failed({ code: 'ECONNRESET', message: 'read ECONNRESET' }), 'connection reset by svc:8080'],
    [failed({ code: 'UND_ERR_SOCKET', message: 'other side closed' }), 'connection closed by svc:8080 before a complete response'],
    [failed({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }), 'TLS error talking to svc:8080: DEPTH_ZERO_SELF_SIGNED_CERT'],
    [Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'request to GET http://svc:8080/health was aborted'],
  ])('%#: %s', (error, reason) => {
    expect(describeIt(error)).toBe(reason);
  });

  it('takes the code of the first failed address when several were tried', () => {
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:8080'), { code: 'ECONNREFUSED' })], ''), {});
    expect(describeIt(failed(aggregate))).toBe('connection refused by svc:8080');
  });

  it('falls back to the cause message, with its code', () => {
    expect(describeIt(failed({ code: 'EWEIRD', message: 'something odd' }))).toBe('request to GET http://svc:8080/health failed: something odd (EWEIRD)');
    expect(describeIt('boom')).toBe('request to GET http://svc:8080/health failed: boom');
  });
});
