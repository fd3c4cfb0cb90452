import { Controller, Delete, Get, Patch, Post, Put, Req, Res, StreamableFile, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthRequestHandler, type HealthHttpResponse } from '../handler/health-request.handler.js';
import { HEALTH_ROUTES, methodsOf, type HealthRouteRow } from '../http/health-routes.js';
import { parseHealthQuery } from '../http/health-query.js';
import { spellsRoute, targetPath } from '../http/request-target.js';

/** What the controller reads of an Express or Fastify request. */
interface FrameworkRequest {
  method: string;
  /** The body Express' or Fastify's JSON parser made (read by the simulation route only). */
  body?: unknown;
  /** Express: the target as received (`url` is relative to a mount point); Fastify has only `url`. */
  originalUrl?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}

/** How one `HealthModule` import mounts its routes. */
export interface HealthControllerSettings {
  /** Route prefix, validated. */
  path: string;
  /** The app's class decorators for this import's controller. */
  decorators: ClassDecorator[];
}

/** Nest's mapping decorator of each method a route can answer or refuse; HEAD comes with GET. */
const MAPPINGS: Record<string, (path: string | string[]) => MethodDecorator> = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };

/** The methods a health controller has; `serve` and `refuse` are its only logic. */
export interface HealthControllerShape {
  serve(route: HealthRouteRow, request: FrameworkRequest, response: unknown): Promise<void>;
  refuse(allowed: readonly string[], request: FrameworkRequest, response: unknown): void;
}

/**
 * Makes the controller of one `HealthModule` import: mounted at its `path`, version-neutral (URI,
 * header and media-type versioning leave its paths alone), with the app's class decorators. A new
 * class per import, so nothing is ever applied to a class another import shares. It is a thin door:
 * `HealthRequestHandler` answers, this only hands it the row and the request and writes the answer
 * through Nest's HTTP adapter, so Express and Fastify answer alike.
 *
 * Its methods come from the route table: one per route and method it answers (GET's is named after the
 * route, the name OpenAPI documents), and one per refused method for all the routes that refuse it (405).
 */
export function createHealthController(settings: HealthControllerSettings): Type<HealthControllerShape> {
  @Controller({ path: settings.path, version: VERSION_NEUTRAL })
  class HealthController implements HealthControllerShape {
    constructor(
      private readonly handler: HealthRequestHandler,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    /** Hands the request to the handler and writes its answer. */
    async serve(route: HealthRouteRow, request: FrameworkRequest, response: unknown): Promise<void> {
      const target = request.originalUrl ?? request.url ?? '';
      // The app's router may have matched another spelling (`/health/READY` on Express); the probe server would not.
      if (!spellsRoute(target, settings.path, route.path)) return this.write(this.handler.notFound(targetPath(target)), response);
      const answer = await this.handler.handle({
        method: request.method,
        route,
        params: request.params ?? {},
        // The raw target, parsed by the module (linear, capped), not the framework's query object: both doors alike.
        query: parseHealthQuery(target),
        headers: request.headers ?? {},
        request,
        body: request.body,
      });
      this.write(answer, response);
    }

    /** Writes the 405 of a method no route at this path answers. */
    refuse(allowed: readonly string[], request: FrameworkRequest, response: unknown): void {
      this.write(this.handler.methodNotAllowed(request.method, allowed), response);
    }

    private write(answer: HealthHttpResponse, response: unknown): void {
      const adapter = this.adapterHost.httpAdapter;
      for (const name in answer.headers) {
        const value = answer.headers[name];
        if (name !== 'Vary') {
          adapter.setHeader(response, name, value);
          continue;
        }
        // The app may already vary on other headers (CORS with a list of origins sets `Vary: Origin`): keep them.
        const current: unknown = adapter.getHeader(response, name);
        adapter.setHeader(response, name, current === undefined ? value : mergeVary(current, value));
      }
      const body = answer.body.length === 0 ? undefined : typeof answer.body === 'string' ? answer.body : new StreamableFile(answer.body);
      adapter.reply(response, body, answer.statusCode);
    }
  }

  const mount = (key: string, mapping: MethodDecorator, call: (controller: HealthControllerShape, request: FrameworkRequest, response: unknown) => unknown) => {
    const prototype = HealthController.prototype as unknown as Record<string, unknown>;
    // Named by its key: OpenAPI's operation id is `<Controller>_<method name>`.
    prototype[key] = {
      [key](this: HealthControllerShape, request: FrameworkRequest, response: unknown) {
        return call(this, request, response);
      },
    }[key];
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    mapping(prototype, key, descriptor);
    Req()(prototype, key, 0);
    Res()(prototype, key, 1);
  };
  for (const route of HEALTH_ROUTES as readonly HealthRouteRow[]) {
    for (const method of methodsOf(route).filter((candidate) => candidate in MAPPINGS)) {
      mount(routeMethodKey(route, method), MAPPINGS[method](route.path), (controller, request, response) => controller.serve(route, request, response));
    }
  }
  // The 405s: for each method, one controller method over every path whose route refuses it (grouped by what they allow).
  for (const [method, mapping] of Object.entries(MAPPINGS)) {
    const refusing = new Map<string, string[]>();
    for (const route of HEALTH_ROUTES as readonly HealthRouteRow[]) {
      const allowed = methodsOf(route);
      if (allowed.includes(method)) continue;
      refusing.set(allowed.join(', '), [...(refusing.get(allowed.join(', ')) ?? []), route.path]);
    }
    [...refusing].forEach(([allowed, paths], index) => {
      const methods = allowed.split(', ');
      mount(`${REFUSAL_PREFIX}${method}${index === 0 ? '' : index}`, mapping(paths), (controller, request, response) =>
        controller.refuse(methods, request, response),
      );
    });
  }

  return (settings.decorators.length > 0 ? Reflect.decorate(settings.decorators, HealthController) : HealthController) as Type<HealthControllerShape>;
}

/** The prefix of the controller methods that answer 405 (OpenAPI leaves them out). */
export const REFUSAL_PREFIX = 'refuse';

/** The controller method that serves a route's method: the route's name for GET (its OpenAPI operation), else `<method><Name>`. */
export function routeMethodKey(route: HealthRouteRow, method: string): string {
  return method === 'GET' ? route.name : `${method.toLowerCase()}${route.name.charAt(0).toUpperCase()}${route.name.slice(1)}`;
}

/** The `Vary` header set before the controller (by the app's middleware or hooks), with the handler's fields added once. */
export function mergeVary(current: unknown, value: string): string {
  const fields = (Array.isArray(current) ? current : [current])
    .filter((entry) => typeof entry === 'string' || typeof entry === 'number')
    .flatMap((entry) => String(entry).split(','))
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.includes('*')) return '*';
  for (const field of value.split(',').map((entry) => entry.trim())) {
    if (field && !fields.some((known) => known.toLowerCase() === field.toLowerCase())) fields.push(field);
  }
  return fields.join(', ');
}
