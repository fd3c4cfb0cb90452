import { Logger, type BeforeApplicationShutdown, type FactoryProvider, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import { RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { HealthService } from '../service/health.service.js';
import type { ListeningGrpcServer } from '../transports/app-grpc-server.js';
import { AppGrpcServers } from '../transports/app-grpc-servers.js';
import { HEALTH_SERVICE_DEFINITION } from './grpc-health.codec.js';
import { GrpcHealthHandlers, loadGrpcJs, type GrpcHealthSources } from './grpc-health.handlers.js';

type GrpcJs = typeof import('@grpc/grpc-js');

/**
 * `grpc: { attach: true }`: `grpc.health.v1.Health` (`Check`, `Watch`, `List`) on each of the app's own
 * Nest gRPC servers, on their port, beside the app's services, so that gRPC clients' health checking
 * (gRFC A17) and meshes probe the port the service is served on. Each of the app's services
 * (`package.Service`) answers as readiness unless `grpc.services` says otherwise.
 *
 * Open `Watch` calls end (status OK) once the drain is over, before Nest closes the server; they also end
 * first when Nest closes the server on `app.close()` (which closes it before the shutdown hooks run).
 */
export class GrpcAttachedHealth implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly doors: GrpcHealthHandlers[] = [];

  /** @internal Takes `@grpc/grpc-js` (an optional peer), whose types stay out of the published declarations. */
  constructor(
    private readonly grpc: GrpcJs,
    private readonly options: NonNullable<ResolvedHealthOptions['grpc']>,
    private readonly sources: GrpcHealthSources,
    private readonly servers: AppGrpcServers,
  ) {}

  onApplicationBootstrap(): void {
    const servers = this.servers.servers;
    if (servers.length === 0) {
      throw new HealthOptionsError([
        `"grpc.attach" is true, but the app has no Nest gRPC server (Transport.GRPC, from createMicroservice or connectMicroservice before init); use "grpc.port" for a health listener of its own`,
      ]);
    }
    for (const server of servers) {
      server.whenListening((listening) => {
        const door = this.attach(listening);
        if (door) server.whenClosing(() => void door.close());
      });
    }
  }

  /** After the drain (readiness has answered NOT_SERVING through it), the health streams end; the app's server closes next. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.doors.splice(0).map((door) => door.close()));
  }

  private attach({ server, serviceNames, servesHealth }: ListeningGrpcServer): GrpcHealthHandlers | undefined {
    if (servesHealth) {
      this.logger.warn(`"grpc.attach": the app serves grpc.health.v1.Health on its gRPC server itself; nest-vitals does not add it there`);
      return undefined;
    }
    const aliases = new Map<string, string>(serviceNames.map((name) => [name, '']));
    for (const [name, target] of Object.entries(this.options.services ?? {})) aliases.set(name, target);
    const door = new GrpcHealthHandlers(this.grpc, this.sources, {
      watchIntervalMs: this.options.watchIntervalMs ?? HEALTH_DEFAULTS.grpc.watchIntervalMs,
      maxWatchStreams: this.options.maxWatchStreams ?? HEALTH_DEFAULTS.grpc.maxWatchStreams,
      aliases,
    });
    server.addService(HEALTH_SERVICE_DEFINITION, door.implementation());
    door.start();
    this.doors.push(door);
    this.logger.log(
      `gRPC health service (grpc.health.v1.Health) added to the app's gRPC server, answering also for ${serviceNames.join(', ') || 'no service of its own'}`,
    );
    return door;
  }
}

/** The health service on the app's own gRPC servers when `grpc.attach` is set, else null. `@grpc/grpc-js` is imported only then. */
export const grpcAttachedHealthProvider: FactoryProvider<GrpcAttachedHealth | null> = {
  provide: GrpcAttachedHealth,
  useFactory: async (
    options: ResolvedHealthOptions,
    health: HealthService,
    registry: HealthIndicatorRegistry,
    startup: StartupGate,
    manual: ManualProbeState,
    servers: AppGrpcServers | null,
  ): Promise<GrpcAttachedHealth | null> => {
    if (options.grpc?.attach !== true || !servers) return null;
    const grpc = await loadGrpcJs('grpc.attach');
    return new GrpcAttachedHealth(grpc, options.grpc, { health, registry, startup, manual }, servers);
  },
  inject: [RESOLVED_HEALTH_OPTIONS, HealthService, HealthIndicatorRegistry, StartupGate, ManualProbeState, AppGrpcServers],
};
