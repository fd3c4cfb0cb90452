import { All, Controller, Delete, Get, Next, Patch, Post, Put, Req, Res, StreamableFile, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthRequestHandler, type HealthHttpRequest, type HealthHttpResponse } from '../handler/health-request.handler.js';
import { HEALTH_ROUTES, methodsOf, type HealthRouteRow } from '../http/health-routes.js';
import { parseHealthQuery } from '../http/health-query.js';
import { refusedRoute, ROUTED_METHODS, spellsRoute, targetPath } from '../http/request-target.js';

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

/** How many request targets a controller remembers as spelling a route. */
const MAX_REMEMBERED_SPELLINGS = 100;

/** Nest's mapping decorator of each method a route can answer or refuse; HEAD comes with GET. */
const MAPPINGS: Record<string, (path: string | string[]) => MethodDecorator> = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };

/** The methods a health controller has; `serve` and `refuse` are its only logic. */
export interface HealthControllerShape {
  serve(route: HealthRouteRow, request: FrameworkRequest, response: unknown): Promise<void> | undefined;
  refuse(request: FrameworkRequest, response: unknown, next: unknown): void;
}

/**
 * Makes the controller of one `HealthModule` import: mounted at its `path`, version-neutral (URI,
 * header and media-type versioning leave its paths alone), with the app's class decorators. A new
 * class per import, so nothing is ever applied to a class another import shares. It is a thin door:
 * `HealthRequestHandler` answers, this only hands it the row and the request and writes the answer
 * through Nest's HTTP adapter, so Express and Fastify answer alike.
 *
 * Its methods come from the route table: one per route and method it answers (GET's is named after the
 * route, the name OpenAPI documents), then the refusals below its path (405s; see `mapRefusals`).
 */
