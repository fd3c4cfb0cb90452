import type { Observable, Subscription } from 'rxjs';
import type { HealthStatusChange } from '../execution/health-events.js';
import { ServingStatus } from './grpc-health.codec.js';
import { GROUP_SERVICE_PREFIX, servingStatusOf, type HealthTarget } from './grpc-health.status.js';

/** A target made of checks: a probe or a health group. */
export type AggregateTarget = Exclude<HealthTarget, { kind: 'check' }>;

/** The name a probe's or group's status changes are reported under. */
function reportedName(target: AggregateTarget): string {
  return target.kind === 'probe' ? target.probe : `${GROUP_SERVICE_PREFIX}${target.group}`;
}

/** One open `Watch` call, as the watches see it. */
export interface WatchStream {
  send(status: ServingStatus): void;
  /** Ends the call with status OK. */
  end(): void;
}

/** What the watches need of the engine. */
export interface WatchSources {
  /** What a service name stands for (a probe, a group or a check; an alias resolved). */
  targetOf(service: string): HealthTarget;
  /** The serving status of a service now (never rejects). */
  evaluate(service: string): Promise<ServingStatus>;
  /** Whether a change of this check can change this probe's or group's status. */
  includes(target: AggregateTarget, check: string): boolean;
  /** Status changes of checks and probes. */
  changes$: Observable<HealthStatusChange>;
  /** Changes of the lifecycle state that decides probes without their checks (startup, manual readiness / liveness). */
  lifecycle$: Observable<void>;
  /** Re-evaluation period, for checks whose status changes only when something runs them. */
  intervalMs: number;
}

/** Every stream watching one service name, and one evaluation at a time for all of them. */
interface ServiceWatch {
  service: string;
  target: HealthTarget;
  /** Each stream with the last status it was sent. */
  streams: Map<WatchStream, ServingStatus | undefined>;
  last?: ServingStatus;
  /** Bumped when a check's transition is sent, so that an evaluation begun before it cannot send an older status after it. */
  transitions: number;
  evaluating: boolean;
  evaluateAgain: boolean;
}

/**
 * The `Watch` side of the gRPC health service: each stream gets its service's status at once, then
 * a message whenever that status changes. A check's own transition is sent as it happens; a probe is
 * re-evaluated (once for every stream watching it) when one of its checks or the lifecycle changes,
 * and every service every `intervalMs`, so checks without background refresh are seen too.
 */
export class HealthWatches {
  private readonly watches = new Map<string, ServiceWatch>();
  private readonly subscriptions: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private closed = false;
  private streams = 0;

  constructor(private readonly sources: WatchSources) {}

  start(): void {
    this.subscriptions.push(
      this.sources.changes$.subscribe((change) => this.onChange(change)),
      this.sources.lifecycle$.subscribe(() => this.refreshProbes()),
    );
  }

  /** Starts watching `service` for the stream; returns the function that stops it (the call was cancelled). */
  add(service: string, stream: WatchStream): () => void {
    if (this.closed) {
      stream.end();
      return () => undefined;
    }
    let watch = this.watches.get(service);
    if (!watch) {
      watch = { service, target: this.sources.targetOf(service), streams: new Map(), transitions: 0, evaluating: false, evaluateAgain: false };
      this.watches.set(service, watch);
    }
    if (!watch.streams.has(stream)) this.streams++;
    watch.streams.set(stream, undefined);
    this.refresh(watch);
    this.timer ??= setInterval(() => this.watches.forEach((each) => this.refresh(each)), this.sources.intervalMs).unref();
    const current = watch;
    return () => this.remove(current, stream);
  }

  /** Ends every stream with status OK and stops watching. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const watch of this.watches.values()) for (const stream of watch.streams.keys()) stream.end();
    this.watches.clear();
    this.streams = 0;
  }

  /** Streams open now, over every service. */
  get openStreams(): number {
    return this.streams;
  }

  private remove(watch: ServiceWatch, stream: WatchStream): void {
    if (watch.streams.delete(stream)) this.streams--;
    if (watch.streams.size > 0 || this.watches.get(watch.service) !== watch) return;
    this.watches.delete(watch.service);
    if (this.watches.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private onChange(change: HealthStatusChange): void {
    for (const watch of this.watches.values()) {
      const { target } = watch;
      if (target.kind === 'check') {
        // The transition itself carries the check's status: no second run of the check.
        if (change.kind === 'check' && change.name === target.name) {
          watch.transitions++;
          this.publish(watch, servingStatusOf(change.to));
        }
      } else if (change.kind === 'check' ? this.sources.includes(target, change.name) : change.name === reportedName(target)) {
        // A probe's own change that matches what was sent (usually our own evaluation reporting it) needs no second look.
        if (change.kind === 'probe' && servingStatusOf(change.to) === watch.last) continue;
        this.refresh(watch);
      }
    }
  }

  private refreshProbes(): void {
    for (const watch of this.watches.values()) if (watch.target.kind !== 'check') this.refresh(watch);
  }

  /** Evaluates the service, at most one evaluation at a time; a request during one runs another after it. */
  private refresh(watch: ServiceWatch): void {
    if (this.closed) return;
    if (watch.evaluating) {
      watch.evaluateAgain = true;
      return;
    }
    watch.evaluating = true;
    const transitions = watch.transitions;
    void this.sources.evaluate(watch.service).then((status) => {
      watch.evaluating = false;
      if (this.closed) return;
      if (watch.transitions === transitions) this.publish(watch, status);
      if (watch.evaluateAgain) {
        watch.evaluateAgain = false;
        this.refresh(watch);
      }
    });
  }

  private publish(watch: ServiceWatch, status: ServingStatus): void {
    watch.last = status;
    for (const [stream, sent] of watch.streams) {
      if (sent === status) continue;
      watch.streams.set(stream, status);
      stream.send(status);
    }
  }
}
