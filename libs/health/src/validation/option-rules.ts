/**
 * A tiny declarative validator for module options: each rule returns the problems it found,
 * each naming the option path, what is accepted and what was given.
 */
export type OptionRule = (value: unknown, path: string) => string[];

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'symbol')
    return `${typeof value} ${String(value)}`;
  return 'undefined';
}

const problem = (path: string, accepted: string, value: unknown) => `"${path}" must be ${accepted}; got ${describeValue(value)}`;

export const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): OptionRule =>
  (value, path) => {
    const accepted = `an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}${unit ? ` (${unit})` : ''}`;
    return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? [] : [problem(path, accepted, value)];
  };

export const number =
  (min: number, max: number, unit: string): OptionRule =>
  (value, path) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? []
      : [problem(path, `a number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max} (${unit})`, value)];

export const nonEmptyString: OptionRule = (value, path) =>
  typeof value === 'string' && value.trim().length > 0 ? [] : [problem(path, 'a non-empty string', value)];

export const matching =
  (pattern: RegExp, description: string): OptionRule =>
  (value, path) =>
    typeof value === 'string' && pattern.test(value) ? [] : [problem(path, description, value)];

export const boolean: OptionRule = (value, path) => (typeof value === 'boolean' ? [] : [problem(path, 'true or false', value)]);

export const func: OptionRule = (value, path) => (typeof value === 'function' ? [] : [problem(path, 'a function', value)]);

export const oneOf =
  (accepted: readonly (string | number | boolean)[]): OptionRule =>
  (value, path) =>
    accepted.includes(value as string) ? [] : [problem(path, `one of ${accepted.map((a) => JSON.stringify(a)).join(', ')}`, value)];

export const arrayOf =
  (item: OptionRule, { nonEmpty = false, unique = false } = {}): OptionRule =>
  (value, path) => {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
      return [problem(path, `${nonEmpty ? 'a non-empty' : 'an'} array`, value)];
    }
    const problems = value.flatMap((entry, index) => item(entry, `${path}[${index}]`));
    if (unique && new Set(value).size !== value.length) problems.push(`"${path}" must not repeat a value; got ${describeValue(value)}`);
    return problems;
  };

/** Accepts the value when any rule accepts it; otherwise reports the given description. */
export const either =
  (accepted: string, ...rules: OptionRule[]): OptionRule =>
  (value, path) =>
    rules.some((rule) => rule(value, path).length === 0) ? [] : [problem(path, accepted, value)];

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object with known keys; an unknown key is a problem that lists the accepted keys. */
export const shape =
  (fields: Record<string, OptionRule>, refine?: (value: Record<string, unknown>, path: string) => string[]): OptionRule =>
  (value, path) => {
    if (!isPlainObject(value)) return [problem(path, 'an object', value)];
    const problems: string[] = [];
    for (const key of Object.keys(value)) {
      const rule = fields[key];
      const keyPath = path ? `${path}.${key}` : key;
      if (!rule) {
        problems.push(`unknown option "${keyPath}"; accepted: ${Object.keys(fields).join(', ')}`);
      } else if (value[key] !== undefined) {
        problems.push(...rule(value[key], keyPath));
      }
    }
    if (problems.length === 0 && refine) problems.push(...refine(value, path));
    return problems;
  };

/** Exactly one rule per key of `T`, optional keys included. */
export type RulesFor<T> = { [K in keyof Required<T>]-?: OptionRule };

/**
 * `shape` for the options type `T`, checked against it at compile time: a key of `T` without a
 * rule, or a rule for a key `T` does not have, fails `tsc`. The schema and the option types are
 * one source of truth.
 */
export const shapeOf =
  <T>() =>
  <R extends RulesFor<T>>(
    fields: R & Record<Exclude<keyof R, keyof T>, never>,
    refine?: (value: Record<string, unknown>, path: string) => string[],
  ): OptionRule =>
    shape(fields, refine);

/** An object whose keys are free names, each value checked by one rule. */
export const recordOf =
  (keyRule: OptionRule, valueRule: OptionRule): OptionRule =>
  (value, path) => {
    if (!isPlainObject(value)) return [problem(path, 'an object keyed by name', value)];
    return Object.entries(value).flatMap(([key, entry]) => [...keyRule(key, `${path} key`), ...valueRule(entry, `${path}.${key}`)]);
  };