export function createHealthController(settings: HealthControllerSettings): Type<HealthControllerShape> {
  @Controller({ path: settings.path, version: VERSION_NEUTRAL })
  class HealthController implements HealthControllerShape {
    /** Request targets known to spell a route, and the route (bounded: targets with a query string vary). */
    private readonly spellings = new Map<string, HealthRouteRow>();
    private fastify?: boolean;

    constructor(
      private readonly handler: HealthRequestHandler,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    /** Hands the request to the handler and writes its answer: at once when it is at hand (a probe of refreshed results). */
    serve(route: HealthRouteRow, request: FrameworkRequest, response: unknown): Promise<void> | undefined {
      const target = request.originalUrl ?? request.url ?? '';
      // The app's router may have matched another spelling (`/health/READY` on Express); the probe server would not.
      if (!this.spelled(target, route)) return void this.write(this.handler.notFound(targetPath(target)), response);
      const healthRequest: HealthHttpRequest = {
        method: request.method,
        route,
        params: request.params ?? {},
        // The raw target, parsed by the module (linear, capped), not the framework's query object: both doors alike.
        query: parseHealthQuery(target),
        headers: request.headers ?? {},
        request,
        body: request.body,
      };
      const now = this.handler.handleNow(healthRequest);
      if (now) return void this.write(now, response);
      return this.handler.handle(healthRequest).then((answer) => this.write(answer, response));
    }

    /** Whether the target spells the route exactly; the spellings seen last are remembered (a kubelet sends one). */
    private spelled(target: string, route: HealthRouteRow): boolean {
      const known = this.spellings.get(target);
      if (known === route) return true;
      if (!spellsRoute(target, settings.path, route.path)) return false;
      if (this.spellings.size >= MAX_REMEMBERED_SPELLINGS) this.spellings.clear();
      this.spellings.set(target, route);
      return true;
    }

    /**
     * Below the module's path, whatever no route of the table answered: the 405 of a method a route does not
     * answer (spelled exactly, as `serve` requires), else on to what the app would do had no route matched
     * (Express: the next route or the app's 404; Fastify: its not-found handler, Nest's 404).
     */
    refuse(request: FrameworkRequest, response: unknown, next: unknown): void {
      const target = request.originalUrl ?? request.url ?? '';
      const refused = refusedRoute(request.method, target, settings.path, segmentsBelowMount(request.params));
      if (refused) return this.write(this.handler.methodNotAllowed(request.method, methodsOf(refused)), response);
      if (typeof next === 'function') return void (next as () => void)();
      const reply = response as { callNotFound?: () => void };
      if (typeof reply.callNotFound === 'function') return reply.callNotFound();
      this.write(this.handler.notFound(targetPath(target)), response);
    }

    private write(answer: HealthHttpResponse, response: unknown): void {
      if (typeof answer.body === 'string' && this.onFastify()) return writeToFastify(answer, response as FastifyReplyLike);
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

    /** Whether the app runs on Fastify (known once Nest has its HTTP adapter, which does not change). */
    private onFastify(): boolean {
      return (this.fastify ??= this.adapterHost.httpAdapter?.getType() === 'fastify');
    }
  }

  const prototype = HealthController.prototype as unknown as Record<string, unknown>;
  const define = (key: string, call: (controller: HealthControllerShape, request: FrameworkRequest, response: unknown, next: unknown) => unknown) => {
    // Named by its key: OpenAPI's operation id is `<Controller>_<method name>`.
    prototype[key] = {
      [key](this: HealthControllerShape, request: FrameworkRequest, response: unknown, next: unknown) {
        return call(this, request, response, next);
      },
    }[key];
    Req()(prototype, key, 0);
    Res()(prototype, key, 1);
  };
  for (const route of HEALTH_ROUTES as readonly HealthRouteRow[]) {
    for (const method of methodsOf(route).filter((candidate) => candidate in MAPPINGS)) {
      const key = routeMethodKey(route, method);
      define(key, (controller, request, response) => controller.serve(route, request, response));
      MAPPINGS[method](route.path)(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
    }
  }
  // The refusals: mapped once the app's HTTP adapter is known (`mapRefusals`), as the wildcard is spelled per router;
  // defined last, so that Nest registers them after every route of the table (Express tries routes in that order).
  for (const key of REFUSAL_KEYS) {
    define(key, (controller, request, response, next) => controller.refuse(request, response, next));
    Next()(prototype, key, 2);
  }

  return (settings.decorators.length > 0 ? Reflect.decorate(settings.decorators, HealthController) : HealthController) as Type<HealthControllerShape>;
}

/** The methods a route at the module's own path (`''`) refuses: mapped one by one on Fastify, whose wildcard stops below it. */
const ROOT_REFUSALS = ROUTED_METHODS.filter((method) =>
  (HEALTH_ROUTES as readonly HealthRouteRow[]).some((route) => route.path === '' && !methodsOf(route).includes(method)),
).filter((method) => method in MAPPINGS);

/** The controller methods that refuse: one for every method below the module's path, and Fastify's at the path itself. */
const REFUSAL_KEYS = ['refusal', ...ROOT_REFUSALS.map((method) => `refusal${method}`)];

/**
 * Maps a controller's refusals for the app's HTTP adapter, before Nest registers its routes (the module's
 * `configure()`). One route for every method at and below the module's path, after the table's routes, so
 * that it sees only what they did not answer: 2 lines of "Mapped" routes on Express, 5 on Fastify, not one per
 * route and method. Express (and any router on Nest's path syntax): `''` and `{*rest}`. Fastify: `*` (which
 * does not match the path itself, where a second GET would clash with the report's) and each refused method at `''`.
 */
export function mapRefusals(controller: Type, adapterType: string | undefined): void {
  const prototype = controller.prototype as Record<string, unknown>;
  const map = (key: string, decorator: MethodDecorator) => decorator(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
  if (adapterType !== 'fastify') {
    map('refusal', All(['', '{*rest}']));
    return;
  }
  map('refusal', All('*'));
  for (const method of ROOT_REFUSALS) map(`refusal${method}`, MAPPINGS[method](''));
}

/** How many path segments a refusal's wildcard matched below the module's path (Express: `rest`; Fastify: `*`). */
function segmentsBelowMount(params: Record<string, unknown> | undefined): number {
  const rest = params?.rest ?? params?.['*'];
  if (Array.isArray(rest)) return rest.filter((segment) => segment !== '').length;
  return typeof rest === 'string' ? rest.split('/').filter(Boolean).length : 0;
}

/** What the controller uses of a Fastify reply. */
interface FastifyReplyLike {
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  send(body?: string): unknown;
}

/** Each answer's headers as Fastify keeps them (lower-case names), made once per set of headers the handler reuses. */
const FASTIFY_HEADERS = new WeakMap<Record<string, string>, [name: string, value: string][]>();

/**
 * A text answer written on Fastify's reply itself, as Nest's adapter would but without its checks for streams,
 * errors and JSON bodies, none of which a text answer is. The names are given in lower case, as Fastify keeps
 * them: it lower-cases every name it is given, and a name it has to change costs a new string and a slower store
 * (about 1,000 instructions of a request's 85,000, per header).
 */
function writeToFastify(answer: HealthHttpResponse, reply: FastifyReplyLike): void {
  let headers = FASTIFY_HEADERS.get(answer.headers);
  if (!headers) {
    headers = Object.entries(answer.headers).map(([name, value]) => [name.toLowerCase(), value]);
    FASTIFY_HEADERS.set(answer.headers, headers);
  }
  for (const [name, value] of headers) {
    if (name !== 'vary') {
      reply.header(name, value);
      continue;
    }
    // As on Express: the fields the app already varies on are kept.
    const current = reply.getHeader(name);
    reply.header(name, current === undefined ? value : mergeVary(current, value));
  }
  reply.code(answer.statusCode);
  reply.send(answer.body.length === 0 ? undefined : (answer.body as string));
}

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
