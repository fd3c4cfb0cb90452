/** What a field of a log entry holds. @publicApi */
export type HealthLogFieldValue = string | number | boolean;

/** Node's `util.inspect.custom`, by its registered name (no `node:util` import for a symbol). */
const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');

/** A logfmt value: bare when it is a plain token, else a JSON string (quotes and newlines escaped). */
function logfmtValue(value: HealthLogFieldValue): string {
  const text = String(value);
  return /^[A-Za-z0-9_.:/@+-]+$/.test(text) ? text : JSON.stringify(text);
}

/**
 * One log event as an object: `msg` and its fields as own properties, e.g.
 * `{ msg: 'health check transition', check: 'payments', from: 'UP', to: 'DOWN', durationMs: 1001, reason: '…' }`.
 * Handed to Nest's `Logger` as the message, so every logger gets what it can use:
 * - `nestjs-pino` copies the fields into the record: `{"level":40,…,"msg":"health check transition","check":"payments",…}`;
 * - `ConsoleLogger({ json: true })` serializes it (`toJSON`) under `message`: `{"level":"warn",…,"message":{"msg":…,"check":…}}`;
 * - the text `ConsoleLogger` prints it through `util.inspect`, and any other logger through `String()`: one logfmt line,
 *   `health check transition check=payments from=UP to=DOWN durationMs=1001 reason="timed out after 1000 ms"`.
 * A custom `LoggerService` can tell it apart with `message instanceof HealthLogEntry`.
 * @publicApi
 */
export class HealthLogEntry {
  readonly msg: string;

  /** Fields whose value is `undefined` are left out. */
  constructor(msg: string, fields: Record<string, HealthLogFieldValue | undefined>) {
    this.msg = msg;
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    }
  }

  /** The fields other than `msg`, in the order given. */
  fields(): Record<string, HealthLogFieldValue> {
    return Object.fromEntries(Object.entries(this.toJSON()).filter(([key]) => key !== 'msg'));
  }

  /** `msg key=value key="quoted value"`: one line whatever the values hold. */
  toString(): string {
    const pairs = Object.entries(this.fields()).map(([key, value]) => `${key}=${logfmtValue(value)}`);
    return [this.msg, ...pairs].join(' ');
  }

  toJSON(): Record<string, HealthLogFieldValue> {
    return { ...(this as unknown as Record<string, HealthLogFieldValue>) };
  }

  [INSPECT_CUSTOM](): string {
    return this.toString();
  }
}
