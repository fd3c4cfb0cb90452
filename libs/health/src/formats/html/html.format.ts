import type { HealthCheckResult, HealthStatus } from '../../interfaces/health-status.interface.js';
import type { CheckHistoryView } from '../../history/health-history.js';
import type { RouteEndpoint } from '../../interfaces/route-endpoint.interface.js';
import { showsDetails, subjectOf, type ReportView } from '../report-view.js';
import type { HealthRepresentation } from '../health-representation.js';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The page is self-contained: inline styles only, no scripts, no external resources. */
export const HTML_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page reloads itself this often. */
export const HTML_REFRESH_SECONDS = 10;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

const EMPTY_HISTORY: CheckHistoryView = { runs: [] };

const SEVERITY: Record<HealthStatus, number> = { DOWN: 0, SHUTTING_DOWN: 1, STARTING: 2, DEGRADED: 3, UP: 4 };

const statusClass = (status: HealthStatus) => `s-${status.toLowerCase().replace(/_/g, '-')}`;

function formatDuration(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
  ];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  if (parts.length === 0 || (rest > 0 && parts.length < 2)) parts.push(`${rest} s`);
  return parts.slice(0, 2).join(' ');
}

/** `2026-11-25 10:29:58 UTC`. */
function clockTime(time: Date): string {
  return time
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function formatTime(iso: string, now: Date): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return escapeHtml(iso);
  const ago = Math.max(0, Math.round((now.getTime() - time.getTime()) / 1000));
  const clock = clockTime(time);
  return `<time datetime="${escapeHtml(time.toISOString())}">${escapeHtml(clock)}</time> <span class="muted">(${escapeHtml(formatDuration(ago))} ago)</span>`;
}

/**
 * The check's last runs as a strip of coloured cells, oldest first, each with its time, status and duration
 * on hover; then since when the check has had its status.
 */
