/** Why a simulation was refused: simulation off, no such check, or a bad status, error or ttlMs. @publicApi */
export class HealthSimulationError extends Error {
  constructor(
    message: string,
    /** `disabled` (simulation is off), `unknown-check`, or `invalid` (a field of the simulation). */
    readonly reason: 'disabled' | 'unknown-check' | 'invalid',
  ) {
    super(message);
    this.name = 'HealthSimulationError';
  }
}
