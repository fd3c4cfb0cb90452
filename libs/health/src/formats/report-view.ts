import { routeNamed, subjectOfRoute, type HealthRouteName } from '../http/health-routes.js';
import type { HealthCheckResult, HealthReport } from '../interfaces/health-status.interface.js';
import { redact } from '../redaction/redactor.js';
import type { CheckHistoryView } from '../history/health-history.js';
import type { RouteEndpoint } from '../interfaces/route-endpoint.interface.js';

/**
 * What every representation renders: one report, already reduced to what the caller may see
 * and redacted. Formats are pure functions of a view, so they cannot leak what is not in it.
 */
export interface ReportView {
  route: HealthRouteName;
  /** The check of `/checks/:name`. */
  checkName?: string;
  /** The group of `/groups/:name`. */
  groupName?: string;
  /** `{ status }` only when details are hidden; otherwise the redacted report. */
  report: HealthReport;
  showDetails: boolean;
  /** The HTTP status the response carries. */
  httpStatus: number;
  /** Set only with details. */
  service?: { name: string; version: string; environment: string };
  /** When the view was made; only the HTML page shows it (`now` when absent). */
  generatedAt?: Date;
  /** Recent runs of the checks in `report.details`, by name; set only with details, and only for the HTML page. */
  history?: Record<string, CheckHistoryView>;
  /** The route map (`@DependsOn()`): each check's routes, for the checks that have any; set only with details. */
  routes?: Readonly<Record<string, RouteEndpoint[]>>;
}

/** The probe or check a view answers for, in words: `readiness`, `liveness`, `startup`, `health`, the check name or `group <name>`. */
export function subjectOf(view: Pick<ReportView, 'route' | 'checkName' | 'groupName'>): string {
  return subjectOfRoute(routeNamed(view.route), view.checkName ?? view.groupName);
}

/** Whether the view's route ever shows details (liveness does not). */
export function showsDetails(view: Pick<ReportView, 'route'>): boolean {
  return routeNamed(view.route).details !== 'never';
}

/** Whether the response says the subject passed (a 2xx/3xx status). */
export function passed(view: Pick<ReportView, 'httpStatus'>): boolean {
  return view.httpStatus < 400;
}

/**
 * Redacts what reaches a report other than through a check run: lifecycle reasons given by the
 * app and notes echoing the query string. Check results are redacted once, when they run
 * (`CheckRunner`), and service info once, when the options are resolved; redacting them again on
 * every response was the largest cost of a cached probe.
 */
export function redactReport(report: HealthReport): HealthReport {
  const copy: HealthReport = { ...report };
  if (report.reason !== undefined) copy.reason = redact(String(report.reason));
  if (report.notes) copy.notes = report.notes.map((note) => redact(String(note)));
  return copy;
}

export interface ReportViewInput {
  route: HealthRouteName;
  checkName?: string;
  groupName?: string;
  report: HealthReport;
  showDetails: boolean;
  httpStatus: number;
  service: { name: string; version: string; environment: string };
  generatedAt?: Date;
  routes?: Readonly<Record<string, RouteEndpoint[]>>;
}

/** Builds the view of a report for a caller: everything but the status is dropped unless details are shown. */
export function createReportView(input: ReportViewInput): ReportView {
  const base = { route: input.route, checkName: input.checkName, groupName: input.groupName, httpStatus: input.httpStatus, generatedAt: input.generatedAt };
  if (!input.showDetails) return { ...base, report: { status: input.report.status }, showDetails: false };
  const routes = input.routes && Object.keys(input.routes).length > 0 ? { routes: input.routes } : {};
  return { ...base, report: redactReport(input.report), showDetails: true, service: input.service, ...routes };
}

/** A one-check answer (`/checks/:name`) as a report, so every format renders it the same way. */
export function singleCheckReport(name: string, result: HealthCheckResult): HealthReport {
  return { status: result.status, details: { [name]: result } };
}

/** A check's result with its routes (the JSON report's `routes`), when the view has the route map and the check has routes. */
export function resultWithRoutes(view: ReportView, name: string, result: HealthCheckResult): HealthCheckResult & { routes?: RouteEndpoint[] } {
  const routes = view.routes?.[name];
  return routes ? { ...result, routes } : result;
}
