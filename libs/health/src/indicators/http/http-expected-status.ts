/** Which response status codes an HTTP check accepts. */
export interface ExpectedStatus {
  matches(statusCode: number): boolean;
  /** For messages: `2xx`, `200 or 204`, `200-399`. */
  description: string;
}

const ITEM = /^\s*([1-5]\d\d)(?:\s*-\s*([1-5]\d\d))?\s*$/;

/**
 * Reads the `expectedStatus` option: a code, a list of codes, or (default) any 2xx; as a string, the
 * syntax of the CLI's `--expect`: a code, a range, or a comma-separated list of them (`'200,204,300-399'`).
 * The CLI (`bin/nest-vitals.js`, plain JavaScript run unbuilt) parses the same syntax itself; a spec
 * holds the two to the same answers.
 */
export function parseExpectedStatus(expected: number | number[] | string | undefined): ExpectedStatus {
  if (expected === undefined) return { matches: (code) => code >= 200 && code <= 299, description: '2xx' };
  if (typeof expected === 'number') return { matches: (code) => code === expected, description: String(expected) };
  if (Array.isArray(expected)) {
    const codes = new Set(expected);
    return { matches: (code) => codes.has(code), description: expected.join(' or ') };
  }
  const ranges = expected.split(',').map((item) => {
    const match = ITEM.exec(item);
    if (!match)
      throw new Error(`invalid expected status ${JSON.stringify(expected)}; expected a code, a range like "200-399", or a comma-separated list of them`);
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    if (low > high) throw new Error(`invalid expected status ${JSON.stringify(expected)}: the range ${low}-${high} is empty`);
    return [low, high] as const;
  });
  return {
    matches: (code) => ranges.some(([low, high]) => code >= low && code <= high),
    description: ranges.map(([low, high]) => (low === high ? String(low) : `${low}-${high}`)).join(' or '),
  };
}
