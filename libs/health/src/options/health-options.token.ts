import { Inject } from '@nestjs/common';

/** Token of the validated options, with defaults filled in. */
export const RESOLVED_HEALTH_OPTIONS = Symbol('nest-vitals:resolved-options');

/** Injects the validated options, defaults filled in. @publicApi */
export const InjectHealthOptions = () => Inject(RESOLVED_HEALTH_OPTIONS);
