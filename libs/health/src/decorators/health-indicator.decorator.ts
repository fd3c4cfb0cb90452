import { Injectable, type ScopeOptions } from '@nestjs/common';
import { SCOPE_OPTIONS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import type { HealthIndicatorMetadata, HealthIndicatorOptions } from '../interfaces/health-indicator.interface.js';

const discoverable = DiscoveryService.createDecorator<HealthIndicatorMetadata>();

/**
 * Marks a provider as a health indicator. It is discovered at bootstrap wherever it is provided;
 * its `check()` returns a Terminus `HealthIndicatorResult`.
 *
 * @param name check name, unique in the app, matching `[a-z0-9][a-z0-9-_.]*`
 * @param options probes (default `['readiness']`), `critical` (default true), `timeoutMs`, `cacheTtlMs`, ...
 * @publicApi
 */
export const HealthIndicator = Object.assign(
  (name: string, options: HealthIndicatorOptions = {}): ClassDecorator =>
    (target) => {
      // Keep the scope of an @Injectable({ scope }) applied first (written below this decorator),
      // so that a request-scoped indicator is reported at bootstrap instead of silently made a singleton.
      Injectable(Reflect.getMetadata(SCOPE_OPTIONS_METADATA, target) as ScopeOptions | undefined)(target);
      discoverable({ ...options, name })(target);
    },
  { KEY: discoverable.KEY },
);

/** Reads the `@HealthIndicator()` metadata of a class, if any. */
export function getHealthIndicatorMetadata(target: object): HealthIndicatorMetadata | undefined {
  return Reflect.getMetadata(discoverable.KEY, target) as HealthIndicatorMetadata | undefined;
}
