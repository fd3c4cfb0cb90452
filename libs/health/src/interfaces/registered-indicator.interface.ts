import type { BoundHealthIndicator, ExecutionSettings, HealthIndicatorCheck } from './health-indicator.interface.js';
import type { Probe } from './health-status.interface.js';

/** An indicator as the registry holds it: settings resolved against the module defaults. */
export interface RegisteredIndicator extends ExecutionSettings {
  name: string;
  instance: HealthIndicatorCheck;
  /** The result builder bound to `name`, handed to every run as the context's `indicator`. */
  builder: BoundHealthIndicator;
  /** Where it came from, for error messages: a class name or `HealthModule.forRoot({ redis })`. */
  source: string;
  probes: Probe[];
  tags: string[];
  /** Set when `unregister()` removed it: a run still in flight then reports nothing (no metric, no transition). */
  retired?: boolean;
  critical: boolean;
}
