import { passed, subjectOf, type ReportView } from '../report-view.js';
import type { HealthRepresentation } from '../health-representation.js';

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** One line per item: text from checks cannot start a line of its own. */
const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

/**
 * Kubernetes verbose style (`/readyz?verbose`): `[+]database ok`, `[-]redis failed: …`, then
 * `readiness check passed` or `… failed`, checks sorted by name. Without details, only the last line.
 */
export function renderText(view: ReportView): string {
  const lines: string[] = [];
  if (view.showDetails) {
    const { report } = view;
    if (report.reason) lines.push(`[${passed(view) ? '+' : '-'}]${report.status.toLowerCase()}: ${oneLine(report.reason)}`);
    const checks = Object.entries(report.details ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [name, result] of checks) {
      const reason = result.error ?? result.message;
      const criticality = `${result.critical ? '' : ' (non-critical)'}${result.simulated ? ' (simulated)' : ''}`;
      if (result.status === 'UP') lines.push(`[+]${name} ok${result.simulated ? ' (simulated)' : ''}`);
      else if (result.status === 'DEGRADED') lines.push(`[+]${name} degraded${reason ? `: ${oneLine(reason)}` : ''}${criticality}`);
      else lines.push(`[-]${name} failed${reason ? `: ${oneLine(reason)}` : ''}${criticality}`);
    }
    for (const note of report.notes ?? []) lines.push(`note: ${oneLine(note)}`);
  }
  lines.push(`${subjectOf(view)} check ${passed(view) ? 'passed' : 'failed'}`);
  return `${lines.join('\n')}\n`;
}

/** `text/plain`, Kubernetes verbose style. */
export const textRepresentation: HealthRepresentation = {
  name: 'text',
  mediaType: 'text/plain',
  contentType: TEXT_CONTENT_TYPE,
  render: renderText,
  openapi: {
    schema: () => ({
      type: 'string',
      description: 'Kubernetes verbose style: `[+]name ok` / `[-]name failed: reason` lines, then `<probe> check passed|failed`.',
    }),
    examples: 'each',
    parse: (body) => body,
  },
};
