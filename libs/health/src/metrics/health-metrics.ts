import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Subscription } from 'rxjs';
import { HealthEvents, type HealthCheckRun, type HealthStatusChange } from '../execution/health-events.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { CHECK_STATUSES, type HealthStatus } from '../interfaces/health-status.interface.js';
import { isNotableTransition } from '../status/notable-transition.js';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { loadOptionalPeerIfInstalled } from '../peers/optional-peer.loader.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { redact } from '../redaction/redactor.js';

type PromClient = typeof import('prom-client');

/** Gauge value of a status: 1 UP, 0.5 DEGRADED, 0 for DOWN and for the lifecycle states (STARTING, SHUTTING_DOWN). */
export function statusValue(status: HealthStatus): number {
  if (status === 'UP') return 1;
  if (status === 'DEGRADED') return 0.5;
  return 0;
}

/** Seconds; health checks are mostly fast, and a timeout is usually 1-10 s. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** @internal prom-client's types stay out of the published declarations (an optional peer). */
export interface HealthMetricSet {
  checkStatus: Gauge<'check' | 'critical' | 'simulated'>;
  checkDuration: Histogram<'check'>;
  probeStatus: Gauge<'probe'>;
  transitions: Counter<'check' | 'to'>;
  routeRejections: Counter<'check' | 'method' | 'route'>;
}

/**
 * @internal
 * Loads the optional peer prom-client, or `undefined` when it is not installed. Any other failure
 * (a broken install) is thrown: it should not silently switch metrics off.
 */
export async function loadPromClient(): Promise<PromClient | undefined> {
  const loaded = await loadOptionalPeerIfInstalled({ option: 'metrics', packageName: 'prom-client' }, () => import('prom-client'));
  return loaded && (loaded.default ?? loaded);
}

/**
 * @internal
 * The four metrics in `registry`. A metric already registered under the same name and shape (a
 * second app in the process, a second `HealthModule`) is reused rather than registered twice;
 * one of another shape is an error naming it.
 */
export function registerHealthMetrics(promClient: PromClient, registry: Registry): HealthMetricSet {
  const reuse = <T extends object>(name: string, type: new (config: never) => T, labelNames: string[], create: () => T): T => {
    const existing = registry.getSingleMetric(name) as (T & { labelNames?: string[] }) | undefined;
    if (!existing) return create();
    const sameType = existing instanceof type || existing.constructor?.name === type.name;
    const sameLabels = [...(existing.labelNames ?? [])].sort().join(',') === [...labelNames].sort().join(',');
    if (!sameType || !sameLabels) {
      throw new HealthOptionsError([
        `"metrics.registry" already has a metric named "${name}" that is not nest-vitals' (a ${type.name} with labels ${labelNames.join(', ')}); ` +
          'remove it, pass another registry in "metrics.registry", or set "metrics" to false',
      ]);
    }
    return existing;
  };
  const registers = [registry];
  return {
    checkStatus: reuse(
      'health_check_status',
      promClient.Gauge,
      ['check', 'critical', 'simulated'],
      () =>
        new promClient.Gauge({
          name: 'health_check_status',
          help: 'Status of each health check as of its last run: 1 UP, 0.5 DEGRADED, 0 DOWN; critical="true" when a DOWN makes its probes DOWN; simulated="true" while the status is simulated',
          labelNames: ['check', 'critical', 'simulated'],
          registers,
        }),
    ),
    checkDuration: reuse(
      'health_check_duration_seconds',
      promClient.Histogram,
      ['check'],
      () =>
        new promClient.Histogram({
          name: 'health_check_duration_seconds',
          help: 'Duration of each real run of a health check (cache hits excluded), in seconds',
          labelNames: ['check'],
          buckets: DURATION_BUCKETS,
          registers,
        }),
    ),
    probeStatus: reuse(
      'health_status',
      promClient.Gauge,
      ['probe'],
      () =>
        new promClient.Gauge({
          name: 'health_status',
          help: 'Status of each probe as last answered (probe="all" is the full report): 1 UP, 0.5 DEGRADED, 0 DOWN, STARTING or SHUTTING_DOWN',
          labelNames: ['probe'],
          registers,
        }),
    ),
    transitions: reuse(
      'health_check_transitions_total',
      promClient.Counter,
      ['check', 'to'],
      () =>
        new promClient.Counter({
          name: 'health_check_transitions_total',
          help: 'Status transitions of each health check, by the status it moved to (a first result counts only when it is not UP)',
          labelNames: ['check', 'to'],
          registers,
        }),
    ),
    routeRejections: reuse(
      'health_route_rejections_total',
      promClient.Counter,
      ['check', 'method', 'route'],
      () =>
        new promClient.Counter({
          name: 'health_route_rejections_total',
          help: 'Requests a route carrying @DependsOn() refused (503 or gRPC UNAVAILABLE) without running its handler, by the DOWN check, method and route',
          labelNames: ['check', 'method', 'route'],
          registers,
        }),
    ),
  };
}

