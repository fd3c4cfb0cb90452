import type { ReportView } from '../report-view.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The default representation: the report as JSON. Without details, `{"status": …}` only;
 * `/checks/:name` answers the check's result itself.
 */
export function renderJson(view: ReportView): string {
  if (!view.showDetails) return JSON.stringify({ status: view.report.status });
  if (view.checkName !== undefined) {
    return JSON.stringify(view.report.details?.[view.checkName] ?? { status: view.report.status });
  }
  return JSON.stringify(view.report);
}
