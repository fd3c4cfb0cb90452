import { Controller, Delete, Get, Param, Patch, Post, Put, Req, Res, StreamableFile, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthRequestHandler } from '../http/health-request.handler.js';
import { parseHealthQuery } from '../http/health-query.js';

/** What the controller reads of an Express or Fastify request. */
interface FrameworkRequest {
  method: string;
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

/** The routes, as mounted below the module path and as the request handler names them. */
const ROUTES = [
  { key: 'Report', path: '', relative: () => '' },
  { key: 'Live', path: 'live', relative: () => '/live' },
  { key: 'Ready', path: 'ready', relative: () => '/ready' },
  { key: 'Startup', path: 'startup', relative: () => '/startup' },
  { key: 'Check', path: 'checks/:name', relative: (params: Record<string, string | undefined>) => `/checks/${encodeURIComponent(params.name ?? '')}` },
  { key: 'Group', path: 'groups/:name', relative: (params: Record<string, string | undefined>) => `/groups/${encodeURIComponent(params.name ?? '')}` },
] as const;

/** Methods answered 405 (`Allow: GET, HEAD`) rather than the app's 404. HEAD comes with GET. */
const NOT_ALLOWED = { post: Post, put: Put, patch: Patch, delete: Delete } as const;

/** The methods a health controller has; `serve` is its only logic. */
export interface HealthControllerShape {
  serve(path: string, request: FrameworkRequest, response: unknown): Promise<void>;
}

/**
 * Makes the controller of one `HealthModule` import: mounted at its `path`, version-neutral (URI,
 * header and media-type versioning leave its paths alone), with the app's class decorators. A new
 * class per import, so nothing is ever applied to a class another import shares. It is a thin door:
 * `HealthRequestHandler` answers, this only hands it the request and writes the answer through
 * Nest's HTTP adapter, so Express and Fastify answer alike.
 */
export function createHealthController(settings: HealthControllerSettings): Type<HealthControllerShape> {
  @Controller({ path: settings.path, version: VERSION_NEUTRAL })
  class HealthController implements HealthControllerShape {
    constructor(
      private readonly handler: HealthRequestHandler,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get('live')
    live(@Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve('/live', request, response);
    }

    @Get('ready')
    ready(@Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve('/ready', request, response);
    }

    @Get('startup')
    startup(@Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve('/startup', request, response);
    }

    @Get()
    report(@Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve('', request, response);
    }

    @Get('checks/:name')
    check(@Param('name') name: string, @Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve(`/checks/${encodeURIComponent(name)}`, request, response);
    }

    @Get('groups/:name')
    group(@Param('name') name: string, @Req() request: FrameworkRequest, @Res() response: unknown): Promise<void> {
      return this.serve(`/groups/${encodeURIComponent(name)}`, request, response);
    }

    /** Hands the request to the handler and writes its answer. */
    async serve(path: string, request: FrameworkRequest, response: unknown): Promise<void> {
      // The raw target, parsed by the module (linear, capped), not the framework's query object: both doors alike.
      const query = parseHealthQuery(request.originalUrl ?? request.url ?? '');
      const answer = await this.handler.handle({ method: request.method, path, query, headers: request.headers ?? {}, request });
      const adapter = this.adapterHost.httpAdapter;
      for (const [name, value] of Object.entries(answer.headers)) {
        // The app may already vary on other headers (CORS with a list of origins sets `Vary: Origin`): keep them.
        adapter.setHeader(response, name, name.toLowerCase() === 'vary' ? mergeVary(adapter.getHeader(response, name), value) : value);
      }
      const body = answer.body.length === 0 ? undefined : typeof answer.body === 'string' ? answer.body : new StreamableFile(answer.body);
      adapter.reply(response, body, answer.statusCode);
    }
  }

  for (const route of ROUTES) {
    for (const [verb, mapping] of Object.entries(NOT_ALLOWED)) {
      const key = `${verb}${route.key}`;
      const method = function (this: HealthControllerShape, request: FrameworkRequest, response: unknown): Promise<void> {
        return this.serve(route.relative(request.params ?? {}), request, response);
      };
      Object.defineProperty(HealthController.prototype, key, { value: method, writable: true, configurable: true });
      const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, key)!;
      mapping(route.path)(HealthController.prototype, key, descriptor);
      Req()(HealthController.prototype, key, 0);
      Res()(HealthController.prototype, key, 1);
    }
  }

  return (settings.decorators.length > 0 ? Reflect.decorate(settings.decorators, HealthController) : HealthController) as Type<HealthControllerShape>;
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

/** Whether a controller method is one of the documented GET routes (the others answer 405 and stay out of the document). */
export function isDocumentedRoute(key: string): boolean {
  return ['live', 'ready', 'startup', 'report', 'check', 'group'].includes(key);
}
