import type { HealthCheckResult, HealthStatus } from '../../interfaces/health-status.interface.js';
import { subjectOf, type ReportView } from '../report-view.js';
import type { HealthRepresentation } from '../health-representation.js';

/** `application/health+json`, IETF draft-inadarei-api-health-check. */
export const HEALTH_JSON_CONTENT_TYPE = 'application/health+json; charset=utf-8';

export type HealthJsonStatus = 'pass' | 'warn' | 'fail';

/** One measurement of one component (draft section 4). */
export interface HealthJsonCheck {
  componentType: string;
  observedValue: number;
  observedUnit?: string;
  status: HealthJsonStatus;
  time: string;
  output?: string;
  /** The served paths of the routes that depend on the check (`@DependsOn()`), as URI templates. */
  affectedEndpoints?: string[];
}

export interface HealthJsonReport {
  status: HealthJsonStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  output?: string;
  notes?: string[];
  checks?: Record<string, HealthJsonCheck[]>;
}

const STATUS: Record<HealthStatus, HealthJsonStatus> = {
  UP: 'pass',
  DEGRADED: 'warn',
  DOWN: 'fail',
  STARTING: 'fail',
  SHUTTING_DOWN: 'fail',
};

/** Unit suffixes of numeric `data` fields: `responseTimeMs` is the measurement `responseTime` in `ms`. */
const UNIT_SUFFIXES: [RegExp, string][] = [
  [/Ms$/, 'ms'],
  [/Seconds$/, 's'],
  [/Bytes$/, 'bytes'],
  [/(?:Mb|MB)$/, 'MB'],
  [/Percent$/, '%'],
];

const DATASTORES = new Set(['database', 'db', 'redis', 'cache', 'typeorm', 'postgres', 'mysql', 'mariadb', 'sqlite', 'mongodb']);
const SYSTEM = new Set(['disk', 'memory', 'event-loop', 'eventloop', 'cpu', 'heap']);

/** `datastore` for databases and caches, `system` for host resources, otherwise `component`. */
export function componentTypeOf(name: string, result: HealthCheckResult): string {
  if (DATASTORES.has(name) || typeof result.data?.driver === 'string') return 'datastore';
  if (SYSTEM.has(name)) return 'system';
  return 'component';
}

function measurementOf(field: string): { measurement: string; unit?: string } {
  for (const [suffix, unit] of UNIT_SUFFIXES) {
    if (suffix.test(field) && field.replace(suffix, '').length > 0) return { measurement: field.replace(suffix, ''), unit };
  }
  return { measurement: field };
}

/**
 * The `checks` of one check: `name:responseTime` (the data's `responseTimeMs`, else the run's
 * duration), then one `name:<measurement>` per other numeric field of its data.
 */
export function checksOf(name: string, result: HealthCheckResult): Record<string, HealthJsonCheck[]> {
  const status = STATUS[result.status];
  const common = {
    componentType: componentTypeOf(name, result),
    status,
    time: result.checkedAt,
    ...(status !== 'pass' && (result.error ?? result.message) ? { output: result.error ?? result.message } : {}),
  };
  const data = result.data ?? {};
  const responseTime = typeof data.responseTimeMs === 'number' && Number.isFinite(data.responseTimeMs) ? data.responseTimeMs : result.durationMs;
  const checks: Record<string, HealthJsonCheck[]> = {
    [`${name}:responseTime`]: [{ ...common, observedValue: responseTime, observedUnit: 'ms' }],
  };
  for (const [field, value] of Object.entries(data)) {
    if (field === 'responseTimeMs' || typeof value !== 'number' || !Number.isFinite(value)) continue;
    const { measurement, unit } = measurementOf(field);
    const key = `${name}:${measurement}`;
    if (checks[key]) continue;
    checks[key] = [{ ...common, observedValue: value, ...(unit ? { observedUnit: unit } : {}) }];
  }
  return checks;
}

/** `1.4.2` → `1`: the draft's `version` is the public (major) version, `releaseId` the full one. */
function publicVersion(version: string): string {
  return /^v?(\d+)\.\d+/.exec(version)?.[1] ?? version;
}

function outputOf(view: ReportView): string | undefined {
  const { report } = view;
  if (STATUS[report.status] === 'pass') return undefined;
  if (report.reason) return report.reason;
  const failing = Object.entries(report.details ?? {}).filter(([, result]) => result.status !== 'UP');
  return failing.length > 0 ? failing.map(([name, result]) => `${name}: ${result.error ?? result.message ?? result.status}`).join('; ') : undefined;
}

export function toHealthJson(view: ReportView): HealthJsonReport {
  const status = STATUS[view.report.status];
  if (!view.showDetails) return { status };
  const body: HealthJsonReport = { status };
  if (view.service) {
    body.version = publicVersion(view.service.version);
    body.releaseId = view.service.version;
    body.serviceId = view.service.name;
    body.description = `${subjectOf(view)} of ${view.service.name} (${view.service.environment})`;
  }
  const output = outputOf(view);
  if (output) body.output = output;
  if (view.report.notes?.length) body.notes = view.report.notes;
  const details = Object.entries(view.report.details ?? {});
  if (details.length > 0) {
    const checks: Record<string, HealthJsonCheck[]> = {};
    for (const [name, result] of details) {
      const measurements = checksOf(name, result);
      const routes = view.routes?.[name];
      if (routes) {
        const affectedEndpoints = [...new Set(routes.map((route) => route.path))];
        for (const entries of Object.values(measurements)) for (const entry of entries) entry.affectedEndpoints = affectedEndpoints;
      }
      Object.assign(checks, measurements);
    }
    body.checks = checks;
  }
  return body;
}

export function renderHealthJson(view: ReportView): string {
  return JSON.stringify(toHealthJson(view));
}

/** `application/health+json` (draft-inadarei-api-health-check). */
export const healthJsonRepresentation: HealthRepresentation = {
  name: 'health-json',
  mediaType: 'application/health+json',
  contentType: HEALTH_JSON_CONTENT_TYPE,
  render: renderHealthJson,
  // Documented by `HealthJsonReportDto` (dto/), registered with the document's extra models.
  openapi: { schema: () => ({ $ref: '#/components/schemas/HealthJsonReportDto' }), examples: 'each', parse: (body) => JSON.parse(body) as unknown },
};
