import type { ModuleRef } from '@nestjs/core';
import { ModulesContainer } from '@nestjs/core';
import { isObservable } from 'rxjs';
import { AppGrpcServer, isNestGrpcServer } from '../../transports/app-grpc-server.js';
import type { TransportStatusSource } from './transport-status.indicator.js';

/** A transport server or client of the app, named for its check. */
export interface FoundTransport {
  name: string;
  transport: string;
  role: 'server' | 'client';
  source: TransportStatusSource;
}

/** Nest's `Transport` enum, by value (kept here so that finding needs no import of `@nestjs/microservices`). */
const TRANSPORT_NAMES = ['tcp', 'redis', 'nats', 'mqtt', 'grpc', 'rmq', 'kafka'];

const kebab = (text: string): string =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

function hasStatusStream(value: unknown): value is TransportStatusSource {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return isObservable((value as { status?: unknown }).status);
  } catch {
    return false;
  }
}

/** A `ClientProxy`: `connect`, `close`, `send`, `emit` and a `status` stream. */
function isClientProxy(value: unknown): value is TransportStatusSource {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['connect', 'close', 'send', 'emit'].every((method) => typeof candidate[method] === 'function') && hasStatusStream(value);
}

/** gRPC clients emit no status at all: nothing to follow (gRPC servers are followed through Nest's hook, see AppGrpcServer). */
function isGrpc(value: object, transportId: unknown): boolean {
  return transportId === 4 || /grpc/i.test(value.constructor?.name ?? '');
}

function transportOfServer(server: object): string {
  const id = (server as { transportId?: unknown }).transportId;
  if (typeof id === 'number' && TRANSPORT_NAMES[id]) return TRANSPORT_NAMES[id];
  if (typeof id === 'symbol' && id.description) return kebab(id.description);
  return kebab((server.constructor?.name ?? 'custom').replace(/^Server(?=[A-Z])|Server$/g, '')) || 'custom';
}

function transportOfClient(client: object): string {
  const name = (client.constructor?.name ?? '').replace(/^Client(?=[A-Z])|(Client)?Proxy$/g, '');
  return kebab(name) || 'custom';
}

function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name;
  if (typeof token === 'symbol') return token.description ?? 'client';
  return String(token);
}

/** `transport-nats`, then `transport-nats-2` for a second one. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let index = 2; taken.has(name); index++) name = `${base}-${index}`;
  taken.add(name);
  return name;
}

/**
 * The app's transport servers (every server Nest registered as an RPC target: `createMicroservice`,
 * `connectMicroservice` before init; gRPC servers too) and its `ClientProxy` providers, gRPC clients excepted.
 */
export function findTransports(moduleRef: ModuleRef, { servers, clients }: { servers: boolean; clients: boolean }): FoundTransport[] {
  const modules = moduleRef.get(ModulesContainer, { strict: false });
  const found: FoundTransport[] = [];
  const names = new Set<string>();
  if (servers) {
    const targets: unknown[] = [];
    modules
      .getRpcTargetRegistry()
      .subscribe((target) => targets.push(target))
      .unsubscribe();
    for (const server of new Set(targets)) {
      if (isNestGrpcServer(server)) {
        // `ServerGrpc.status` throws; its follower reports `listening` once bound and `closed` once closing.
        found.push({ name: uniqueName('transport-grpc', names), transport: 'grpc', role: 'server', source: AppGrpcServer.of(server) });
        continue;
      }
      if (!hasStatusStream(server) || isGrpc(server, (server as { transportId?: unknown }).transportId)) continue;
      const transport = transportOfServer(server);
      found.push({ name: uniqueName(`transport-${transport}`, names), transport, role: 'server', source: server });
    }
  }
  if (clients) {
    const seen = new Set<unknown>();
    for (const module of modules.values()) {
      for (const wrapper of module.providers.values()) {
        const instance: unknown = wrapper.isAlias ? undefined : wrapper.instance;
        if (seen.has(instance) || !isClientProxy(instance) || isGrpc(instance, undefined)) continue;
        seen.add(instance);
        found.push({
          name: uniqueName(`client-${kebab(tokenName(wrapper.token)) || 'proxy'}`, names),
          transport: transportOfClient(instance),
          role: 'client',
          source: instance,
        });
      }
    }
  }
  return found;
}
