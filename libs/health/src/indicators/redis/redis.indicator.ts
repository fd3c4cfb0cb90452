import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';
import { HealthIndicator } from '../../decorators/health-indicator.decorator.js';
import type { HealthCheckContext, HealthIndicatorCheck } from '../../interfaces/health-indicator.interface.js';
import { describeError } from '../../execution/check-outcome.js';
import { loadOptionalPeer } from '../../peers/optional-peer.loader.js';
import { BYTES_PER_MB, roundTo2 } from '../threshold-check.js';
import { parseRedisInfo } from './redis-info.js';
import type { RedisIndicatorOptions } from './redis.builtin.js';

/**
 * An ioredis client, standalone `Redis` or `Cluster`. Typed by the little the check needs to see,
 * so that the declarations of this package do not require ioredis to be installed.
 * @publicApi
 */
export interface RedisHealthClient {
  readonly status: string;
  on(event: string | symbol, listener: (...args: never[]) => void): unknown;
}

type IoredisClient = Redis | Cluster;

/** What a `RedisHealthIndicator` is built with: exactly one of `url` and `client`. @publicApi */
export interface RedisHealthIndicatorConfig extends Pick<RedisIndicatorOptions, 'url' | 'maxUsedMemoryMb'> {
  /** An ioredis client to check; it stays yours (never closed by the indicator). */
  client?: RedisHealthClient;
}

type RedisClass = typeof import('ioredis').Redis;
type PingData = Record<string, unknown> & { usedMemoryMb?: number };

const CLUSTER_SLOTS = 16384;

/**
 * PINGs Redis (standalone: `PING` then `INFO`; Cluster: `CLUSTER INFO` must say `cluster_state:ok`).
 *
 * With `url` it opens one client at bootstrap and reuses it for every probe; that client never
 * queues commands while disconnected (`enableOfflineQueue: false`), and it is closed at shutdown.
 * The check's timeout is the runner's: a command that hangs is left to the client, the check is DOWN. With an injected `client`, the check looks at the client's status
 * first and answers DOWN at once while ioredis reconnects, instead of sending a command that the
 * offline queue would hold forever; and nothing about the client is changed.
 *
 * @publicApi
 */
