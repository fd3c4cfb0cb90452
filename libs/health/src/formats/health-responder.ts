import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RequestWithHeaders } from '../access/health-access.js';
import { negotiateFormat } from './content-negotiation.js';
import { HEALTH_REPRESENTATIONS } from './health-formats.js';
import { JSON_CONTENT_TYPE } from './json/json.format.js';
import type { ReportView } from './report-view.js';

export { JSON_CONTENT_TYPE };

/**
 * Writes a response through Nest's HTTP adapter, so Express and Fastify answer alike (HEAD
 * included: both send the headers and status of the GET without its body).
 */
@Injectable()
export class HealthResponder {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Renders the view in the representation the request's `Accept` header asks for. */
  represent(request: unknown, response: unknown, view: ReportView): void {
    const representation = HEALTH_REPRESENTATIONS[negotiateFormat((request as RequestWithHeaders | undefined)?.headers?.accept)];
    this.send(response, view.httpStatus, representation.render(view), representation.contentType, representation.headers);
  }

  /** A JSON body, for errors (401, 404), whatever the `Accept` header. */
  json(response: unknown, statusCode: number, body: unknown, headers?: Record<string, string>): void {
    this.send(response, statusCode, JSON.stringify(body), JSON_CONTENT_TYPE, headers);
  }

  private send(response: unknown, statusCode: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Vary', 'Accept');
    adapter.setHeader(response, 'Content-Type', contentType);
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, statusCode);
  }
}