/**
 * Prometheus metrics of the checks and probes, fed by the module's events: values change on every
 * real run of a check (requests and background refresh alike), never on a cache hit.
 */
@Injectable()
export class HealthMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private readonly subscription = new Subscription();
  private readonly initializedChecks = new Set<string>();
  /** Checks whose status series currently carries `simulated="true"`. */
  private readonly simulatedChecks = new Set<string>();
  private metrics?: HealthMetricSet;

  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly events: HealthEvents,
  ) {}

  /** Whether metrics are being recorded (prom-client found and metrics not switched off). */
  get enabled(): boolean {
    return this.metrics !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const setting = this.options.metrics;
    if (setting === false) return;
    const promClient = await loadPromClient();
    if (!promClient) {
      if (setting === undefined || setting === true) {
        // Default: on only when installed. `true` asks for it explicitly, so say why nothing happens.
        if (setting === true) this.logger.warn('metrics: true, but prom-client is not installed; no metrics are recorded (npm install prom-client)');
        return;
      }
      throw new HealthOptionsError([
        '"metrics" is set, but the optional peer prom-client is not installed; install it (npm install prom-client) or set "metrics" to false',
      ]);
    }
    const registry = (typeof setting === 'object' && setting.registry ? setting.registry : promClient.register) as Registry;
    this.metrics = registerHealthMetrics(promClient, registry);
    this.subscription.add(this.events.runs$.subscribe((run) => this.recordRun(run)));
    this.subscription.add(this.events.changes$.subscribe((change) => this.recordChange(change)));
    this.subscription.add(this.events.removed$.subscribe((name) => this.removeCheck(name)));
  }

  /** Drops every series of an unregistered check, so /metrics does not keep reporting it. */
  private removeCheck(name: string): void {
    const metrics = this.metrics!;
    const check = redact(name);
    this.initializedChecks.delete(check);
    this.simulatedChecks.delete(check);
    for (const critical of ['true', 'false']) {
      metrics.checkStatus.remove({ check, critical });
      metrics.checkStatus.remove({ check, critical, simulated: 'true' });
    }
    metrics.checkDuration.remove({ check });
    for (const to of CHECK_STATUSES) metrics.transitions.remove({ check, to });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  /** Counts one request a route refused because a check it depends on is DOWN (`route` is the route's path pattern). */
  recordRouteRejection(check: string, method: string, route: string): void {
    this.metrics?.routeRejections.inc({ check, method, route });
  }

  private recordRun({ name, result }: HealthCheckRun): void {
    const metrics = this.metrics!;
    const check = redact(name);
    if (!this.initializedChecks.has(check)) {
      // Every `to` series exists from the first run, so increase() and rate() see the first transition.
      this.initializedChecks.add(check);
      for (const to of CHECK_STATUSES) metrics.transitions.inc({ check, to }, 0);
    }
    // `critical` is fixed per check (set at registration), so the label adds no series over time.
    const labels = { check, critical: result.critical ? 'true' : 'false' };
    // One series per check at any time: while simulated it carries simulated="true", which alerts and dashboards show.
    if (result.simulated) {
      this.simulatedChecks.add(check);
      metrics.checkStatus.remove(labels);
      metrics.checkStatus.set({ ...labels, simulated: 'true' }, statusValue(result.status));
      // A simulated run took no time: it stays out of the duration histogram.
      return;
    }
    if (this.simulatedChecks.delete(check)) metrics.checkStatus.remove({ ...labels, simulated: 'true' });
    metrics.checkStatus.set(labels, statusValue(result.status));
    metrics.checkDuration.observe({ check }, result.durationMs / 1000);
  }

  private recordChange(change: HealthStatusChange): void {
    const metrics = this.metrics!;
    if (change.kind === 'probe') {
      metrics.probeStatus.set({ probe: change.name }, statusValue(change.to));
    } else if (isNotableTransition(change)) {
      metrics.transitions.inc({ check: redact(change.name), to: change.to });
    }
  }
}
