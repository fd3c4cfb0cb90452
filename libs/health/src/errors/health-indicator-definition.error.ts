/** Thrown at bootstrap when an indicator is declared wrongly. @publicApi */
export class HealthIndicatorDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid health indicator definition:\n  - ${problems.join('\n  - ')}`);
    this.name = 'HealthIndicatorDefinitionError';
  }
}
