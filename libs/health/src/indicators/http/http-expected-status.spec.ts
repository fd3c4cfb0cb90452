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

  it('accepts a comma-separated list of codes and ranges', () => {
    const list = parseExpectedStatus('200, 204,300-399');
    expect([200, 201, 204, 300, 399, 400].map((code) => list.matches(code))).toEqual([true, false, true, true, true, false]);
    expect(list.description).toBe('200 or 204 or 300-399');
  });

  it('rejects a string that is not a code, range or list', () => {
    expect(() => parseExpectedStatus('2xx')).toThrow('invalid expected status "2xx"');
    expect(() => parseExpectedStatus('200,')).toThrow('invalid expected status "200,"');
    expect(() => parseExpectedStatus('399-200')).toThrow('the range 399-200 is empty');
  });
});

describe('the CLI takes the same expected-status syntax', () => {
  const codes = [100, 199, 200, 204, 226, 299, 302, 399, 404, 418, 503, 599];
  it.each(['200', '200-399', '200,204', '200-299,503', ' 204 , 300 - 302 ', '2xx', '200,', '', '399-200', '600', '20', '200;204'])('%j', async (syntax) => {
    // A path held in a variable: the CLI is plain JavaScript, without declarations for the type checker.
    const cli = '../../../bin/nest-vitals.js';
    const { parseExpect } = (await import(cli)) as { parseExpect: (text: string) => [number, number][] };
    let byCli: boolean[] | 'rejected';
    try {
      const ranges = parseExpect(syntax);
      byCli = codes.map((code) => ranges.some(([low, high]) => code >= low && code <= high));
    } catch {
      byCli = 'rejected';
    }
    let library: boolean[] | 'rejected';
    try {
      const expected = parseExpectedStatus(syntax);
      library = codes.map((code) => expected.matches(code));
    } catch {
      library = 'rejected';
    }
    expect(library).toEqual(byCli);
  });
});
