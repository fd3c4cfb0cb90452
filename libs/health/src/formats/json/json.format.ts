import { resultWithRoutes, type ReportView } from '../report-view.js';
import type { HealthRepresentation } from '../health-representation.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The default representation: the report as JSON. Without details, `{"status": …}` only;
 * `/checks/:name` answers the check's result itself.
 */
export function renderJson(view: ReportView): string {
  if (!view.showDetails) return JSON.stringify({ status: view.report.status });
  if (view.checkName !== undefined) {
    const result = view.report.details?.[view.checkName];
    return JSON.stringify(result ? resultWithRoutes(view, view.checkName, result) : { status: view.report.status });
  }
  if (!view.routes || !view.report.details) return JSON.stringify(view.report);
  const details = Object.fromEntries(Object.entries(view.report.details).map(([name, result]) => [name, resultWithRoutes(view, name, result)]));
  return JSON.stringify({ ...view.report, details });
}

/** `application/json`, the default (also for `*\/*` and anything unknown). */
export const jsonRepresentation: HealthRepresentation = {
  name: 'json',
  mediaType: 'application/json',
  contentType: JSON_CONTENT_TYPE,
  render: renderJson,
  openapi: { schema: (reportSchema) => reportSchema, examples: 'each', parse: (body) => JSON.parse(body) as unknown },
};
