import { HealthOptionsError } from './health-options.error.js';

/** Why an optional peer package could not be used. */
export type OptionalPeerProblem = 'missing' | 'broken';

/** What an option needs: the package it imports and how to install it. */
export interface OptionalPeerNeed {
  /** The option that needs the package, e.g. `redis.url`. */
  option: string;
  /** The package imported, e.g. `ioredis`. */
  packageName: string;
  /** Every package to install for the option, when more than the imported one. @default [packageName] */
  install?: string[];
}

/** The one shape of every optional-peer message: which option needs which package, and the install command. */
function optionalPeerMessage(need: OptionalPeerNeed, problem: OptionalPeerProblem, cause?: unknown): string {
  const command = `npm install ${(need.install ?? [need.packageName]).join(' ')}`;
  if (problem === 'missing') return `"${need.option}" needs the "${need.packageName}" package, which is not installed; install it: ${command}`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return `"${need.option}" needs the "${need.packageName}" package, which is installed but failed to load (${reason}); reinstall it: ${command}`;
}

/**
 * Thrown at bootstrap when an option needs an optional peer package that is not installed
 * (`problem: 'missing'`) or is installed but cannot be loaded (`problem: 'broken'`).
 * @publicApi
 */
export class OptionalPeerError extends HealthOptionsError {
  constructor(
    readonly need: OptionalPeerNeed,
    readonly problem: OptionalPeerProblem,
    cause?: unknown,
  ) {
    super([optionalPeerMessage(need, problem, cause)]);
    this.name = 'OptionalPeerError';
    if (cause !== undefined) this.cause = cause;
  }
}
