import { CHECK_STATUSES, type CheckStatus } from '../interfaces/health-status.interface.js';
import { isPlainObject } from '../validation/option-rules.js';
import { redact } from '../redaction/redactor.js';

/** What a simulated check reports, and for how long. @publicApi */
export interface CheckSimulation {
  /** The status the check reports instead of its own: `UP`, `DEGRADED` or `DOWN`. */
  status: CheckStatus;
  /** The reason shown with it (`error` of a DOWN result, `message` of another). @default `simulated <status>` */
  error?: string;
  /** The simulation ends by itself this long after it starts. @default 300000 (5 minutes) */
  ttlMs?: number;
}

/** Ends a simulation (if it is still the one in force); resolves once the check's real result is back. @publicApi */
export type SimulationRestore = () => Promise<void>;

/** A simulation in force, as `/settings` and logs describe it. */
export interface ActiveSimulationView {
  check: string;
  status: CheckStatus;
  error?: string;
  /** When it ends by itself (ISO 8601). */
  endsAt: string;
}

export const SIMULATION_DEFAULT_TTL_MS = 300_000;
const MAX_TTL_MS = 2 ** 31 - 1;
const MAX_ERROR_LENGTH = 500;
const FIELDS = ['status', 'error', 'ttlMs'];

/**
 * The problems of a simulation given by a caller (a JSON body or `simulate()`'s argument), each naming
 * the field and the accepted values; none means it is valid.
 */
export function simulationProblems(input: unknown): string[] {
  if (!isPlainObject(input)) return ['the simulation must be a JSON object such as { "status": "DOWN", "ttlMs": 3000, "error": "payments unreachable" }'];
  const problems: string[] = [];
  const statuses = CHECK_STATUSES.map((status) => `"${status}"`).join(', ');
  if (input.status === undefined) problems.push(`"status" is required: one of ${statuses}`);
  else if (typeof input.status !== 'string' || !(CHECK_STATUSES as readonly string[]).includes(input.status)) {
    problems.push(
      `"status" must be one of ${statuses}; got ${typeof input.status === 'string' ? JSON.stringify(input.status.slice(0, 40)) : typeof input.status}`,
    );
  }
  if (input.error !== undefined && (typeof input.error !== 'string' || input.error.trim() === '' || input.error.length > MAX_ERROR_LENGTH)) {
    problems.push(`"error" must be a non-empty string of at most ${MAX_ERROR_LENGTH} characters`);
  }
  if (input.ttlMs !== undefined && (typeof input.ttlMs !== 'number' || !Number.isInteger(input.ttlMs) || input.ttlMs < 1 || input.ttlMs > MAX_TTL_MS)) {
    problems.push(`"ttlMs" must be an integer from 1 to ${MAX_TTL_MS} (milliseconds); got ${JSON.stringify(input.ttlMs)?.slice(0, 40) ?? typeof input.ttlMs}`);
  }
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) problems.push(`unknown field ${JSON.stringify(key.slice(0, 40))}; accepted: status, error, ttlMs`);
  }
  return problems;
}

/** A valid simulation with its defaults; the reason redacted as every reason is. */
export function normalizeSimulation(input: CheckSimulation): Required<Omit<CheckSimulation, 'error'>> & Pick<CheckSimulation, 'error'> {
  return {
    status: input.status,
    ttlMs: input.ttlMs ?? SIMULATION_DEFAULT_TTL_MS,
    ...(input.error === undefined ? {} : { error: redact(input.error) }),
  };
}
