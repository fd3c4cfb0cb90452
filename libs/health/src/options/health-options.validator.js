import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthModuleOptionsSchema } from './health-options.schema.js';
import { isPlainObject } from './option-rules.js';
export const DEFAULT_HTTP_STATUS = {
    UP: 200,
    DEGRADED: 200,
    DOWN: 503,
    STARTING: 503,
    SHUTTING_DOWN: 503,
};
/** Thrown at bootstrap when the options are invalid; the message names each bad option. @publicApi */
export class HealthOptionsError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid HealthModule options:\n  - ${problems.join('\n  - ')}`);
        this.problems = problems;
        this.name = 'HealthOptionsError';
    }
}
function readAppPackage() {
    try {
        const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
        return isPlainObject(pkg) ? { name: pkg.name, version: pkg.version } : {};
    }
    catch {
        return {};
    }
}
/** Validates the user's options and fills in defaults. Throws `HealthOptionsError` naming every bad option. */
export function resolveHealthOptions(options) {
    const input = options ?? {};
    const problems = healthModuleOptionsSchema(input, '');
    if (problems.length > 0)
        throw new HealthOptionsError(problems);
    const appPackage = readAppPackage();
    const apiKey = input.apiKey;
    return {
        ...input,
        path: (input.path ?? 'health').replace(/^\/+/, ''),
        service: {
            name: input.service?.name ?? process.env.npm_package_name ?? appPackage.name ?? 'app',
            version: input.service?.version ?? process.env.npm_package_version ?? appPackage.version ?? '0.0.0',
            environment: input.service?.environment ?? process.env.NODE_ENV ?? 'development',
        },
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
//# sourceMappingURL=health-options.validator.js.map