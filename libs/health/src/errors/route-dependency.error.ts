/** Thrown at bootstrap when a `@DependsOn()` names a check or group the app does not have. @publicApi */
export class RouteDependencyError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid @DependsOn():\n  - ${problems.join('\n  - ')}`);
    this.name = 'RouteDependencyError';
  }
}
