import { HealthOptionsError } from '../errors/health-options.error.js';
import type { HealthModuleOptions } from './health-module-options.js';
import { healthModuleOptionsSchema } from './health-options.schema.js';
import { describeValue, isPlainObject } from '../validation/option-rules.js';

/** Checks the user's options against the schema. Throws `HealthOptionsError` naming every bad option. */
export function validateHealthOptions(options: HealthModuleOptions | undefined): HealthModuleOptions {
  const input = options ?? {};
  if (!isPlainObject(input)) {
    throw new HealthOptionsError([`HealthModule options must be an object such as { path: 'health', timeoutMs: 1000 }; got ${describeValue(input)}`]);
  }
  const problems = healthModuleOptionsSchema(input, '');
  if (problems.length > 0) throw new HealthOptionsError(problems);
  return input;
}