@HealthIndicator('redis')
export class RedisHealthIndicator implements HealthIndicatorCheck, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private client?: IoredisClient;
  /** The client of `url` being opened: the bootstrap hook and a first check may ask for it at once. */
  private opening?: Promise<IoredisClient>;
  /** The app has shut down: the client of `url` is closed and not opened again. */
  private closed = false;
  private redisClass?: RedisClass;
  private lastError?: string;
  private recheck?: () => void;
  private watched?: IoredisClient;

  constructor(protected readonly config: RedisHealthIndicatorConfig) {
    if ((config.url === undefined) === (config.client === undefined)) {
      throw new Error('RedisHealthIndicator needs exactly one of "url" or "client"');
    }
    this.client = config.client as IoredisClient | undefined;
  }

  /** Loads ioredis when a client must be opened from the URL: a missing package stops startup. */
  async onModuleInit(): Promise<void> {
    if (this.config.url === undefined || this.redisClass) return;
    const ioredis = await loadOptionalPeer({ option: 'redis.url', packageName: 'ioredis' }, () => import('ioredis'));
    this.redisClass = ioredis.Redis ?? (ioredis.default as unknown as RedisClass);
  }

  /** Opens the client of `url` once the app has started (not before: a failed bootstrap leaves nothing open). */
  async onApplicationBootstrap(): Promise<void> {
    await this.connection();
  }

  /** Closes the client opened from `url`; an injected client is left alone. */
  onApplicationShutdown(): void {
    if (this.config.url === undefined) return;
    this.closed = true;
    this.client?.disconnect();
  }

  async check({ signal, indicator: session, recheck }: HealthCheckContext): Promise<HealthIndicatorResult> {
    this.recheck = recheck;
    let data: PingData;
    try {
      const client = await this.connection();
      this.watch(client);
      await this.whenReady(client, signal);
      data = isCluster(client) ? await this.probeCluster(client) : await this.probeStandalone(client);
    } catch (error) {
      return session.down({ message: describeError(error) });
    }
    const max = this.config.maxUsedMemoryMb;
    if (max !== undefined && typeof data.usedMemoryMb === 'number' && data.usedMemoryMb > max) {
      return session.degraded({ ...data, message: `used memory ${data.usedMemoryMb} MB is above maxUsedMemoryMb (${max} MB)` });
    }
    return session.up(data);
  }

  private connection(): Promise<IoredisClient> {
    return this.client ? Promise.resolve(this.client) : (this.opening ??= this.open());
  }

  /** Opens the client of `url`, once (`connection()` shares the promise); never after shutdown. */
  private async open(): Promise<IoredisClient> {
    await this.onModuleInit();
    if (this.closed) throw new Error('the Redis client was closed at shutdown');
    const client = new this.redisClass!(this.config.url!, {
      connectionName: 'nest-vitals-health',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A short fixed retry for the first 10 s of an outage, so that a returning Redis is seen within ~100 ms; then 1 s.
      retryStrategy: (attempt: number) => (attempt <= 100 ? 100 : 1000),
    });
    client.on('error', (error: Error) => {
      this.lastError = error.message || (error as { code?: string }).code || error.name;
    });
    client.on('ready', () => {
      this.lastError = undefined;
    });
    this.client = client;
    return client;
  }

  /** Clients seen ready once: a later failed connection attempt of theirs is a reconnection. */
  private readonly readyClients = new WeakSet<IoredisClient>();

  /** Re-runs the check as soon as the client tells of a lost (`close`, `end`) or returning (`ready`) connection. */
  private watch(client: IoredisClient): void {
    if (this.watched === client) return;
    this.watched = client;
    const recheck = (): void => this.recheck?.();
    client.on('close', recheck);
    client.on('end', recheck);
    client.on('ready', recheck);
  }

  /** Resolves once the client is ready; rejects at once while it reconnects or is closed. */
  private async whenReady(client: IoredisClient, signal: AbortSignal): Promise<void> {
    switch (client.status) {
      case 'ready':
        this.readyClients.add(client);
        // The socket has ended but ioredis has not seen its close yet: the connection is being lost.
        if ((client as { stream?: { writable?: boolean } }).stream?.writable === false)
          throw new Error(`connection to Redis closed (socket ended)${this.since()}`);
        return;
      case 'reconnecting':
        throw this.lost();
      case 'close':
      case 'end':
        throw new Error(`connection to Redis closed (client status "${client.status}")${this.since()}`);
      case 'wait':
        // A lazyConnect client: any command would connect it; do so, and wait below.
        client.connect().catch(() => undefined);
    }
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        client.off('ready', onReady);
        client.off('close', onClose);
        client.off('end', onClose);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => finish();
      // ioredis goes reconnecting → connecting → close between retries: a client that was ready before is reconnecting.
      const onClose = () => finish(this.readyClients.has(client) ? this.lost() : new Error(`could not connect to Redis${this.since()}`));
      const onAbort = () => finish(new Error(`Redis not ready (client status "${client.status}")${this.since()}`));
      if (signal.aborted) return onAbort();
      client.once('ready', onReady);
      client.once('close', onClose);
      client.once('end', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The last connection error ioredis reported, as a suffix of a reason (`: connect ECONNREFUSED …`), if any. */
  private since(): string {
    return this.lastError ? `: ${this.lastError}` : '';
  }

  /** The reason of a check that finds, or sees, the connection of a ready client lost. */
  private lost(): Error {
    return new Error(`connection to Redis lost, reconnecting${this.since()}`);
  }

  private async probeStandalone(client: Redis): Promise<PingData> {
    const started = performance.now();
    const pong = await this.unlessLost(client, client.ping());
    const responseTimeMs = Math.round(performance.now() - started);
    if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
    const info = parseRedisInfo(await this.unlessLost(client, client.info()));
    return {
      redisVersion: info.redis_version,
      role: info.role,
      usedMemoryMb: roundTo2(Number(info.used_memory) / BYTES_PER_MB),
      responseTimeMs,
    };
  }

  /**
   * A command's answer, or the loss of the connection it was sent on. An injected client keeps ioredis' defaults: a
   * command in flight when the connection drops is sent again once it is back (and held meanwhile), so the check
   * would wait for it past its timeout, and the runner would report it `still running` until Redis returns. The check
   * ends at the loss instead; ioredis settles the command later (sent again, or flushed after its retries).
   */
  private unlessLost<T>(client: Redis, command: Promise<T>): Promise<T> {
    let onClose = (): void => undefined;
    const lost = new Promise<never>((_resolve, reject) => {
      onClose = () => reject(this.lost());
      client.once('close', onClose);
    });
    // Settled by ioredis after the check has ended, if the connection was lost first.
    command.catch(() => undefined);
    return Promise.race([command, lost]).finally(() => client.off('close', onClose));
  }

  private async probeCluster(cluster: Cluster): Promise<PingData> {
    const masters = cluster.nodes('master');
    const node = masters.find((candidate) => candidate.status === 'ready') ?? masters.find((candidate) => !isClosed(candidate));
    if (!node) throw new Error(`no Redis Cluster master is reachable (${masters.length} known)`);
    const started = performance.now();
    const state = parseRedisInfo(String(await node.cluster('INFO')));
    const responseTimeMs = Math.round(performance.now() - started);
    if (state.cluster_state !== 'ok') {
      throw new Error(
        `cluster_state:${state.cluster_state ?? 'unknown'} (${state.cluster_slots_ok ?? '?'} of ${CLUSTER_SLOTS} slots ok, ${state.cluster_known_nodes ?? '?'} known nodes)`,
      );
    }
    const reachable = masters.filter((candidate) => candidate.status === 'ready');
    const infos = (await Promise.all(reachable.map((master) => master.info()))).map(parseRedisInfo);
    const usedMemory = Math.max(0, ...infos.map((info) => Number(info.used_memory) || 0));
    return {
      clusterState: state.cluster_state,
      clusterSize: Number(state.cluster_size),
      clusterKnownNodes: Number(state.cluster_known_nodes),
      clusterSlotsOk: Number(state.cluster_slots_ok),
      redisVersion: infos[0]?.redis_version,
      usedMemoryMb: roundTo2(usedMemory / BYTES_PER_MB),
      responseTimeMs,
    };
  }
}

function isCluster(client: IoredisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

function isClosed(client: Redis): boolean {
  return client.status === 'end' || client.status === 'close' || client.status === 'reconnecting';
}
