import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import { describeError } from '../../execution/check-outcome.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import type { BullmqIndicatorOptions, QueueCountThreshold } from './bullmq.builtin.js';
import { evaluateThresholds, resultFor, type MeasuredValue } from '../threshold-check.js';

/** The Redis client of a queue's own connection, as bullmq hands it out (`await queue.client`). @publicApi */
export interface BullmqRedisClient {
  readonly status: string;
  runCommand(name: string, args: unknown[]): Promise<unknown>;
}

/**
 * A bullmq `Queue`, typed by the little the check needs to see, so that the declarations of this
 * package do not require bullmq to be installed.
 * @publicApi
 */
export interface BullmqQueue {
  readonly name: string;
  /** bullmq 6: the backend holds the connection. */
  getBackend?(): { readonly client?: Promise<BullmqRedisClient> };
  /** bullmq 5: the queue holds it. */
  readonly client?: Promise<BullmqRedisClient>;
  readonly keys: { readonly active: string };
  toKey(type: string): string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  isPaused(): Promise<boolean>;
}

/** A bullmq `Worker`. @publicApi */
export interface BullmqWorker {
  readonly name: string;
  isRunning(): boolean;
  isPaused(): boolean;
}

/** What a `BullmqHealthIndicator` is built with. @publicApi */
export interface BullmqHealthIndicatorConfig extends Pick<BullmqIndicatorOptions, 'waiting' | 'failed' | 'stalled'> {
  queue: BullmqQueue;
  /**
   * The app's workers of this queue, read on every run (Nest creates them after the health module
   * may have looked). With none, the check does not ask for a running worker (a producer-only app).
   */
  workers?: () => BullmqWorker[];
}

/** Active jobs looked at for expired locks, at most. */
const MAX_ACTIVE_SCANNED = 1000;

/**
 * One bullmq queue, through the queue's own Redis connection (no connection of its own): the
 * connection must be ready and answer `PING`; a worker of the app for the queue must be running
 * (when the app has one); and the waiting, failed and stalled counts are compared with their
 * `warn` (DEGRADED) and `down` (DOWN) thresholds. Stalled jobs are active jobs whose lock key has
 * expired (their worker died or froze); bullmq's own stalled checker later moves them back to
 * waiting or to failed.
 *
 * While the connection is lost (ioredis reconnecting) the check is DOWN at once, without sending a
 * command that bullmq's offline queue would hold.
 *
 * @publicApi
 */
@HealthIndicator('bullmq')
export class BullmqHealthIndicator implements HealthIndicatorCheck {
  constructor(protected readonly config: BullmqHealthIndicatorConfig) {}

  async check({ signal, indicator: session }: HealthCheckContext): Promise<HealthIndicatorResult> {
    const { queue } = this.config;
    const workers = this.config.workers?.() ?? [];
    const running = workers.filter((worker) => worker.isRunning() && !worker.isPaused()).length;
    const workerData = workers.length > 0 ? { workers: { registered: workers.length, running } } : {};
    let data: Record<string, unknown>;
    try {
      const connection = queue.getBackend?.().client ?? queue.client;
      if (!connection) throw new Error(`queue "${queue.name}" has no Redis connection (a backend other than Redis is not supported)`);
      const client = await untilAborted(connection, signal);
      if (client.status !== 'ready') throw new Error(`the Redis connection of queue "${queue.name}" is not ready (client status "${client.status}")`);
      const started = performance.now();
      const pong = await client.runCommand('ping', []);
      const responseTimeMs = Math.round(performance.now() - started);
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
      const [counts, paused, stalled] = await Promise.all([
        queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
        queue.isPaused(),
        countStalled(queue, client),
      ]);
      data = {
        queue: queue.name,
        waiting: (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0),
        active: counts['active'] ?? 0,
        delayed: counts['delayed'] ?? 0,
        failed: counts['failed'] ?? 0,
        completed: counts['completed'] ?? 0,
        stalled,
        paused,
        ...workerData,
        responseTimeMs,
      };
    } catch (error) {
      return session.down({ queue: queue.name, ...workerData, message: describeError(error) });
    }
    if (workers.length > 0 && running === 0) {
      return session.down({ ...data, message: `no worker is running for queue "${queue.name}" (${workers.length} registered, all closed or paused)` });
    }
    const verdict = evaluateThresholds([
      measured('waiting jobs', data['waiting'] as number, this.config.waiting),
      measured('failed jobs', data['failed'] as number, this.config.failed),
      measured('stalled jobs', data['stalled'] as number, this.config.stalled),
    ]);
    return resultFor(session, verdict, data);
  }
}

function measured(label: string, value: number, threshold: QueueCountThreshold | undefined): MeasuredValue {
  return { label, value, unit: 'jobs', warn: threshold?.warn, down: threshold?.down };
}

/** Resolves as `promise` does, or rejects with the signal's reason once it aborts (bullmq's client promise waits for Redis). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Active jobs whose lock key (`<prefix>:<queue>:<id>:lock`) is gone. A job that completes between
 * reading the active list and its lock also has no lock; it is counted only if it is still active.
 */
async function countStalled(queue: BullmqQueue, client: BullmqRedisClient): Promise<number> {
  const ids = (await client.runCommand('lrange', [queue.keys.active, 0, MAX_ACTIVE_SCANNED - 1])) as string[];
  if (ids.length === 0) return 0;
  const locked = (await Promise.all(ids.map((id) => client.runCommand('exists', [`${queue.toKey(id)}:lock`])))) as number[];
  const unlocked = ids.filter((_id, index) => locked[index] === 0);
  if (unlocked.length === 0) return 0;
  const stillActive = await Promise.all(unlocked.map((id) => client.runCommand('lpos', [queue.keys.active, id])));
  return stillActive.filter((position) => position !== null).length;
}
