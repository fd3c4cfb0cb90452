import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HealthModuleOptions, DetailsPolicy } from '../interfaces/health-module-options.interface.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';
import { healthModuleOptionsSchema } from './health-options.schema.js';
import { redactDeep } from '../redaction/redactor.js';
import { describeValue, isPlainObject } from './option-rules.js';

/** Module options after validation, with every default filled in. */
export interface ResolvedHealthOptions extends Omit<HealthModuleOptions, 'service' | 'httpStatus' | 'shutdown'> {
  service: { name: string; version: string; environment: string };
  httpStatus: Record<HealthStatus, number>;
  details: DetailsPolicy;
  timeoutMs: number;
  cacheTtlMs: number;
  refreshIntervalMs: number;
  failureThreshold: number;
  successThreshold: number;
  shutdown: { drainDelayMs: number; signals: string[] };
  apiKeys: string[];
}

export const DEFAULT_HTTP_STATUS: Readonly<Record<HealthStatus, number>> = {
  UP: 200,
  DEGRADED: 200,
  DOWN: 503,
  STARTING: 503,
  SHUTTING_DOWN: 503,
};

/** Thrown at bootstrap when the options are invalid; the message names each bad option. @publicApi */
export class HealthOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid HealthModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'HealthOptionsError';
  }
}

function readAppPackage(): { name?: string; version?: string } {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
    return isPlainObject(pkg) ? { name: pkg.name as string | undefined, version: pkg.version as string | undefined } : {};
  } catch {
    return {};
  }
}

/** Validates the user's options and fills in defaults. Throws `HealthOptionsError` naming every bad option. */
export function resolveHealthOptions(options: HealthModuleOptions | undefined): ResolvedHealthOptions {
  const input = options ?? {};
  if (!isPlainObject(input as unknown)) {
    throw new HealthOptionsError([`HealthModule options must be an object such as { path: 'health', timeoutMs: 1000 }; got ${describeValue(input)}`]);
  }
  const problems = healthModuleOptionsSchema(input, '');
  if (problems.length > 0) throw new HealthOptionsError(problems);

  const appPackage = readAppPackage();
  const apiKey = input.apiKey;
  return {
    ...input,
    // Shown in every detailed report and label: redacted once, here.
    service: redactDeep({
      name: input.service?.name ?? process.env.npm_package_name ?? appPackage.name ?? 'app',
      version: input.service?.version ?? process.env.npm_package_version ?? appPackage.version ?? '0.0.0',
      environment: input.service?.environment ?? process.env.NODE_ENV ?? 'development',
    }),
    httpStatus: { ...DEFAULT_HTTP_STATUS, ...input.httpStatus },
    details: input.details ?? 'when-authorized',
    timeoutMs: input.timeoutMs ?? 1000,
    cacheTtlMs: input.cacheTtlMs ?? 0,
    refreshIntervalMs: input.refreshIntervalMs ?? 0,
    failureThreshold: input.failureThreshold ?? 1,
    successThreshold: input.successThreshold ?? 1,
    shutdown: {
      drainDelayMs: input.shutdown?.drainDelayMs ?? 5000,
      signals: input.shutdown?.signals ?? ['SIGTERM'],
    },
    apiKeys: apiKey === undefined ? [] : Array.isArray(apiKey) ? apiKey : [apiKey],
  };
}
