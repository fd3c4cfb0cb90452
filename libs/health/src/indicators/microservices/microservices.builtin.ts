import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import { enabledOr, indicatorFields } from '../../validation/indicator-option-rules.js';
import { boolean, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin, sectionOf } from '../builtin-kind.js';
import { findTransports } from './transport-finder.js';
import { TransportStatusHealthIndicator } from './transport-status.indicator.js';

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

/** The `microservices` checks of one app: created at module init, unsubscribed at shutdown. */
class MicroserviceWatches {
  readonly indicators: TransportStatusHealthIndicator[] = [];
  constructor(readonly section: MicroservicesIndicatorOptions) {}
  onApplicationShutdown(): void {
    for (const indicator of this.indicators) indicator.onApplicationShutdown();
  }
}

/** `microservices`: the app's transport servers and `ClientProxy` clients by the status Nest emits, one check each. */
export const microservicesBuiltin = defineBuiltin({
  option: 'microservices',
  rule: enabledOr(
    shapeOf<MicroservicesIndicatorOptions>()({ ...indicatorFields, servers: boolean, clients: boolean }, (value, path) =>
      value.servers === false && value.clients === false
        ? [`"${path}" checks nothing with both "servers" and "clients" false; set one to true or remove "${path}"`]
        : [],
    ),
  ),
  create: (value: boolean | MicroservicesIndicatorOptions | undefined) => {
    const section = sectionOf(value);
    return section ? new MicroserviceWatches(section) : null;
  },
  // The servers and clients exist once the app is created (servers are registered as RPC targets by Nest).
  register: (watches, _value, moduleRef) => {
    const { section } = watches;
    const found = findTransports(moduleRef, { servers: section.servers ?? true, clients: section.clients ?? true });
    if (found.length === 0) {
      throw new HealthOptionsError([
        `"microservices" is switched on, but the app has no transport server (createMicroservice, or connectMicroservice before init) with a status stream${section.clients === false ? '' : ' and no ClientProxy provider (ClientsModule)'}; gRPC clients report no status and are not checked`,
      ]);
    }
    return found.map(({ name, transport, role, source }) => {
      const indicator = new TransportStatusHealthIndicator({ source, transport, role });
      watches.indicators.push(indicator);
      // The check only reads a state the status stream keeps current: a cached result would only delay a change.
      return builtinEntry(
        indicator,
        name,
        { ...section, cacheTtlMs: section.cacheTtlMs ?? 0 },
        `HealthModule.forRoot({ microservices }) for the ${transport} ${role} "${name}"`,
      );
    });
  },
});
