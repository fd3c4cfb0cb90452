import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { evaluateThresholds, resultFor, roundTo2 } from '../threshold-check.js';
import type { EventLoopIndicatorOptions } from './event-loop.builtin.js';

/** `eventLoop: true`: thresholds when neither `warnMs` nor `downMs` is set, and the window p99 is measured over. */
export const EVENT_LOOP_DEFAULTS = { thresholds: { warnMs: 200, downMs: 1000 }, windowMs: 10_000 } as const;

/** What an `EventLoopHealthIndicator` is built with. @publicApi */
export type EventLoopHealthIndicatorConfig = Pick<EventLoopIndicatorOptions, 'warnMs' | 'downMs' | 'windowMs'>;

/** Sampling period of the delay monitor; a sample is the time between two ticks, so lag = sample - resolution. */
const RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

interface WindowSummary {
  p99Ms: number;
  maxMs: number;
}

/**
 * Event-loop lag (p99) from `perf_hooks.monitorEventLoopDelay`, over a window: the p99 of the
 * window in progress, or of the last complete one when that is higher, so a slow spell is seen
 * for at least `windowMs`. Meant for liveness (`probes: ['liveness']`): a loop that stays
 * blocked means a process that should be restarted.
 *
 * @publicApi
 */
@HealthIndicator('event-loop')
export class EventLoopHealthIndicator implements HealthIndicatorCheck, OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly windowMs: number;
  private readonly thresholds: Pick<EventLoopIndicatorOptions, 'warnMs' | 'downMs'>;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly rotation: NodeJS.Timeout;
  private previous?: WindowSummary;

  constructor(config: EventLoopHealthIndicatorConfig = {}) {
    this.windowMs = config.windowMs ?? EVENT_LOOP_DEFAULTS.windowMs;
    const { warnMs, downMs } = config;
    this.thresholds = warnMs === undefined && downMs === undefined ? EVENT_LOOP_DEFAULTS.thresholds : { warnMs, downMs };
    this.histogram.enable();
    this.rotation = setInterval(() => {
      this.previous = this.summarize();
      this.histogram.reset();
    }, this.windowMs);
    this.rotation.unref();
  }

  check({ indicator }: HealthCheckContext): HealthIndicatorResult {
    const current = this.summarize();
    const previous = this.previous;
    const window = previous && previous.p99Ms > current.p99Ms ? previous : current;
    const verdict = evaluateThresholds([
      { label: 'event-loop lag p99', value: window.p99Ms, unit: 'ms', warn: this.thresholds.warnMs, down: this.thresholds.downMs },
    ]);
    return resultFor(indicator, verdict, {
      lagP99Ms: window.p99Ms,
      lagMaxMs: Math.max(current.maxMs, previous?.maxMs ?? 0),
      windowMs: this.windowMs,
    });
  }

  /** Bootstrap's own blocking (compiling, connecting) is not lag of a running app: measuring starts afresh. */
  onApplicationBootstrap(): void {
    this.histogram.reset();
    this.previous = undefined;
  }

  onApplicationShutdown(): void {
    clearInterval(this.rotation);
    this.histogram.disable();
  }

  private summarize(): WindowSummary {
    if (this.histogram.count === 0) return { p99Ms: 0, maxMs: 0 };
    const lag = (ns: number) => roundTo2(Math.max(0, ns / NS_PER_MS - RESOLUTION_MS));
    return { p99Ms: lag(this.histogram.percentile(99)), maxMs: lag(this.histogram.max) };
  }
}
