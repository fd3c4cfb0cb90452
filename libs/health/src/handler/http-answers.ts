import type { HttpException } from '@nestjs/common';
import { JSON_CONTENT_TYPE } from '../formats/json/json.format.js';
import type { HealthHttpResponse } from './health-request.handler.js';

/** Headers of every health answer: never cached, varies with `Accept`. */
export function noStoreHeaders(contentType: string): Record<string, string> {
  return { 'Cache-Control': 'no-store', Vary: 'Accept', 'Content-Type': contentType };
}

/** A JSON error body (`{ statusCode, message, error }`, Nest's shape), whatever the `Accept` header. */
export function httpError(exception: HttpException, headers: Record<string, string> = {}): HealthHttpResponse {
  const { statusCode, message, error } = exception.getResponse() as { statusCode: number; message: string; error: string };
  return { statusCode, headers: { ...noStoreHeaders(JSON_CONTENT_TYPE), ...headers }, body: JSON.stringify({ statusCode, message, error }) };
}
