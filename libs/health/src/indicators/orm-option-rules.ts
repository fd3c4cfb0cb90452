import { checkName } from '../validation/indicator-option-rules.js';
import { describeValue, isPlainObject, recordOf, type OptionRule } from '../validation/option-rules.js';

/** An injection token: a non-empty string, a symbol or a class. */
export const injectionToken: OptionRule = (value, path) =>
  (typeof value === 'string' && value.length > 0) || typeof value === 'symbol' || typeof value === 'function'
    ? []
    : [`"${path}" must be an injection token (a string, symbol or class); got ${describeValue(value)}`];

/** One injection token, or tokens by name (each name becomes a check name's suffix). */
export const tokenOrTokensByName: OptionRule = (value, path) => {
  if (!isPlainObject(value)) return injectionToken(value, path);
  if (Object.keys(value).length === 0) return [`"${path}" must name at least one token`];
  return recordOf(checkName, injectionToken)(value, path);
};
