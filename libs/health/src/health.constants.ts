/** Token of the validated options, with defaults filled in. */
export const RESOLVED_HEALTH_OPTIONS = Symbol('nest-vitals:resolved-options');
/** Token of the controller class created for one `HealthModule` import. */
export const HEALTH_CONTROLLER_CLASS = Symbol('nest-vitals:controller-class');
