import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/**
 * `microservices` option of `HealthModule.forRoot`: one check per transport server of the app
 * (`connectMicroservice`, `createMicroservice`) and per `ClientProxy` provider (`ClientsModule`),
 * each reporting the connection status Nest emits. The settings apply to every one of those checks.
 * @publicApi
 */
export interface MicroservicesIndicatorOptions extends HealthIndicatorOptions {
  /** Check the app's transport servers (`transport-<name>`). @default true */
  servers?: boolean;
  /** Check the app's `ClientProxy` providers (`client-<token>`). @default true */
  clients?: boolean;
}
