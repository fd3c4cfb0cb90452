import { Logger, type FactoryProvider, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { sendUnaryData, Server, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { merge } from 'rxjs';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { describeError } from '../execution/check-outcome.js';
import type { GrpcHealthOptions } from '../interfaces/health-module-options.interface.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import { RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { loadOptionalPeer } from '../peers/optional-peer.loader.js';
import { redact } from '../redaction/redactor.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { HealthService } from '../service/health.service.js';
import {
  HEALTH_SERVICE_DEFINITION,
  MAX_REQUEST_MESSAGE_BYTES,
  MAX_SERVICE_NAME_BYTES,
  ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from './grpc-health.codec.js';
import { healthTargetOf, servingStatusOf } from './grpc-health.status.js';
import { HealthWatches } from './grpc-health.watches.js';

type GrpcJs = typeof import('@grpc/grpc-js');

/** HTTP/2 streams a connection may have open beside `maxWatchStreams` (concurrent `Check` calls). */
const CHECK_STREAMS_PER_CONNECTION = 100;

/** `host:port` as gRPC takes it (an IPv6 address in brackets). */
function addressOf(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The gRPC door onto the engine: `grpc.health.v1.Health` (`Check`, `Watch`) on a listener of its own.
 * Statuses come from `HealthService` exactly as the HTTP probes get them. It listens from module init,
 * so `''` answers `NOT_SERVING` while the rest of the app bootstraps, and closes after the app on
 * shutdown, so liveness answers through the drain; open `Watch` calls end with status OK.
 */
export class GrpcHealthServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly settings: Required<GrpcHealthOptions>;
  private readonly watches: HealthWatches;
  private server?: Server;

  constructor(
    private readonly grpc: GrpcJs,
    options: GrpcHealthOptions,
    private readonly health: HealthService,
    registry: HealthIndicatorRegistry,
    startup: StartupGate,
    manual: ManualProbeState,
  ) {
    const defaults = HEALTH_DEFAULTS.grpc;
    this.settings = {
      port: options.port,
      host: options.host ?? defaults.host,
      watchIntervalMs: options.watchIntervalMs ?? defaults.watchIntervalMs,
      maxWatchStreams: options.maxWatchStreams ?? defaults.maxWatchStreams,
    };
    this.watches = new HealthWatches({
      evaluate: (service) => this.evaluate(service),
      probeIncludes: (probe, check) => registry.forProbe(probe).some((indicator) => indicator.name === check),
      changes$: health.changes$,
      lifecycle$: merge(startup.changed$, manual.changed$),
      intervalMs: this.settings.watchIntervalMs,
    });
  }

  async onModuleInit(): Promise<void> {
    const { grpc } = this;
    const server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_REQUEST_MESSAGE_BYTES,
      // HTTP/2 streams per connection: every Watch stream allowed, and as many Checks besides. Without a limit, the
      // HTTP/2 session keeps every closed stream of a connection (with what it buffered): memory grows per call.
      'grpc.max_concurrent_streams': this.settings.maxWatchStreams + CHECK_STREAMS_PER_CONNECTION,
    });
    server.addService(HEALTH_SERVICE_DEFINITION, {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const { service } = call.request;
        const refused = this.refusal(call.request, false);
        if (refused) return callback(refused);
        void this.evaluate(service).then((status) => {
          if (status !== ServingStatus.SERVICE_UNKNOWN) callback(null, { status });
          else callback({ code: grpc.status.NOT_FOUND, details: redact(`unknown service ${JSON.stringify(service.slice(0, 100))}`) });
        });
      },
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        const refused = this.refusal(call.request, true);
        if (refused) {
          call.emit('error', refused);
          return;
        }
        const stop = this.watches.add(call.request.service, {
          send: (status) => {
            if (!call.cancelled) call.write({ status });
          },
          end: () => {
            if (!call.cancelled) call.end();
          },
        });
        call.on('cancelled', stop);
      },
    });
    const address = addressOf(this.settings.host, this.settings.port);
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => {
        if (!error) return resolve();
        server.forceShutdown();
        reject(this.listenError(error));
      });
    });
    this.server = server;
    this.watches.start();
    this.logger.log(`gRPC health service (grpc.health.v1.Health) listening on ${address}`);
  }

  /** Ends every `Watch` call cleanly, then closes the listener; calls still open after `closeTimeoutMs` are cut. */
  async onApplicationShutdown(): Promise<void> {
    this.watches.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, HEALTH_DEFAULTS.grpc.closeTimeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Why a call is refused before anything is evaluated or kept: a name over 1 KiB, or one Watch stream too many. */
  private refusal(request: HealthCheckRequest, watch: boolean): { code: number; details: string } | undefined {
    const { status } = this.grpc;
    if (request.oversizedServiceBytes !== undefined) {
      return {
        code: status.INVALID_ARGUMENT,
        details: `service name of ${request.oversizedServiceBytes} bytes; at most ${MAX_SERVICE_NAME_BYTES} bytes are accepted`,
      };
    }
    if (watch && this.watches.openStreams >= this.settings.maxWatchStreams) {
      return {
        code: status.RESOURCE_EXHAUSTED,
        details: `${this.settings.maxWatchStreams} Watch streams are open, the most this server keeps (grpc.maxWatchStreams); use Check, or retry later`,
      };
    }
    return undefined;
  }

  /** The serving status of a service name, from the same evaluation the HTTP probes use; never rejects. */
  private async evaluate(service: string): Promise<ServingStatus> {
    const target = healthTargetOf(service);
    try {
      if (target.kind === 'probe') return servingStatusOf((await this.health.check(target.probe)).status);
      const result = await this.health.checkOne(target.name);
      return result ? servingStatusOf(result.status) : ServingStatus.SERVICE_UNKNOWN;
    } catch (error) {
      // As on the HTTP routes: a failure of the health machinery itself is NOT_SERVING, never an error status.
      this.logger.error(redact(`gRPC health evaluation of ${JSON.stringify(service.slice(0, 100))} failed: ${describeError(error)}`));
      return ServingStatus.NOT_SERVING;
    }
  }

  private listenError(error: Error): HealthOptionsError {
    const { host, port } = this.settings;
    const reason = error.message;
    if (reason.includes('EADDRINUSE'))
      return new HealthOptionsError([`"grpc.port": port ${port} is already in use on ${host}; stop what listens there or choose another port`]);
    if (reason.includes('EACCES'))
      return new HealthOptionsError([`"grpc.port": not allowed to listen on port ${port}; choose a port above 1023 or grant the permission`]);
    if (/EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN|Name resolution failed/.test(reason))
      return new HealthOptionsError([`"grpc.host": cannot listen on ${JSON.stringify(host)}: not an address of this machine (${reason})`]);
    return new HealthOptionsError([`"grpc": cannot listen on ${addressOf(host, port)}: ${reason}`]);
  }
}

/** The gRPC health server when `grpc` is set (Nest calls its lifecycle hooks), else null. `@grpc/grpc-js` is imported only then. */
export const grpcHealthServerProvider: FactoryProvider<GrpcHealthServer | null> = {
  provide: GrpcHealthServer,
  useFactory: async (
    options: ResolvedHealthOptions,
    health: HealthService,
    registry: HealthIndicatorRegistry,
    startup: StartupGate,
    manual: ManualProbeState,
  ): Promise<GrpcHealthServer | null> => {
    if (!options.grpc) return null;
    const loaded = await loadOptionalPeer({ option: 'grpc', packageName: '@grpc/grpc-js' }, () => import('@grpc/grpc-js'));
    const grpc = (loaded as GrpcJs & { default?: GrpcJs }).default ?? loaded;
    return new GrpcHealthServer(grpc, options.grpc, health, registry, startup, manual);
  },
  inject: [RESOLVED_HEALTH_OPTIONS, HealthService, HealthIndicatorRegistry, StartupGate, ManualProbeState],
};
