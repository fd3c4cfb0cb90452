import { Inject } from '@nestjs/common';

/** Token of the validated options, with defaults filled in. */
export const RESOLVED_HEALTH_OPTIONS = Symbol('nest-vitals:resolved-options');

/** Injects the validated options, defaults filled in. @publicApi */
export const InjectHealthOptions = () => Inject(RESOLVED_HEALTH_OPTIONS);

/** Token of the `openapi` extra (`false`: document nothing for Swagger), read when the module is defined. */
export const HEALTH_OPENAPI_ENABLED = Symbol('nest-vitals:openapi-enabled');
