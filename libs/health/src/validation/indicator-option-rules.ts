/*
 * The rules every options section shares: check names, tags, execution settings and the settings of one
 * indicator, and the small rules built-ins compose theirs from (URLs, thresholds, `true` or an object).
 * The module's schema (`options/health-options.schema.ts`) and each built-in's rule
 * (`indicators/<kind>/<kind>.builtin.ts`) are made of these.
 */
import type { HealthIndicatorOptions, IndicatorExecutionOptions } from '../interfaces/health-indicator.interface.js';
import { PROBES } from '../interfaces/health-status.interface.js';
import { arrayOf, boolean, integer, matching, nonEmptyString, number, oneOf, recordOf, type OptionRule, type RulesFor } from './option-rules.js';

export const CHECK_NAME_PATTERN = /^[a-z0-9][a-z0-9-_.]*$/;
export const CHECK_NAME_ACCEPTED = 'a check name matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';
/** The longest delay a Node.js timer takes. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A check name, as built-ins that take one (`redis.name`, `http.<name>`) accept it. */
export const checkName = matching(CHECK_NAME_PATTERN, CHECK_NAME_ACCEPTED);

/** A tag has the shape of a check name. */
export const TAG_ACCEPTED = 'a tag matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';
/** Prefix of a group selector that picks checks by tag rather than by name. */
export const TAG_SELECTOR_PREFIX = 'tag:';

/** Execution settings shared by the module and every indicator. */
export const executionFields: RulesFor<IndicatorExecutionOptions> = {
  timeoutMs: integer(1, MAX_TIMER_MS, 'milliseconds'),
  cacheTtlMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  refreshIntervalMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
  failureThreshold: integer(1, 1000, 'consecutive results'),
  successThreshold: integer(1, 1000, 'consecutive results'),
  slowCheckMs: integer(0, MAX_TIMER_MS, 'milliseconds, 0 disables'),
};

/** Settings of one indicator: execution settings plus probes and criticality. */
export const indicatorFields: RulesFor<HealthIndicatorOptions> = {
  ...executionFields,
  // `[]`: a route-scoped check, in no probe; it gates the routes that `@DependsOn()` it.
  probes: arrayOf(oneOf(PROBES), { unique: true }),
  critical: boolean,
  tags: arrayOf(matching(CHECK_NAME_PATTERN, TAG_ACCEPTED), { unique: true }),
};

export const percent = number(0, 100, 'percent');
export const megabytes = number(0, Number.MAX_SAFE_INTEGER, 'MB');

/** `warn` must not be above `down` when both are set. */
export const warnNotAboveDown =
  (warnKey: string, downKey: string) =>
  (value: Record<string, unknown>, path: string): string[] =>
    typeof value[warnKey] === 'number' && typeof value[downKey] === 'number' && value[warnKey] > value[downKey]
      ? [`"${path}.${warnKey}" (${value[warnKey]}) must not be above "${path}.${downKey}" (${value[downKey]})`]
      : [];

/** A URL with one of these protocols; a malformed one is never repeated (it may hold a password). */
export const url =
  (protocols: string[]): OptionRule =>
  (value, path) => {
    const accepted = `a URL with protocol ${protocols.join(' or ')}`;
    if (typeof value !== 'string') return [`"${path}" must be ${accepted}; got ${typeof value}`];
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // The value itself may hold a password: never repeat it.
      return [`"${path}" must be ${accepted}; got a malformed URL`];
    }
    return protocols.includes(parsed.protocol.replace(/:$/, '')) ? [] : [`"${path}" must be ${accepted}; got protocol "${parsed.protocol.replace(/:$/, '')}"`];
  };

/** A broker section needs its `url`. */
export const requiredUrl = (value: Record<string, unknown>, path: string): string[] => (value.url === undefined ? [`"${path}.url" is required`] : []);

/** `true`, or an options object for a built-in indicator. */
export const enabledOr =
  (rule: OptionRule): OptionRule =>
  (value, path) =>
    value === true || value === false ? [] : rule(value, path);

/** A record of header names to string values. */
export const stringHeaders = recordOf(nonEmptyString, (v, p) => (typeof v === 'string' ? [] : [`"${p}" must be a string`]));
