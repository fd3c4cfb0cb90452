import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How often idle connections are closed while Nest closes the server. */
const IDLE_SWEEP_MS = 25;

/**
 * While draining, every response of the app's HTTP server carries `Connection: close`, so a
 * keep-alive client behind an L4 balancer (kube-proxy) reconnects, and lands on another pod.
 *
 * The listener is added to the app's own `http.Server` only when the drain begins: until then the
 * app's routes pay nothing, not even a check. It runs before the adapter's handler (Express or
 * Fastify), so the app's routes, errors and 404s all carry the header.
 *
 * Nest's own close (`server.close()`, which on Node ≥ 19 also closes the keep-alive connections idle at
 * that moment) lets in-flight requests finish, but a connection whose request started before the
 * drain and ends after the close stays open until the server's `keepAliveTimeout` (72 s on Fastify),
 * and Nest's shutdown waits for it. From the end of the drain until the server has closed, idle
 * connections are closed as they become idle.
 */
@Injectable()
export class DrainingConnections {
  private server?: Server;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  private readonly closeAfterResponse = (request: IncomingMessage, response: ServerResponse): void => {
    // HTTP/2 has no Connection header; its sessions end with GOAWAY when the server closes.
    if (request.httpVersionMajor < 2 && !response.headersSent) response.setHeader('Connection', 'close');
  };

  /** Starts closing each connection after its next response. Does nothing without an HTTP server (microservice, standalone context). */
  begin(): void {
    if (this.server) return;
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
    if (typeof server?.prependListener !== 'function') return;
    this.server = server;
    server.prependListener('request', this.closeAfterResponse);
  }

  /** Called when Nest is about to close the server: closes each connection once it is idle, until the server has closed. */
  closeIdleUntilClosed(): void {
    const server = this.server;
    if (typeof server?.closeIdleConnections !== 'function' || !server.listening) return;
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  }

  end(): void {
    this.server?.removeListener('request', this.closeAfterResponse);
    this.server = undefined;
  }
}
