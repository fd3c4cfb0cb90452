/*
 * One of the app's own Nest gRPC servers (`ServerGrpc`, `Transport.GRPC`), followed through the hook Nest
 * offers for adding services to it: `options.onLoadPackageDefinition(packageDefinition, server)`, which
 * Nest calls once the server is bound, before it adds the app's services (the hook Nest's docs use for
 * gRPC reflection). Typed by the little it needs, so that no declaration needs `@nestjs/microservices`.
 */

/** `Transport.GRPC` of `@nestjs/microservices`. */
const TRANSPORT_GRPC = 4;

/** The `@grpc/grpc-js` server inside a `ServerGrpc`, as far as health needs it. */
export interface GrpcJsServerLike {
  addService(service: object, implementation: object): void;
  tryShutdown(callback: (error?: Error) => void): void;
  forceShutdown(): void;
}

/** A proto-loader package definition: fully-qualified names to service or message definitions. */
export type PackageDefinitionLike = Record<string, unknown>;

/** The part of Nest's `ServerGrpc` that health uses: its transport id and its options. */
export interface NestGrpcServerLike {
  transportId: unknown;
  options: {
    package?: string | string[];
    onLoadPackageDefinition?: (packageDefinition: PackageDefinitionLike, server: GrpcJsServerLike) => void;
  };
}

/** The server once it listens: the grpc-js server and the services of the app's packages. */
export interface ListeningGrpcServer {
  server: GrpcJsServerLike;
  /** Fully-qualified names of the services the app serves on it (`hero.HeroService`). */
  serviceNames: string[];
  /** Whether the app itself serves `grpc.health.v1.Health` there. */
  servesHealth: boolean;
}

export function isNestGrpcServer(value: unknown): value is NestGrpcServerLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { transportId?: unknown; options?: unknown };
  return candidate.transportId === TRANSPORT_GRPC && typeof candidate.options === 'object' && candidate.options !== null;
}

/** A service definition of grpc-js: methods, each with a `path` such as `/hero.HeroService/FindOne`. */
function isServiceDefinition(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || 'format' in value) return false;
  const methods = Object.values(value as Record<string, unknown>);
  return methods.length > 0 && methods.every((method) => typeof (method as { path?: unknown } | null)?.path === 'string');
}

/** The services of the loaded packages that Nest serves: those under one of the server's `package` names. */
function servedServices(definition: PackageDefinitionLike, packages: string[]): string[] {
  return Object.keys(definition).filter((name) => isServiceDefinition(definition[name]) && packages.some((pkg) => pkg === '' || name.startsWith(`${pkg}.`)));
}

const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * Follows one Nest gRPC server: when it listens (with the grpc-js server and the app's services) and
 * when it starts closing. One follower per server, whoever asks (the `microservices` check, the
 * health service attached to it).
 */
export class AppGrpcServer {
  private static readonly followed = new WeakMap<object, AppGrpcServer>();
  private listening?: ListeningGrpcServer;
  private closing = false;
  private readonly listeningHandlers: ((server: ListeningGrpcServer) => void)[] = [];
  private readonly closingHandlers: (() => void)[] = [];
  private readonly statusObservers = new Set<(status: string) => void>();

  /** Its status as Nest's transports report theirs: `listening` once bound, `closed` once it starts closing. */
  readonly status = {
    subscribe: (observer: (status: string) => void) => {
      this.statusObservers.add(observer);
      if (this.closing) observer('closed');
      else if (this.listening) observer('listening');
      return { unsubscribe: () => this.statusObservers.delete(observer) };
    },
  };

  private constructor(private readonly nest: NestGrpcServerLike) {
    const { options } = nest;
    const appHook = options.onLoadPackageDefinition;
    // The app's own hook (gRPC reflection, say) still runs, first.
    options.onLoadPackageDefinition = (definition, server) => {
      appHook?.(definition, server);
      this.onListening(definition, server);
    };
  }

  /** The follower of this server; the first call installs it (before the server listens). */
  static of(server: NestGrpcServerLike): AppGrpcServer {
    let follower = AppGrpcServer.followed.get(server);
    if (!follower) {
      follower = new AppGrpcServer(server);
      AppGrpcServer.followed.set(server, follower);
    }
    return follower;
  }

  /** Runs `handler` when the server listens (at once if it already does). */
  whenListening(handler: (server: ListeningGrpcServer) => void): void {
    if (this.listening) handler(this.listening);
    else this.listeningHandlers.push(handler);
  }

  /** Runs `handler` when the server starts closing, before its calls are ended or cut. */
  whenClosing(handler: () => void): void {
    this.closingHandlers.push(handler);
  }

  private onListening(definition: PackageDefinitionLike, server: GrpcJsServerLike): void {
    const packageOption = this.nest.options.package ?? [];
    const packages = Array.isArray(packageOption) ? packageOption : [packageOption];
    const serviceNames = servedServices(definition, packages);
    this.listening = {
      server,
      serviceNames: serviceNames.filter((name) => name !== HEALTH_SERVICE),
      servesHealth: serviceNames.includes(HEALTH_SERVICE),
    };
    // Nest ends the server with tryShutdown (gracefulShutdown) or forceShutdown; open health streams end first,
    // so that a graceful shutdown does not wait for Watch calls that never end by themselves.
    const tryShutdown = server.tryShutdown.bind(server);
    const forceShutdown = server.forceShutdown.bind(server);
    server.tryShutdown = (callback) => {
      this.onClosing();
      tryShutdown(callback);
    };
    server.forceShutdown = () => {
      this.onClosing();
      forceShutdown();
    };
    for (const observer of this.statusObservers) observer('listening');
    for (const handler of this.listeningHandlers.splice(0)) handler(this.listening);
  }

  private onClosing(): void {
    if (this.closing) return;
    this.closing = true;
    for (const handler of this.closingHandlers.splice(0)) handler();
    for (const observer of this.statusObservers) observer('closed');
  }
}
