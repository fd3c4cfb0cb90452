import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Span, Tracer } from '@opentelemetry/api';
import type { HealthCheckResult } from '../interfaces/health-status.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { loadOptionalPeerIfInstalled } from '../peers/optional-peer.loader.js';

type OpenTelemetryApi = typeof import('@opentelemetry/api');

/** The span of one real run of a check. */
export interface CheckRunSpan {
  /** Runs `work` with the span active, so spans made inside it (a driver's, an HTTP client's) are its children. */
  activate<T>(work: () => T): T;
  /** Ends the span with the run's result: ERROR status and the (redacted) reason when DOWN. */
  end(result: HealthCheckResult): void;
}

/** Tracer name of the spans, as OpenTelemetry shows it (`otel.scope.name`). */
export const TRACER_NAME = 'nest-vitals';

/**
 * OpenTelemetry spans of check runs, when the optional peer `@opentelemetry/api` is installed: each real
 * run is a span `health.check <name>`; cache hits and probes make none. Without the package nothing is
 * imported and `start()` returns `undefined`. Without a registered tracer provider the API's spans are
 * no-ops.
 */
@Injectable()
export class HealthTracing implements OnModuleInit {
  private api?: OpenTelemetryApi;
  private tracer?: Tracer;

  async onModuleInit(): Promise<void> {
    const api = await loadOptionalPeerIfInstalled({ option: 'OpenTelemetry tracing', packageName: '@opentelemetry/api' }, () => import('@opentelemetry/api'));
    if (!api) return;
    this.api = api;
    // A ProxyTracer: it follows the global tracer provider, whenever the app registers one.
    this.tracer = api.trace.getTracer(TRACER_NAME);
  }

  /** Starts the span of a run of `indicator`, or `undefined` when `@opentelemetry/api` is not installed. */
  start(indicator: RegisteredIndicator): CheckRunSpan | undefined {
    const { api, tracer } = this;
    if (!api || !tracer) return undefined;
    const span: Span = tracer.startSpan(`health.check ${indicator.name}`, {
      kind: api.SpanKind.INTERNAL,
      attributes: { 'health.check.name': indicator.name, 'health.check.critical': indicator.critical },
    });
    return {
      activate: (work) => api.context.with(api.trace.setSpan(api.context.active(), span), work),
      end: (result) => {
        span.setAttributes({
          'health.check.status': result.status,
          'health.check.duration_ms': result.durationMs,
          'health.check.cached': false,
        });
        if (result.status === 'DOWN') span.setStatus({ code: api.SpanStatusCode.ERROR, message: result.error });
        span.end();
      },
    };
  }
}
