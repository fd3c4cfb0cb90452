import { getHealthIndicatorMetadata } from '../decorators/health-indicator.decorator.js';

/**
 * The key a built-in reports under: the name it was given, else the name of the nearest
 * `@HealthIndicator()` on its class (a subclass's own decorator wins over the built-in's).
 */
export function resolveCheckName(indicatorClass: Function, given: string | undefined): string {
  return given ?? getHealthIndicatorMetadata(indicatorClass)?.name ?? indicatorClass.name;
}
