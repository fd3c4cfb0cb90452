import { Injectable, UnauthorizedException } from '@nestjs/common';
import { HealthAccess } from '../access/health-access.js';
import { JSON_CONTENT_TYPE } from '../formats/json/json.format.js';
import { TEXT_CONTENT_TYPE } from '../formats/text/text.format.js';
import type { HealthHttpResponse } from './health-request.handler.js';
import type { HealthRouteRow } from '../http/health-routes.js';
import { httpError, noStoreHeaders } from './http-answers.js';
import { HealthSettingsReader, type HealthSettings } from '../settings/health-settings.js';
import Negotiator from 'negotiator';

/**
 * `GET {path}/settings`: the effective settings, for the authorized callers `/checks/:name` admits
 * (401 otherwise, before anything is read). JSON by default; `text/plain` gives one `key: value` line each.
 */
@Injectable()
export class HealthSettingsAnswer {
  constructor(
    private readonly access: HealthAccess,
    private readonly settings: HealthSettingsReader,
  ) {}

  async answer(route: HealthRouteRow, headers: Record<string, string | string[] | undefined>, request: unknown): Promise<HealthHttpResponse> {
    const access = await this.access.resolve(route, request);
    if (access.policy !== 'always' && !access.authorized) {
      return httpError(new UnauthorizedException('The settings need authorization: send X-Health-Key or Authorization: Bearer'), {
        'WWW-Authenticate': 'Bearer realm="health"',
      });
    }
    const settings = this.settings.read();
    const accept = headers.accept;
    const preferred = new Negotiator({ headers: { accept: Array.isArray(accept) ? accept.join(', ') : accept } }).mediaType(['application/json', 'text/plain']);
    if (preferred === 'text/plain') return { statusCode: 200, headers: noStoreHeaders(TEXT_CONTENT_TYPE), body: renderSettingsText(settings) };
    return { statusCode: 200, headers: noStoreHeaders(JSON_CONTENT_TYPE), body: JSON.stringify(settings) };
  }
}

/** One `dotted.key: value` line per leaf, arrays joined by commas: for a terminal or grep. */
export function renderSettingsText(settings: HealthSettings): string {
  const lines: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (Array.isArray(value)) lines.push(`${key}: ${value.map((entry) => (entry === '' ? '""' : String(entry))).join(', ')}`);
    else if (typeof value === 'object' && value !== null) for (const [child, entry] of Object.entries(value)) visit(entry, key ? `${key}.${child}` : child);
    else lines.push(`${key}: ${String(value)}`);
  };
  visit(settings, '');
  return `${lines.join('\n')}\n`;
}
