import type { HealthFormat } from './content-negotiation.js';
import { HEALTH_JSON_CONTENT_TYPE, renderHealthJson } from './health-json/health-json.format.js';
import { HTML_CONTENT_SECURITY_POLICY, HTML_CONTENT_TYPE, renderHtml } from './html/html.format.js';
import { JSON_CONTENT_TYPE, renderJson } from './json/json.format.js';
import type { ReportView } from './report-view.js';
import { TEXT_CONTENT_TYPE, renderText } from './text/text.format.js';

/** A representation: its content type, extra headers, and a pure view → text function. */
export interface HealthRepresentation {
  contentType: string;
  headers?: Record<string, string>;
  render(view: ReportView): string;
}

export const HEALTH_REPRESENTATIONS: Record<HealthFormat, HealthRepresentation> = {
  json: { contentType: JSON_CONTENT_TYPE, render: renderJson },
  'health-json': { contentType: HEALTH_JSON_CONTENT_TYPE, render: renderHealthJson },
  text: { contentType: TEXT_CONTENT_TYPE, render: renderText },
  html: {
    contentType: HTML_CONTENT_TYPE,
    headers: { 'Content-Security-Policy': HTML_CONTENT_SECURITY_POLICY },
    render: renderHtml,
  },
};
