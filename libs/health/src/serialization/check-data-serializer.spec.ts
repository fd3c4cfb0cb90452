import { describe, expect, it } from '@jest/globals';
import { CHECK_DATA_LIMITS, CIRCULAR, serializeCheckData, TRUNCATED } from './check-data-serializer.js';

/** `{ level: { level: … value } }`, `levels` deep. */
function nested(levels: number, value: unknown): Record<string, unknown> {
  let node: Record<string, unknown> = { value };
  for (let index = 0; index < levels; index++) node = { level: node };
  return node;
}

describe('serializeCheckData', () => {
  it('keeps plain JSON data as it is', () => {
    const data = { driver: 'postgres', responseTimeMs: 3, ok: true, none: null, list: [1, 'two', { three: 3 }] };
    expect(serializeCheckData(data)).toEqual(data);
  });

  it('writes BigInt as decimal text, Date as ISO text, non-finite numbers as text', () => {
    expect(serializeCheckData({ big: 10n, huge: 2n ** 70n, at: new Date(Date.UTC(2026, 0, 2)), bad: new Date(NaN), nan: NaN, inf: -Infinity })).toEqual({
      big: '10',
      huge: '1180591620717411303424',
      at: '2026-01-02T00:00:00.000Z',
      bad: 'Invalid Date',
      nan: 'NaN',
      inf: '-Infinity',
    });
  });

  it('leaves out functions, symbols and undefined (null in arrays, as JSON.stringify does)', () => {
    expect(serializeCheckData({ fn: () => 1, sym: Symbol('x'), undef: undefined, list: [() => 1, Symbol('y'), undefined, 1], kept: 1 })).toEqual({
      list: [null, null, null, 1],
      kept: 1,
    });
  });

  it('summarises Buffers and typed arrays, and reads Maps, Sets and Errors', () => {
    expect(
      serializeCheckData({
        buffer: Buffer.alloc(1234),
        bytes: new Uint8Array(16),
        raw: new ArrayBuffer(8),
        map: new Map<unknown, unknown>([
          ['a', 1],
          [2, 'b'],
        ]),
        set: new Set([1, 2]),
        error: new Error('connect failed postgres://app:s3cr3t@db/x'),
      }),
    ).toEqual({
      buffer: '[Buffer 1234 bytes]',
      bytes: '[Uint8Array 16 bytes]',
      raw: '[ArrayBuffer 8 bytes]',
      map: { a: 1, '2': 'b' },
      set: [1, 2],
      error: 'Error: connect failed postgres://app:***@db/x',
    });
  });

  it('marks cycles at any depth, and renders a value shared without a cycle twice', () => {
    const cycle: Record<string, unknown> = { name: 'root' };
    cycle.self = cycle;
    const deep = nested(10, null);
    let tail = deep;
    while (tail.level) tail = tail.level as Record<string, unknown>;
    tail.back = deep;
    const shared = { n: 1 };
    const out = serializeCheckData({ cycle, deep, a: shared, b: shared });
    expect(out.cycle).toEqual({ name: 'root', self: CIRCULAR });
    expect(JSON.stringify(out.deep)).toContain(`"back":"${CIRCULAR}"`);
    expect(out.a).toEqual({ n: 1 });
    expect(out.b).toEqual({ n: 1 });
  });

  it('redacts at every kept depth, and cuts past the depth cap', () => {
    const data = {
      shallow: { password: 'hunter2' },
      ten: nested(10, { password: 'deep-hunter2', url: 'postgres://deep:d33psecret@db/x' }),
      fifteen: nested(CHECK_DATA_LIMITS.maxDepth - 2, 'postgres://deep:d33psecret@db/x'),
      past: nested(CHECK_DATA_LIMITS.maxDepth + 5, 'postgres://deep:d33psecret@db/x'),
    };
    const text = JSON.stringify(serializeCheckData(data));
    expect(text).not.toMatch(/hunter2|d33psecret/);
    expect(text.match(/postgres:\/\/deep:\*\*\*@db\/x/g)).toHaveLength(2);
    expect(text).toContain(TRUNCATED);
  });

  it('drops the value of every key named like a secret, with a prefix, at any depth', () => {
    expect(
      serializeCheckData({ sasl: { mechanism: 'plain', username: 'svc', password: 's3cr3t' }, env: { PGPASSWORD: 's3cr3t', PGHOST: 'db' }, authorized: false }),
    ).toEqual({
      sasl: { mechanism: 'plain', username: 'svc', password: '***' },
      env: { PGPASSWORD: '***', PGHOST: 'db' },
      authorized: false,
    });
    expect(serializeCheckData({ url: 'redis://u:p@h', nested: [{ password: 'x' }], n: 3 })).toEqual({
      url: 'redis://u:***@h',
      nested: [{ password: '***' }],
      n: 3,
    });
  });

  it('cuts long strings after redacting them, and counts what went', () => {
    const long = `${'x'.repeat(CHECK_DATA_LIMITS.maxStringLength - 10)} postgres://app:s3cr3tpassword@h/db ${'y'.repeat(5000)}`;
    const out = serializeCheckData({ long }).long as string;
    expect(out).not.toMatch(/s3cr3t|3cr3tp/);
    expect(out.length).toBeLessThan(CHECK_DATA_LIMITS.maxStringLength + 50);
    expect(out).toMatch(/\.\.\. \(\d+ more characters\)$/);
  });

  it('keeps at most maxEntries of a container, and counts the rest', () => {
    const list = Array.from({ length: CHECK_DATA_LIMITS.maxEntries + 5 }, (_, index) => index);
    const object = Object.fromEntries(list.map((index) => [`k${index}`, index]));
    const out = serializeCheckData({ list, object });
    expect(out.list).toHaveLength(CHECK_DATA_LIMITS.maxEntries + 1);
    expect((out.list as unknown[]).at(-1)).toBe('[+5 more]');
    expect(Object.keys(out.object as object)).toHaveLength(CHECK_DATA_LIMITS.maxEntries + 1);
  });

  it('never throws: getters that throw, proxies that throw, toJSON that throws', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    const data = {
      get broken(): never {
        throw new Error('getter failed token=s3cr3t');
      },
      hostile,
      json: { toJSON: () => ({ fine: 1n }) },
      badJson: {
        toJSON(): never {
          throw new Error('bad toJSON');
        },
      },
    };
    const out = serializeCheckData(data);
    expect(out.broken).toBe('[unreadable: getter failed token=***]');
    expect(out.hostile).toBe('[unreadable: no keys for you]');
    expect(out.json).toEqual({ fine: '1' });
    expect(out.badJson).toBe('[unreadable: bad toJSON]');
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('keeps a "__proto__" key a key', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const out = serializeCheckData(data);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('bounds the work on a wide value: past maxValues the rest is counted, not read', () => {
    const row = Array.from({ length: 1000 }, () => ({ a: 1 }));
    const wide = Array.from({ length: 1000 }, () => row);
    const started = performance.now();
    const text = JSON.stringify(serializeCheckData({ wide }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(text.length).toBeLessThan(200_000);
    expect(text.endsWith('more]"]}')).toBe(true);
  });
});
