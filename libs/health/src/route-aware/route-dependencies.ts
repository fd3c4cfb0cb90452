import {
  Logger,
  RequestMethod,
  ServiceUnavailableException,
  type ExecutionContext,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, DiscoveryService, HttpAdapterHost, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { PathsExplorer } from '@nestjs/core/router/paths-explorer.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import type { RoutePathMetadata } from '@nestjs/core/router/interfaces/route-path-metadata.interface.js';
import type { Subscription } from 'rxjs';
import { DependencyUnavailableDto } from '../dto/dependency-unavailable.dto.js';
import { RouteDependencyError } from '../errors/route-dependency.error.js';
import { HealthEvents } from '../execution/health-events.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';
import type { RouteEndpoint } from '../interfaces/route-endpoint.interface.js';
import { HealthLogEntry } from '../logging/health-log-entry.js';
import { HealthMetrics } from '../metrics/health-metrics.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HEALTH_OPENAPI_ENABLED, RESOLVED_HEALTH_OPTIONS } from '../options/health-options.token.js';
import { loadOptionalPeer, loadOptionalPeerIfInstalled } from '../peers/optional-peer.loader.js';
import { redact } from '../redaction/redactor.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { getDependsOnMetadata } from './depends-on.metadata.js';

/** Where `@MessagePattern()` / `@GrpcMethod()` keep a microservice handler's pattern (`@nestjs/microservices`' `PATTERN_METADATA`). */
const PATTERN_METADATA = 'microservices:pattern';
/** Where `@ApiResponse()` keeps a handler's responses (`@nestjs/swagger`'s `DECORATORS.API_RESPONSE`). */
const SWAGGER_RESPONSES_METADATA = 'swagger/apiResponse';
/** gRPC's `UNAVAILABLE`. */
const GRPC_UNAVAILABLE = 14;
export const GROUP_DEPENDENCY_PREFIX = 'group:';

/** A handler carrying `@DependsOn()` (its own or its class's), as found when the app is created. */
interface Declaration {
  controller: Type;
  handler: object;
  methodName: string;
  /** The module the controller belongs to (for a `RouterModule` path). */
  module?: Type;
  transport: 'http' | 'rpc';
  /** Check names and `group:<name>` selectors, the class's first. */
  names: string[];
  failFast?: boolean;
}

/** What a route is failing fast for: the first check of the route that is DOWN. */
export interface RouteFailure {
  check: string;
  retryAfterSeconds: number;
  message: string;
}

/** A decorated route once the app is bootstrapped: where it is served, what it waits for, and its state. */
export interface DependentRoute {
  readonly controller: Type;
  readonly handler: object;
  readonly transport: 'http' | 'rpc';
  /** `GET`, `POST`, ... (`ALL` for `@All()`), or `GRPC` / `RPC`. */
  readonly method: string;
  /** The served paths (several with versions or path arrays); `Service/Method` for gRPC. */
  readonly paths: string[];
  /** `GET /v1/orders` (the first path), for logs and messages. */
  readonly label: string;
  /** Checks that refuse the route while DOWN: named checks, and the critical members of named groups. */
  readonly gatingChecks: string[];
  readonly failFast: boolean;
  /** Set while a gating check is DOWN and fail fast is on: the guard refuses the route. */
  failing?: RouteFailure;
}

/** Retry-After when a check has neither a refresh interval nor a cache TTL: Kubernetes' default probe period, which then re-runs it. */
const RETRY_AFTER_FALLBACK_MS = 10_000;

/**
 * The route map and the fail-fast state of every route carrying `@DependsOn()`. When the app is created it
 * finds the decorated handlers (and documents their 503 for Swagger); at bootstrap it checks every name
 * against the registered checks and groups, resolves each handler to its served paths with Nest's own
 * route path factory (global prefix, module path, URI versioning), and from then on follows each check's
 * reported status (the engine's `changes$`) into a precomputed state per route that `DependsOnGuard` reads.
 */
export class RouteDependencies implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthModule');
  private readonly declarations: Declaration[];
  private readonly routesByController = new Map<Type, Map<object, DependentRoute>>();
  private readonly gatedRoutes = new Map<string, DependentRoute[]>();
  private readonly statuses = new Map<string, HealthStatus>();
  private endpoints: Record<string, RouteEndpoint[]> = {};
  private routeList: DependentRoute[] = [];
  private subscription?: Subscription;
  private rpcException?: new (error: object) => Error;

  constructor(
    discovery: DiscoveryService,
    private readonly options: ResolvedHealthOptions,
    private readonly registry: HealthIndicatorRegistry,
    private readonly events: HealthEvents,
    private readonly metrics: HealthMetrics,
    private readonly applicationConfig: ApplicationConfig,
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.declarations = findDeclarations(discovery);
  }

  /** Whether a route without its own `failFast` fails fast. */
  private get failFastByDefault(): boolean {
    return this.options.dependsOn?.failFast ?? false;
  }

  /**
   * Documents the 503 of every decorated HTTP route that fails fast, when `@nestjs/swagger` is installed:
   * runs while the app is created, before the app can build its document.
   */
  async document(): Promise<void> {
    const documented = this.declarations.filter((declaration) => declaration.transport === 'http' && (declaration.failFast ?? this.failFastByDefault));
    if (documented.length === 0) return;
    const swagger = await loadOptionalPeerIfInstalled({ option: '@DependsOn', packageName: '@nestjs/swagger' }, () => import('@nestjs/swagger'));
    if (!swagger) return;
    for (const { controller, methodName, handler, names } of documented) {
      const prototype = controller.prototype as object;
      const descriptor = { value: handler, writable: true, enumerable: false, configurable: true };
      const responses = Reflect.getMetadata(SWAGGER_RESPONSES_METADATA, handler) as Record<string, { type?: unknown }> | undefined;
      // Documented already (a second app of the same classes in one process): Swagger would append the description.
      if (responses?.[503]?.type === DependencyUnavailableDto) continue;
      // A route with no documented response gets Swagger's default one; adding only the 503 would drop it.
      if (!responses) {
        swagger.ApiResponse({ status: defaultStatus(handler), description: '' })(prototype, methodName, descriptor);
      }
      swagger.ApiResponse({
        status: 503,
        type: DependencyUnavailableDto,
        description: `Fails fast while a check this route depends on is DOWN: ${names.join(', ')}. The handler does not run; Retry-After says when to try again.`,
        headers: {
          'Retry-After': { description: 'Seconds until the check runs again (its refresh interval or cache TTL).', schema: { type: 'integer', minimum: 1 } },
        },
      })(prototype, methodName, descriptor);
    }
  }

  onModuleInit(): void {
    this.subscription = this.events.changes$.subscribe((change) => {
      if (change.kind !== 'check') return;
      this.statuses.set(change.name, change.to);
      this.update(change.name);
    });
    // A check removed at run time (`unregister()`) no longer refuses anything.
    this.subscription.add(
      this.events.removed$.subscribe((name) => {
        this.statuses.delete(name);
        this.update(name);
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const problems: string[] = [];
    const routes: DependentRoute[] = [];
    const endpoints: Record<string, RouteEndpoint[]> = {};
    for (const declaration of this.declarations) {
      const resolved = this.resolveNames(declaration, problems);
      if (!resolved) continue;
      const { method, paths } = declaration.transport === 'http' ? this.servedRoute(declaration) : rpcRoute(declaration);
      const route: DependentRoute = {
        controller: declaration.controller,
        handler: declaration.handler,
        transport: declaration.transport,
        method,
        paths,
        label: `${method} ${paths[0] ?? ''}`.trim(),
        gatingChecks: resolved.gating,
        failFast: declaration.failFast ?? this.failFastByDefault,
      };
      routes.push(route);
      for (const check of resolved.mapped) {
        const list = (endpoints[check] ??= []);
        const failFast = route.failFast && route.gatingChecks.includes(check);
        for (const path of paths) if (!list.some((known) => known.method === method && known.path === path)) list.push({ method, path, failFast });
      }
    }
    if (problems.length > 0) throw new RouteDependencyError(problems);
    if (routes.some((route) => route.transport === 'rpc' && route.failFast)) {
      const microservices = await loadOptionalPeer(
        { option: '@DependsOn on a microservice handler', packageName: '@nestjs/microservices' },
        () => import('@nestjs/microservices'),
      );
      this.rpcException = microservices.RpcException;
    }
    for (const route of routes) {
      let byHandler = this.routesByController.get(route.controller);
      if (!byHandler) this.routesByController.set(route.controller, (byHandler = new Map<object, DependentRoute>()));
      byHandler.set(route.handler, route);
      if (!route.failFast) continue;
      for (const check of route.gatingChecks) {
        const list = this.gatedRoutes.get(check);
        if (list) list.push(route);
        else this.gatedRoutes.set(check, [route]);
      }
    }
    this.routeList = routes;
    this.endpoints = endpoints;
    // Results that arrived before the map existed (startup checks) count from now on.
    for (const check of this.gatedRoutes.keys()) this.update(check);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The route of a handler, if it carries `@DependsOn()`; what the guard reads on every request. */
  routeOf(controller: Type, handler: object): DependentRoute | undefined {
    return this.routesByController.get(controller)?.get(handler);
  }

  /** Every decorated route. */
  routes(): readonly DependentRoute[] {
    return this.routeList;
  }

  /** The map: each check's routes (method and served path), for every check at least one route depends on. */
  endpointsByCheck(): Readonly<Record<string, RouteEndpoint[]>> {
    return this.endpoints;
  }

  /**
   * The exception a failing route is refused with, thrown by the guard so the app's exception filters answer:
   * a 503 `ServiceUnavailableException` with a `Retry-After` header, or gRPC `UNAVAILABLE` (an `RpcException`).
   * Counts the rejection in `health_route_rejections_total`.
   */
  reject(route: DependentRoute, context: ExecutionContext): Error {
    const failure = route.failing!;
    if (context.getType() === 'rpc') {
      this.metrics.recordRouteRejection(redact(failure.check), route.method, route.paths[0] ?? '');
      return this.rpcException ? new this.rpcException({ code: GRPC_UNAVAILABLE, message: failure.message }) : new Error(failure.message);
    }
    const http = context.switchToHttp();
    this.metrics.recordRouteRejection(redact(failure.check), route.method, matchedPath(route, http.getRequest()));
    this.adapterHost.httpAdapter?.setHeader(http.getResponse(), 'Retry-After', String(failure.retryAfterSeconds));
    return new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: failure.message,
      check: failure.check,
      retryAfterSeconds: failure.retryAfterSeconds,
    });
  }

  /** The checks a declaration names, or `undefined` (and problems) when a name is unknown. */
  private resolveNames(declaration: Declaration, problems: string[]): { gating: string[]; mapped: string[] } | undefined {
    const gating = new Set<string>();
    const mapped = new Set<string>();
    const where = `${declaration.controller.name}.${declaration.methodName}`;
    let known = true;
    for (const name of declaration.names) {
      if (name.startsWith(GROUP_DEPENDENCY_PREFIX)) {
        const group = name.slice(GROUP_DEPENDENCY_PREFIX.length);
        if (!this.registry.hasGroup(group)) {
          const groups = this.registry.groupNames();
          problems.push(`${where}: @DependsOn(${JSON.stringify(name)}) names no configured group; known groups: ${groups.length ? groups.join(', ') : 'none'}`);
          known = false;
          continue;
        }
        for (const member of this.registry.forGroup(group)) {
          mapped.add(member.name);
          // A group is DOWN when a critical member is: those are what the route waits for.
          if (member.critical) gating.add(member.name);
        }
      } else if (this.registry.get(name)) {
        mapped.add(name);
        gating.add(name);
      } else {
        const checks = this.registry.all().map((indicator) => indicator.name);
        const groups = this.registry.groupNames().map((group) => `${GROUP_DEPENDENCY_PREFIX}${group}`);
        problems.push(
          `${where}: @DependsOn(${JSON.stringify(name)}) names no registered check; known checks: ${checks.length ? checks.join(', ') : 'none'}${groups.length ? `; known groups: ${groups.join(', ')}` : ''}`,
        );
        known = false;
      }
    }
    return known ? { gating: [...gating], mapped: [...mapped] } : undefined;
  }

  /** The HTTP method and served paths of a handler, made by Nest's own `RoutePathFactory` as the router makes them. */
  private servedRoute(declaration: Declaration): { method: string; paths: string[] } {
    const { controller, methodName } = declaration;
    const definition = new PathsExplorer(new MetadataScanner())
      .scanForPaths(controller.prototype as object, controller.prototype as object)
      .find((route) => route.methodName === methodName);
    const requestMethod = definition?.requestMethod ?? RequestMethod.GET;
    const factory = new RoutePathFactory(this.applicationConfig);
    const controllerPath = (Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '/';
    const modulePath = declaration.module
      ? ((Reflect.getMetadata(MODULE_PATH + this.modules.applicationId, declaration.module) ?? Reflect.getMetadata(MODULE_PATH, declaration.module)) as
          string | undefined)
      : undefined;
    const paths: string[] = [];
    for (const ctrlPath of Array.isArray(controllerPath) ? controllerPath : [controllerPath]) {
      for (const methodPath of definition?.path ?? ['/']) {
        const created = factory.create(
          {
            ctrlPath: ctrlPath.startsWith('/') ? ctrlPath : `/${ctrlPath}`,
            methodPath,
            modulePath,
            globalPrefix: this.applicationConfig.getGlobalPrefix(),
            controllerVersion: Reflect.getMetadata(VERSION_METADATA, controller) as RoutePathMetadata['controllerVersion'],
            methodVersion: definition?.version,
            versioningOptions: this.applicationConfig.getVersioning(),
          },
          requestMethod,
        );
        for (const path of created) if (!paths.includes(path)) paths.push(path);
      }
    }
    return { method: RequestMethod[requestMethod], paths };
  }

  /** Recomputes the state of every route a check gates, and logs the routes that start or stop failing fast. */
  private update(check: string): void {
    const routes = this.gatedRoutes.get(check);
    if (!routes) return;
    const started: DependentRoute[] = [];
    const stopped: DependentRoute[] = [];
    for (const route of routes) {
      const down = route.gatingChecks.find((name) => this.statuses.get(name) === 'DOWN');
      if (down === route.failing?.check) continue;
      const wasFailing = route.failing !== undefined;
      route.failing = down === undefined ? undefined : this.failure(route, down);
      if (route.failing && !wasFailing) started.push(route);
      else if (!route.failing && wasFailing) stopped.push(route);
    }
    const status = this.statuses.get(check) ?? 'UP';
    if (started.length > 0) {
      this.logger.warn(
        new HealthLogEntry('health routes failing fast', { check: redact(check), to: status, routes: started.map((route) => route.label).join(', ') }),
      );
    }
    if (stopped.length > 0) {
      this.logger.log(
        new HealthLogEntry('health routes no longer failing fast', {
          check: redact(check),
          to: status,
          routes: stopped.map((route) => route.label).join(', '),
        }),
      );
    }
  }

  private failure(route: DependentRoute, check: string): RouteFailure {
    const retryAfterSeconds = this.retryAfterSeconds(check);
    return {
      check,
      retryAfterSeconds,
      message: `${route.label} depends on ${JSON.stringify(check)}, which is DOWN; retry after ${retryAfterSeconds} s`,
    };
  }

  /** When the check's result can next change: its refresh interval, else its cache TTL, in whole seconds (at least 1). */
  private retryAfterSeconds(check: string): number {
    const indicator = this.registry.get(check);
    const ms = indicator?.refreshIntervalMs || indicator?.cacheTtlMs || RETRY_AFTER_FALLBACK_MS;
    return Math.max(1, Math.ceil(ms / 1000));
  }
}

/** Every handler of every controller that carries `@DependsOn()` itself or through its class. */
function findDeclarations(discovery: DiscoveryService): Declaration[] {
  const scanner = new MetadataScanner();
  const declarations: Declaration[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type | undefined;
    if (!controller?.prototype) continue;
    const onClass = getDependsOnMetadata(controller);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName];
      if (typeof handler !== 'function') continue;
      const onMethod = getDependsOnMetadata(handler);
      if (!onClass && !onMethod) continue;
      const transport =
        Reflect.getMetadata(PATH_METADATA, handler) !== undefined ? 'http' : Reflect.getMetadata(PATTERN_METADATA, handler) !== undefined ? 'rpc' : undefined;
      if (!transport) continue;
      const failFast = onMethod?.failFast ?? onClass?.failFast;
      declarations.push({
        controller,
        handler,
        methodName,
        module: wrapper.host?.metatype,
        transport,
        names: [...new Set([...(onClass?.names ?? []), ...(onMethod?.names ?? [])])],
        ...(failFast === undefined ? {} : { failFast }),
      });
    }
  }
  return declarations;
}

/** A microservice handler: `GRPC Service/Method` for `@GrpcMethod()`, else `RPC <pattern>`. */
function rpcRoute(declaration: Declaration): { method: string; paths: string[] } {
  const patterns = [Reflect.getMetadata(PATTERN_METADATA, declaration.handler) as unknown].flat();
  const grpc = patterns.filter((pattern): pattern is { service: string; rpc: string } => typeof pattern === 'object' && pattern !== null && 'rpc' in pattern);
  if (grpc.length > 0) return { method: 'GRPC', paths: grpc.map((pattern) => `${pattern.service}/${pattern.rpc}`) };
  return { method: 'RPC', paths: patterns.map((pattern) => (typeof pattern === 'string' ? pattern : JSON.stringify(pattern))) };
}

/** The path the request matched, for the metric's `route` label: the route's own when it has one, else the router's pattern. */
function matchedPath(route: DependentRoute, request: unknown): string {
  if (route.paths.length === 1) return route.paths[0];
  const matched = request as { route?: { path?: unknown }; routeOptions?: { url?: unknown } } | undefined;
  const path = matched?.route?.path ?? matched?.routeOptions?.url;
  return typeof path === 'string' && route.paths.includes(path) ? path : route.paths[0];
}

/** The status Swagger documents for a route without responses of its own: its `@HttpCode()`, else 201 for POST and 200 otherwise. */
function defaultStatus(handler: object): number {
  const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  if (code) return code;
  return Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200;
}

/**
 * The route map of one app, made by Nest while it creates the app: the decorated handlers are found and,
 * unless `openapi: false`, their 503 documented before the app can build its Swagger document.
 */
export const routeDependenciesProvider = {
  provide: RouteDependencies,
  useFactory: async (
    discovery: DiscoveryService,
    options: ResolvedHealthOptions,
    registry: HealthIndicatorRegistry,
    events: HealthEvents,
    metrics: HealthMetrics,
    applicationConfig: ApplicationConfig,
    modules: ModulesContainer,
    adapterHost: HttpAdapterHost,
    openapi: boolean,
  ): Promise<RouteDependencies> => {
    const routes = new RouteDependencies(discovery, options, registry, events, metrics, applicationConfig, modules, adapterHost);
    if (openapi) await routes.document();
    return routes;
  },
  inject: [
    DiscoveryService,
    RESOLVED_HEALTH_OPTIONS,
    HealthIndicatorRegistry,
    HealthEvents,
    HealthMetrics,
    ApplicationConfig,
    ModulesContainer,
    HttpAdapterHost,
    HEALTH_OPENAPI_ENABLED,
  ],
};
