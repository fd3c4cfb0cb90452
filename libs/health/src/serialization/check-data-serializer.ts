import { isSecretKey, redact, REDACTED } from '../redaction/redactor.js';

/**
 * The bounds every check's data is held to. Past them a value is shortened, never refused, so a check
 * returning odd data still renders: its status is what a probe needs.
 */
export const CHECK_DATA_LIMITS = {
  /** Containers nested deeper than this (the data object itself is depth 0) become `"[Truncated]"`. */
  maxDepth: 16,
  /** Strings (values and keys) longer than this are cut, after redaction, with a note of how much went. */
  maxStringLength: 2048,
  /** Entries of one object, array, Map or Set kept; the rest are counted in one `"[+N more]"` entry (`"[more]"` key of an object). */
  maxEntries: 1000,
  /** Values read in the whole data; past it, containers become `"[Truncated]"` and the remaining entries are counted. */
  maxValues: 10_000,
} as const;

export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';

/** The key an object gets for the entries past `maxEntries`. */
const MORE_KEY = '[more]';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What to do with a value: a JSON value, or nothing (left out of an object; `null` in an array, as `JSON.stringify` does). */
type Sanitized = JsonValue | undefined;

function cut(text: string): string {
  const max = CHECK_DATA_LIMITS.maxStringLength;
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/** Redacts first: a cut through a URL would leave part of its password where the redactor no longer sees a URL. */
function safeText(text: string): string {
  return cut(redact(text));
}

function byteSummary(value: ArrayBuffer | ArrayBufferView): string {
  const kind = Buffer.isBuffer(value) ? 'Buffer' : ArrayBuffer.isView(value) ? value.constructor.name || 'TypedArray' : 'ArrayBuffer';
  return `[${kind} ${value.byteLength} bytes]`;
}

class CheckDataSerializer {
  private values = 0;
  /** The containers on the path from the root to the value being read: meeting one again is a cycle. */
  private readonly ancestors = new Set<object>();

  value(value: unknown, depth: number): Sanitized {
    this.values++;
    switch (typeof value) {
      case 'string':
        return safeText(value);
      case 'number':
        return Number.isFinite(value) ? value : String(value);
      case 'boolean':
        return value;
      case 'bigint':
        return value.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return null;
    return this.object(value as object, depth);
  }

  private object(value: object, depth: number): Sanitized {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return byteSummary(value);
    if (value instanceof RegExp) return safeText(String(value));
    if (value instanceof Error) return safeText(`${value.name}: ${value.message}`);
    if (this.ancestors.has(value)) return CIRCULAR;
    if (depth >= CHECK_DATA_LIMITS.maxDepth || !this.withinBudget()) return TRUNCATED;
    this.ancestors.add(value);
    try {
      if (Array.isArray(value)) return this.list(value, depth);
      if (value instanceof Set) return this.list([...(value as Set<unknown>)], depth);
      if (value instanceof Map) {
        const entries = [...(value as Map<unknown, unknown>)].map(([key, entry]) => [String(key), (): unknown => entry] as const);
        return this.entries(entries, depth);
      }
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === 'function') return this.value(json.call(value), depth + 1);
      return this.entries(
        Object.keys(value).map((key) => [key, () => (value as Record<string, unknown>)[key]] as const),
        depth,
      );
    } finally {
      this.ancestors.delete(value);
    }
  }

  private list(items: readonly unknown[], depth: number): JsonValue[] {
    const limit = Math.min(items.length, CHECK_DATA_LIMITS.maxEntries);
    const out: JsonValue[] = [];
    let index = 0;
    for (; index < limit && this.withinBudget(); index++) out.push(this.guarded(() => items[index], depth) ?? null);
    if (items.length > index) out.push(`[+${items.length - index} more]`);
    return out;
  }

  /** Entries are read lazily (a getter may throw) and keys named like secrets lose their value at every depth. */
  private entries(entries: (readonly [string, () => unknown])[], depth: number): { [key: string]: JsonValue } {
    const out: [string, JsonValue][] = [];
    const limit = Math.min(entries.length, CHECK_DATA_LIMITS.maxEntries);
    let index = 0;
    for (; index < limit && this.withinBudget(); index++) {
      const [key, read] = entries[index];
      const shownKey = safeText(key);
      if (isSecretKey(key)) {
        out.push([shownKey, REDACTED]);
        continue;
      }
      const sanitized = this.guarded(read, depth);
      if (sanitized !== undefined) out.push([shownKey, sanitized]);
    }
    if (entries.length > index) out.push([MORE_KEY, `${entries.length - index} more entries`]);
    // fromEntries defines own properties: a key "__proto__" stays a key, never a prototype.
    return Object.fromEntries(out);
  }

  private withinBudget(): boolean {
    return this.values <= CHECK_DATA_LIMITS.maxValues;
  }

  private guarded(read: () => unknown, depth: number): Sanitized {
    try {
      return this.value(read(), depth + 1);
    } catch (error) {
      return `[unreadable: ${safeText(error instanceof Error ? error.message : typeof error)}]`;
    }
  }
}

/**
 * The one serializer of check data: turns whatever a check returned into plain, redacted, bounded JSON
 * data. BigInt becomes its decimal text, a cycle `"[Circular]"`, a `Date` ISO text, a Buffer or typed
 * array `"[Buffer N bytes]"`, a Map an object, a Set an array; functions, symbols and `undefined` are
 * left out; strings past `maxStringLength` are cut; containers past `maxDepth` become `"[Truncated]"`;
 * every string is redacted and every key named like a secret loses its value, at every kept depth.
 * Never throws. The runner applies it once to each result, so every representation, log line, metric
 * and span reads data that `JSON.stringify` cannot fail on. Any new outbound path for check data
 * (a format, a log field, a CLI) reads `HealthCheckResult.data`, already serialized: it never serializes twice.
 */
export function serializeCheckData(data: unknown): Record<string, JsonValue> {
  let sanitized: Sanitized;
  try {
    sanitized = new CheckDataSerializer().value(data, 0);
  } catch (error) {
    // Only a stack overflow or an exotic proxy can get here; the check's status still renders.
    sanitized = { error: safeText(`check data could not be read: ${error instanceof Error ? error.message : typeof error}`) };
  }
  if (sanitized === null || typeof sanitized !== 'object' || Array.isArray(sanitized)) return sanitized === undefined ? {} : { value: sanitized };
  return sanitized;
}
