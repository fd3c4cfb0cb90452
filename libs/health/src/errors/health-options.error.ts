/** Thrown at bootstrap when the options are invalid; the message names each bad option. @publicApi */
export class HealthOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid HealthModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'HealthOptionsError';
  }
}
