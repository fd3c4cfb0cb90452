/** Which response status codes an HTTP check accepts. */
export interface ExpectedStatus {
  matches(statusCode: number): boolean;
  /** For messages: `2xx`, `200 or 204`, `200-399`. */
  description: string;
}

const RANGE = /^([1-5]\d\d)-([1-5]\d\d)$/;

/** Reads the `expectedStatus` option: a code, a list of codes, a range `'200-399'`, or (default) any 2xx. */
export function parseExpectedStatus(expected: number | number[] | string | undefined): ExpectedStatus {
  if (expected === undefined) return { matches: (code) => code >= 200 && code <= 299, description: '2xx' };
  if (typeof expected === 'number') return { matches: (code) => code === expected, description: String(expected) };
  if (Array.isArray(expected)) {
    const codes = new Set(expected);
    return { matches: (code) => codes.has(code), description: expected.join(' or ') };
  }
  const range = RANGE.exec(expected);
  if (!range) throw new Error(`invalid expected status ${JSON.stringify(expected)}; expected a range like "200-399"`);
  const low = Number(range[1]);
  const high = Number(range[2]);
  return { matches: (code) => code >= low && code <= high, description: `${low}-${high}` };
}
