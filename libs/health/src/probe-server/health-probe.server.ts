import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthProbeServerError } from '../errors/health-probe-server.error.js';
import { HealthRequestHandler, type HealthHttpRequest, type HealthHttpResponse } from '../handler/health-request.handler.js';
import { matchHealthRoute } from '../http/health-routes.js';
import { parseHealthQuery } from '../http/health-query.js';
import { ROUTED_METHODS, targetPath } from '../http/request-target.js';
import type { HealthProbeServerOptions } from '../interfaces/health-module-options.interface.js';

/** How one `HealthModule` import serves its probe server. */
export interface HealthProbeServerSettings extends HealthProbeServerOptions {
  /** The module's `path`, without leading slash: the routes live below `/{path}`. */
  path: string;
}

/** How long shutdown waits for probes in flight before it cuts their connections. */
const CLOSE_GRACE_MS = 2000;

/**
 * The probe server's timeouts, set explicitly rather than left to Node's defaults (60 s for headers, 300 s for a
 * request): a probe is a small GET, so a client that has not sent its headers within 10 s, or its whole request within
 * 15 s, is answered 408 and its connection closed; idle keep-alive connections close after 5 s (kubelets reconnect).
 * Node checks them every `connectionsCheckingInterval`, here every second.
 */
export const PROBE_SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} as const;

