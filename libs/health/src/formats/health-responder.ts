import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes a representation through Nest's HTTP adapter, so Express and Fastify answer alike. */
@Injectable()
export class HealthResponder {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  send(response: unknown, statusCode: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Content-Type', contentType);
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, statusCode);
  }

  json(response: unknown, statusCode: number, body: unknown, headers?: Record<string, string>): void {
    this.send(response, statusCode, JSON.stringify(body), JSON_CONTENT_TYPE, headers);
  }
}