function historyCell(name: string, history: CheckHistoryView, now: Date): string {
  const counts = new Map<string, number>();
  for (const run of history.runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const summary =
    history.runs.length === 0
      ? `no runs of ${name} yet`
      : `last ${history.runs.length} runs of ${name}: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`;
  const cells = history.runs.map(
    (run) =>
      `<span class="run ${statusClass(run.status)}" title="${escapeHtml(`${clockTime(new Date(run.at))} · ${run.status} · ${run.durationMs} ms`)}"></span>`,
  );
  const since = history.since ? `<div class="since">${escapeHtml(history.since.status)} since ${formatTime(history.since.at, now)}</div>` : '';
  return `<td class="history"><div class="strip" role="img" aria-label="${escapeHtml(summary)}">${cells.join('')}</div>${since}</td>`;
}

function checkRow(name: string, result: HealthCheckResult, now: Date, history?: CheckHistoryView, routes?: RouteEndpoint[]): string {
  const message = result.error ?? result.message ?? '';
  return [
    `<tr class="${statusClass(result.status)}" data-check="${escapeHtml(name)}">`,
    `<th scope="row">${escapeHtml(name)}</th>`,
    `<td><span class="pill ${statusClass(result.status)}">${escapeHtml(result.status)}</span>${result.simulated ? ' <span class="muted">(simulated)</span>' : ''}</td>`,
    `<td>${result.critical ? 'yes' : 'no'}</td>`,
    `<td class="num">${escapeHtml(result.durationMs)} ms${result.cached ? ' <span class="muted">(cached)</span>' : ''}</td>`,
    `<td>${formatTime(result.checkedAt, now)}</td>`,
    `<td class="message">${escapeHtml(message)}${routes?.length ? `<div class="routes">Routes: ${routes.map((route) => `<code>${escapeHtml(`${route.method} ${route.path}`)}</code>`).join(', ')}</div>` : ''}</td>`,
    ...(history === undefined ? [] : [historyCell(name, history, now)]),
    '</tr>',
  ].join('');
}

function checksSection(view: ReportView, generatedAt: Date): string {
  const entries = Object.entries(view.report.details ?? {}).sort(
    ([nameA, a], [nameB, b]) => SEVERITY[a.status] - SEVERITY[b.status] || nameA.localeCompare(nameB),
  );
  if (entries.length === 0) return '<p class="muted">No checks ran for this probe.</p>';
  const history = view.history;
  return [
    '<table>',
    `<thead><tr><th scope="col">Check</th><th scope="col">Status</th><th scope="col">Critical</th><th scope="col">Duration</th><th scope="col">Last checked</th><th scope="col">Message</th>${history ? '<th scope="col">Recent runs</th>' : ''}</tr></thead>`,
    `<tbody>${entries.map(([name, result]) => checkRow(name, result, generatedAt, history && (history[name] ?? EMPTY_HISTORY), view.routes?.[name])).join('')}</tbody>`,
    '</table>',
  ].join('');
}

function serviceSection(view: ReportView): string {
  const info = view.report.serviceInfo;
  const service = view.service;
  if (!service && !info) return '';
  const rows: [string, string][] = [
    ['Service', escapeHtml(info?.name ?? service!.name)],
    ['Version', escapeHtml(info?.version ?? service!.version)],
    ['Environment', escapeHtml(info?.environment ?? service!.environment)],
  ];
  if (info) rows.push(['Uptime', escapeHtml(formatDuration(info.uptimeSeconds))]);
  return `<section><h2>Service</h2><dl>${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl></section>`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:0 16px 32px}
.banner{padding:20px 24px;color:#fff;display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 20px}
.banner .status{font-size:32px;font-weight:700;letter-spacing:.02em}
.banner .subject{font-size:18px;opacity:.95}
.banner .code{margin-left:auto;font-variant-numeric:tabular-nums;opacity:.9}
.banner.s-up{background:#1a7f37}.banner.s-degraded{background:#9a6700}.banner.s-down{background:#cf222e}
.banner.s-starting,.banner.s-shutting-down{background:#57606a}
.reason{font-size:16px;margin:16px 0}
table{width:100%;border-collapse:collapse;background:#fff;margin:16px 0;border:1px solid #d0d7de}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #d0d7de;vertical-align:top}
thead th{background:#eaeef2;font-size:13px;text-transform:uppercase;letter-spacing:.04em}
tbody th{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
td.message{word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
tr.s-down{background:#ffebe9}tr.s-degraded{background:#fff8c5}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:700;color:#fff}
.pill.s-up{background:#1a7f37}.pill.s-degraded{background:#9a6700}.pill.s-down{background:#cf222e}
.muted{color:#57606a}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;border:1px solid #d0d7de;padding:12px 16px;margin:8px 0}
dt{font-weight:600}dd{margin:0}
h2{font-size:16px;margin:24px 0 8px}
.strip{display:flex;gap:2px;align-items:stretch;height:18px}
.run{flex:0 0 8px;border-radius:2px;background:#8c959f}
.run.s-up{background:#1a7f37}.run.s-degraded{background:#9a6700}.run.s-down{background:#cf222e}
.since{font-size:12px;color:#57606a;margin-top:4px;white-space:nowrap}
.routes{font-size:12px;color:#57606a;margin-top:4px}
footer{margin-top:24px;font-size:13px;color:#57606a}
`;

/** A status page a person reads at a glance: a coloured banner, one row per check, service info. */
export function renderHtml(view: ReportView): string {
  const { report } = view;
  const generatedAt = view.generatedAt ?? new Date();
  const subject = subjectOf(view);
  const serviceName = view.service?.name;
  const title = `${report.status} · ${subject}${serviceName ? ` · ${serviceName}` : ''}`;
  const hidden = !showsDetails(view)
    ? '<p class="muted">Liveness shows no details.</p>'
    : '<p class="muted">Details are hidden. Send an API key (<code>X-Health-Key</code> or <code>Authorization: Bearer</code>) to see each check.</p>';
  const body = view.showDetails
    ? [
        report.reason ? `<p class="reason">${escapeHtml(report.reason)}</p>` : '',
        checksSection(view, generatedAt),
        report.notes?.length ? `<section><h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>` : '',
        serviceSection(view),
      ].join('')
    : hidden;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="refresh" content="${HTML_REFRESH_SECONDS}">`,
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<header class="banner ${statusClass(report.status)}" role="status">`,
    `<span class="status">${escapeHtml(report.status)}</span>`,
    `<span class="subject">${escapeHtml(subject)}${serviceName ? ` of ${escapeHtml(serviceName)}` : ''}</span>`,
    `<span class="code">HTTP ${escapeHtml(view.httpStatus)}</span>`,
    '</header><main>',
    body,
    `<footer>Generated ${escapeHtml(generatedAt.toISOString())}; refreshes every ${HTML_REFRESH_SECONDS} s.</footer>`,
    '</main></body></html>',
  ].join('\n');
}

/** `text/html`, a status page a person reads at a glance (with each check's recent runs, from the view's `history`). */
export const htmlRepresentation: HealthRepresentation = {
  name: 'html',
  mediaType: 'text/html',
  contentType: HTML_CONTENT_TYPE,
  headers: { 'Content-Security-Policy': HTML_CONTENT_SECURITY_POLICY },
  render: renderHtml,
  // The page says when it was generated.
  reusable: false,
  openapi: { schema: () => ({ type: 'string', description: 'A self-contained status page that refreshes itself.' }), examples: 'first', parse: (body) => body },
};
