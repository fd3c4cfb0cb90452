import { HealthOptionsError } from '../errors/health-options.error.js';
import type { HealthModuleOptions } from './health-module-options.js';
import { redact } from '../redaction/redactor.js';
import { readAppPackage } from './app-package.js';
import { HEALTH_DEFAULTS, withExecutionDefaults } from './health-options.defaults.js';
import { validateHealthOptions } from './health-options.validator.js';
import type { ResolvedHealthOptions } from './resolved-health-options.js';

/** Validates the user's options and fills in defaults. Throws `HealthOptionsError` naming every bad option. */
export function resolveHealthOptions(options: HealthModuleOptions | undefined): ResolvedHealthOptions {
  const input = validateHealthOptions(options);
  if (input.simulation?.enabled === true && process.env.NODE_ENV === 'production' && input.simulation.allowInProduction !== true) {
    throw new HealthOptionsError([
      '"simulation.enabled" is true under NODE_ENV=production: simulated results can take pods out of rotation; set "simulation.allowInProduction": true to allow it, or turn simulation off',
    ]);
  }
  const defaults = HEALTH_DEFAULTS;
  const appPackage = readAppPackage();
  const apiKey = input.apiKey;
  return {
    ...input,
    // Shown in every detailed report and label: redacted once, here.
    service: {
      name: redact(input.service?.name ?? process.env.npm_package_name ?? appPackage.name ?? defaults.service.name),
      version: redact(input.service?.version ?? process.env.npm_package_version ?? appPackage.version ?? defaults.service.version),
      environment: redact(input.service?.environment ?? process.env.NODE_ENV ?? defaults.service.environment),
    },
    httpStatus: { ...defaults.httpStatus, ...input.httpStatus },
    details: input.details ?? defaults.details,
    ...withExecutionDefaults(input, defaults),
    shutdown: {
      drainDelayMs: input.shutdown?.drainDelayMs ?? defaults.shutdown.drainDelayMs,
      signals: input.shutdown?.signals ?? [...defaults.shutdown.signals],
      ...(input.shutdown?.timeoutMs === undefined ? {} : { timeoutMs: input.shutdown.timeoutMs }),
    },
    apiKeys: apiKey === undefined ? [] : Array.isArray(apiKey) ? apiKey : [apiKey],
  };
}