/** What a bind error means, in the option's words. */
function listenProblem(error: NodeJS.ErrnoException, settings: HealthProbeServerSettings): string {
  const where = settings.host === undefined ? `port ${settings.port} (all interfaces)` : `${settings.host}:${settings.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `"server.port": ${where} is already in use; free it or choose another port (an integer from 0 to 65535)`;
    case 'EACCES':
      return `"server.port": ${where} may not be bound by this process (permission denied); choose a port above 1023`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `"server.host": ${JSON.stringify(settings.host)} is not an address of this machine; use e.g. "0.0.0.0" or "127.0.0.1"`;
    default:
      return `"server": the probe server could not listen on ${where}: ${error.message}`;
  }
}

/**
 * The probe server: a plain `node:http` listener outside Nest's router, a second thin door onto
 * `HealthRequestHandler` (the controller is the first). It serves exactly the routes the controller
 * would, below `/{path}` and nowhere else. Its factory provider listens while Nest creates the app's
 * providers, so `/startup` and `/ready` answer 503 STARTING during the rest of bootstrap; it closes in
 * `onApplicationShutdown`, after the app's own servers, so liveness answers through the whole drain.
 * @publicApi
 */
export class HealthProbeServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HealthModule');
  private readonly prefix: string;

  private constructor(
    private readonly handler: HealthRequestHandler,
    settings: HealthProbeServerSettings,
    private readonly server: Server,
  ) {
    this.prefix = `/${settings.path}`;
  }

  /** Creates the server and waits until it listens; a bind error names the option. */
  static async listen(handler: HealthRequestHandler, settings: HealthProbeServerSettings): Promise<HealthProbeServer> {
    const server = createServer({ ...PROBE_SERVER_TIMEOUTS });
    const probeServer = new HealthProbeServer(handler, settings, server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => probeServer.serve(request, response));
    // Until bootstrap has finished the server does not keep the process alive, so a bootstrap that fails later cannot hang it.
    server.unref();
    try {
      server.listen(settings.port, settings.host);
      await once(server, 'listening');
    } catch (error) {
      throw new HealthProbeServerError(listenProblem(error as NodeJS.ErrnoException, settings), error);
    }
    // After it listens, a server error (e.g. out of file descriptors) is logged, never an uncaught exception.
    server.on('error', (error) => probeServer.logger.error(`probe server: ${error.message}`));
    const { port } = server.address() as AddressInfo;
    const host = settings.host?.includes(':') ? `[${settings.host}]` : settings.host;
    probeServer.logger.log(
      host === undefined
        ? `probe server listening on port ${port} (all interfaces): http://localhost:${port}${probeServer.prefix}`
        : `probe server listening on http://${host}:${port}${probeServer.prefix}`,
    );
    return probeServer;
  }

  /** The address the server listens on (the port chosen when `server.port` is 0). */
  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  onApplicationBootstrap(): void {
    this.server.ref();
  }

  /** Closes last: Nest has closed the app's own servers before it calls this hook. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeIdleConnections();
    const cut = sleep(CLOSE_GRACE_MS, undefined, { ref: false }).then(() => this.server.closeAllConnections());
    await Promise.race([closed, cut]);
    await closed;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    // Only a PUT's body is read (the simulation route), bounded; any other is drained so the connection can be reused.
    if (request.method !== 'PUT') {
      request.resume();
      const now = this.answerNow(request);
      if (now) return this.write(request, response, now);
    }
    void this.answerLater(request, response);
  }

  /** The answer when it is at hand: a 404, or a probe whose report needs no check to run (`handleNow`). */
  private answerNow(request: IncomingMessage): HealthHttpResponse | undefined {
    try {
      const routed = this.route(request, undefined);
      return 'statusCode' in routed ? routed : this.handler.handleNow(routed);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The answer that needs a promise: a PUT's body, or checks that must run. */
  private async answerLater(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: HealthHttpResponse;
    try {
      const routed = this.route(request, request.method === 'PUT' ? await readJsonBody(request) : undefined);
      answer = 'statusCode' in routed ? routed : await this.handler.handle(routed);
    } catch (error) {
      answer = this.failure(error);
    }
    this.write(request, response, answer);
  }

  private failure(error: unknown): HealthHttpResponse {
    this.logger.error(`probe server: ${error instanceof Error ? error.message : String(error)}`);
    const body = JSON.stringify({ statusCode: 503, message: 'the health request could not be answered', error: 'Service Unavailable' });
    return {
      statusCode: 503,
      headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
      body,
    };
  }

  private write(request: IncomingMessage, response: ServerResponse, answer: HealthHttpResponse): void {
    if (response.destroyed) return;
    // A HEAD answer of the handler names the GET body's length; any other answer still carries its body.
    const length = answer.headers['Content-Length'] ?? String(Buffer.byteLength(answer.body));
    response.writeHead(answer.statusCode, { ...answer.headers, 'Content-Length': length });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  /** The request to a health route, or the 404 of a target that is none. */
  private route(request: IncomingMessage, body: unknown): HealthHttpRequest | HealthHttpResponse {
    const target = request.url ?? '/';
    // Absolute-form targets (`GET http://host/health/ready`) name the same path, as in the app.
    const pathname = targetPath(target);
    // Only the routes below /{path} are served; the same URLs as in the app, so a manifest changes only its port.
    if (pathname !== this.prefix && !pathname.startsWith(`${this.prefix}/`)) return this.handler.notFound(pathname);
    const below = pathname.slice(this.prefix.length);
    // One trailing slash is ignored, as Express does: /health/live/ is /health/live.
    const path = below.length > 1 && below.endsWith('/') ? below.slice(0, -1) : below;
    const matched = matchHealthRoute(path);
    // A method no door routes (OPTIONS, TRACE, ...) is no route, as the app's router answers it.
    if (!matched || !ROUTED_METHODS.includes((request.method ?? 'GET').toUpperCase())) return this.handler.notFound(path);
    return {
      method: request.method ?? 'GET',
      route: matched.route,
      params: matched.params,
      query: parseHealthQuery(target),
      headers: request.headers,
      request,
      body,
    };
  }
}

/** The largest request body read (a simulation is a few dozen bytes). */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * A JSON request body, as Express' and Fastify's parsers give it: the parsed value, or `undefined` for
 * another media type, a body that is not JSON or one larger than `MAX_BODY_BYTES` (read no further).
 */
async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(request.headers['content-type'] ?? '')) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
