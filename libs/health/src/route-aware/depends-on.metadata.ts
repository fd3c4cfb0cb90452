/** Where `@DependsOn()` keeps what a controller class or a handler method declared. */
export const DEPENDS_ON_METADATA = 'nest-vitals:depends-on';

/** Options of one `@DependsOn()`. @publicApi */
export interface DependsOnOptions {
  /**
   * While a check the route depends on is DOWN, answer 503 (gRPC: `UNAVAILABLE`) at once, without running
   * the handler. Overrides the module's `dependsOn.failFast` for these routes; a method's setting wins over its class's.
   */
  failFast?: boolean;
}

/** What one class or method declared: check names and `group:<name>` selectors, in order. */
export interface DependsOnMetadata extends DependsOnOptions {
  names: string[];
}

/** The declaration of a class or a method, if any. */
export function getDependsOnMetadata(target: object): DependsOnMetadata | undefined {
  return Reflect.getMetadata(DEPENDS_ON_METADATA, target) as DependsOnMetadata | undefined;
}
