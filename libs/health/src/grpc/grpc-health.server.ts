import { Logger, type FactoryProvider, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Server, ServerInterceptor } from '@grpc/grpc-js';
import { constants as http2 } from 'node:http2';
import { HealthOptionsError } from '../errors/health-options.error.js';
import type { GrpcHealthOptions } from '../interfaces/health-module-options.interface.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import { RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { HealthService } from '../service/health.service.js';
import { HEALTH_SERVICE_DEFINITION, MAX_REQUEST_MESSAGE_BYTES } from './grpc-health.codec.js';
import { GrpcHealthHandlers, loadGrpcJs, type GrpcHealthSources } from './grpc-health.handlers.js';

type GrpcJs = typeof import('@grpc/grpc-js');

/** HTTP/2 streams a connection may have open beside `maxWatchStreams` (concurrent `Check` and `List` calls). */
const CHECK_STREAMS_PER_CONNECTION = 100;

/**
 * Ends the request side of a call whose answer is complete before the client has sent all of it: the HTTP/2 stream
 * is reset with `NO_ERROR` once the answer is out (RFC 9113 §8.1), and the client stops sending. The case that
 * matters is a request over `grpc.max_receive_message_length`, refused from its length prefix: grpc-js keeps
 * reading such a stream after its status, so a 1 MB name would be read whole (and a 4 GiB one too), into buffers
 * that are dropped. The reset waits one turn of the event loop, as Node's own http2 does for a response to a stream it
 * never read: on Node 22 an immediate reset went out before the answer's HEADERS frame. grpc-js does not expose the
 * stream; when a version of it has none, calls go on as before (and `test/grpc-bounds.e2e-spec.ts` fails).
 */
const resetUnreadRequest: ServerInterceptor = (_method, call) => {
  const stream = (call as { stream?: unknown }).stream;
  if (isHttp2Stream(stream))
    stream.once('finish', () =>
      setImmediate(() => {
        if (!stream.readableEnded && !stream.closed) stream.close(http2.NGHTTP2_NO_ERROR);
      }),
    );
  return call as ReturnType<ServerInterceptor>;
};

interface Http2StreamLike {
  once(event: 'finish', listener: () => void): unknown;
  close(code: number): void;
  readonly readableEnded: boolean;
  readonly closed: boolean;
}

function isHttp2Stream(value: unknown): value is Http2StreamLike {
  return typeof value === 'object' && value !== null && 'rstCode' in value && typeof (value as { close?: unknown }).close === 'function';
}

/** `host:port` as gRPC takes it (an IPv6 address in brackets). */
function addressOf(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The gRPC health service (`Check`, `Watch`, `List`) on a listener of its own. It listens from module init,
 * so `''` answers `NOT_SERVING` while the rest of the app bootstraps, and closes after the app on
 * shutdown, so liveness answers through the drain; open `Watch` calls end with status OK.
 */
export class GrpcHealthServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly settings: { port: number; host: string; watchIntervalMs: number; maxWatchStreams: number };
  private readonly handlers: GrpcHealthHandlers;
  private server?: Server;

  /** @internal Takes `@grpc/grpc-js` (an optional peer), whose types stay out of the published declarations. */
  constructor(
    private readonly grpc: GrpcJs,
    options: GrpcHealthOptions & { port: number },
    sources: GrpcHealthSources,
  ) {
    const defaults = HEALTH_DEFAULTS.grpc;
    this.settings = {
      port: options.port,
      host: options.host ?? defaults.host,
      watchIntervalMs: options.watchIntervalMs ?? defaults.watchIntervalMs,
      maxWatchStreams: options.maxWatchStreams ?? defaults.maxWatchStreams,
    };
    const { watchIntervalMs, maxWatchStreams } = this.settings;
    this.handlers = new GrpcHealthHandlers(grpc, sources, { watchIntervalMs, maxWatchStreams });
  }

  async onModuleInit(): Promise<void> {
    const { grpc } = this;
    const server = new grpc.Server({
      // A request over 8 KiB is refused (RESOURCE_EXHAUSTED) from its length prefix, before its bytes are buffered.
      'grpc.max_receive_message_length': MAX_REQUEST_MESSAGE_BYTES,
      // HTTP/2 streams per connection: every Watch stream allowed, and as many other calls besides. Without a limit,
      // the HTTP/2 session keeps every closed stream of a connection (with what it buffered): memory grows per call.
      'grpc.max_concurrent_streams': this.settings.maxWatchStreams + CHECK_STREAMS_PER_CONNECTION,
      interceptors: [resetUnreadRequest],
    });
    server.addService(HEALTH_SERVICE_DEFINITION, this.handlers.implementation());
    const address = addressOf(this.settings.host, this.settings.port);
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => {
        if (!error) return resolve();
        server.forceShutdown();
        reject(this.listenError(error));
      });
    });
    this.server = server;
    this.handlers.start();
    this.logger.log(`gRPC health service (grpc.health.v1.Health) listening on ${address}`);
  }

  /** Ends every `Watch` call cleanly, then closes the listener; calls still open after `closeTimeoutMs` are cut. */
  async onApplicationShutdown(): Promise<void> {
    void this.handlers.close();
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
    if (options.grpc?.port === undefined) return null;
    const grpc = await loadGrpcJs('grpc');
    return new GrpcHealthServer(grpc, { ...options.grpc, port: options.grpc.port }, { health, registry, startup, manual });
  },
  inject: [RESOLVED_HEALTH_OPTIONS, HealthService, HealthIndicatorRegistry, StartupGate, ManualProbeState],
};
