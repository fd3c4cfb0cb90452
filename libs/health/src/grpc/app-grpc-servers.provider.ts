import type { FactoryProvider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { AppGrpcServers } from '../transports/app-grpc-servers.js';

/** The followed gRPC servers when something needs them (`grpc.attach`, or `microservices` with servers), else null. */
export const appGrpcServersProvider: FactoryProvider<AppGrpcServers | null> = {
  provide: AppGrpcServers,
  useFactory: (options: ResolvedHealthOptions, modules: ModulesContainer): AppGrpcServers | null => {
    const microservices = options.microservices;
    const followsServers = microservices === true || (typeof microservices === 'object' && microservices.servers !== false);
    return options.grpc?.attach === true || followsServers ? new AppGrpcServers(modules) : null;
  },
  inject: [RESOLVED_HEALTH_OPTIONS, ModulesContainer],
};
