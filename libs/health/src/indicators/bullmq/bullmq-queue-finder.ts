import { DiscoveryService, type ModuleRef } from '@nestjs/core';
import { loadOptionalPeer, loadOptionalPeerIfInstalled } from '../../peers/optional-peer.loader.js';
import type { BullmqQueue, BullmqWorker } from './bullmq.indicator.js';

/** What the `bullmq` option needs installed. */
export const BULLMQ_PEER = { option: 'bullmq', packageName: 'bullmq', install: ['bullmq', '@nestjs/bullmq'] };

/** The app's queues and a way to read, on every run, the workers of one. */
export interface FoundQueues {
  queues: BullmqQueue[];
  workersOf: (queueName: string) => BullmqWorker[];
}

/**
 * Every bullmq `Queue` among the app's providers (`BullModule.registerQueue` provides each under
 * `getQueueToken(name)`; a hand-made provider counts too), and the app's workers: `Worker`
 * providers and `@Processor` classes (`WorkerHost`), whose worker `@nestjs/bullmq` creates at
 * module init, possibly after this runs, so it is read again on every check.
 */
export async function findBullmqQueues(moduleRef: ModuleRef): Promise<FoundQueues> {
  const { Queue, Worker } = await loadOptionalPeer(BULLMQ_PEER, () => import('bullmq'));
  const nest = await loadOptionalPeerIfInstalled({ option: 'bullmq', packageName: '@nestjs/bullmq' }, () => import('@nestjs/bullmq'));
  const discovery = moduleRef.get(DiscoveryService, { strict: false });
  const queues = new Set<BullmqQueue>();
  const workers = new Set<BullmqWorker>();
  const hosts = new Set<{ readonly worker: unknown }>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.isDependencyTreeStatic()) continue;
    const instance: unknown = wrapper.instance;
    if (instance instanceof Queue) queues.add(instance as unknown as BullmqQueue);
    else if (instance instanceof Worker) workers.add(instance);
    else if (nest && instance instanceof nest.WorkerHost) hosts.add(instance);
  }
  const workerOfHost = (host: { readonly worker: unknown }): BullmqWorker[] => {
    try {
      return host.worker instanceof Worker ? [host.worker] : [];
    } catch {
      // WorkerHost's getter throws until @nestjs/bullmq has created the worker.
      return [];
    }
  };
  return {
    queues: [...queues].sort((a, b) => a.name.localeCompare(b.name)),
    workersOf: (queueName) => [...new Set([...workers, ...[...hosts].flatMap(workerOfHost)])].filter((worker) => worker.name === queueName),
  };
}

/** The check name of a queue: `queue-<name>`, lower case, other characters than [a-z0-9_.-] as `-`. */
export function queueCheckName(queueName: string): string {
  const slug = queueName
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `queue-${slug || 'unnamed'}`;
}
