import type { OnApplicationShutdown } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { AppGrpcServer, isNestGrpcServer } from './app-grpc-server.js';

/**
 * The app's own Nest gRPC servers, each followed from the moment Nest creates it. Nest registers a
 * transport server as an RPC target when `createMicroservice` or `connectMicroservice` makes it, which
 * can be before the app's init (a hybrid app may `startAllMicroservices()` before `listen()`), so this
 * follows the registry from its own creation, not from a lifecycle hook.
 */
export class AppGrpcServers implements OnApplicationShutdown {
  private readonly found: AppGrpcServer[] = [];
  private readonly subscription: { unsubscribe(): void };

  constructor(modules: ModulesContainer) {
    this.subscription = modules.getRpcTargetRegistry().subscribe((target) => {
      if (isNestGrpcServer(target)) this.found.push(AppGrpcServer.of(target));
    });
  }

  /** Every Nest gRPC server of the app so far. */
  get servers(): readonly AppGrpcServer[] {
    return this.found;
  }

  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
  }
}
