import { HttpException, Injectable, Logger, MethodNotAllowedException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { HealthAccess, type HealthRoute, type RouteAccess } from '../access/health-access.js';
import { describeError } from '../execution/check-outcome.js';
import { negotiateFormat } from '../formats/content-negotiation.js';
import { HEALTH_REPRESENTATIONS } from '../formats/health-formats.js';
import { JSON_CONTENT_TYPE } from '../formats/json/json.format.js';
import { createReportView, singleCheckReport, type ReportView } from '../formats/report-view.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { HealthService } from '../service/health.service.js';
import type { HealthReport, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { redact } from '../redaction/redactor.js';
import { HealthHistory, type CheckHistoryView } from '../history/health-history.js';
import { excludedChecks } from './health-query.js';

/** A request to the health routes, whatever server received it. */
export interface HealthHttpRequest {
  /** `GET`, `HEAD`, or anything else (answered 405). */
  method: string;
  /** The path below the module's `path`: `''`, `'/live'`, `'/ready'`, `'/startup'`, `'/checks/<percent-encoded name>'` or `'/groups/<percent-encoded name>'`. */
  path: string;
  /** The query string, parsed by `parseHealthQuery`; only `exclude` is read (a string, comma-separated, or repeated). */
  query?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The server's own request object, handed to the `authorize` option (it carries `headers` too). */
  request?: unknown;
}

/** What to send back; a `HEAD` answer has the headers of the `GET` answer and an empty body. */
export interface HealthHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The methods every health route answers; the others get a 405 naming them. */
const ALLOWED_METHODS = 'GET, HEAD';

type ProbeRoute = Exclude<HealthRoute, 'checks' | 'group'>;

const PROBE_OF_ROUTE: Record<ProbeRoute, ProbeSelector> = {
  live: 'liveness',
  ready: 'readiness',
  startup: 'startup',
  report: 'all',
};

const ROUTE_OF_PATH: Record<string, ProbeRoute> = {
  '': 'report',
  '/': 'report',
  '/live': 'live',
  '/ready': 'ready',
  '/startup': 'startup',
};

const LIVENESS_ACCESS: RouteAccess = { policy: 'never', authorized: false, showDetails: false };

type MatchedRoute = { route: ProbeRoute } | { route: 'checks' | 'group'; name: string };

function matchRoute(path: string): MatchedRoute | undefined {
  const route = ROUTE_OF_PATH[path];
  if (route) return { route };
  const named = /^\/(checks|groups)\/([^/]+)$/.exec(path);
  if (!named) return undefined;
  const kind = named[1] === 'checks' ? 'checks' : 'group';
  try {
    return { route: kind, name: decodeURIComponent(named[2]) };
  } catch {
    return { route: kind, name: named[2] };
  }
}

/**
 * The health routes independent of any server: routing, access, evaluation, representation and
 * headers. The Nest controller (Express or Fastify) only feeds it a request and writes the answer;
 * any other door (a plain `node:http` listener) can do the same.
 */
@Injectable()
export class HealthRequestHandler {
  private readonly logger = new Logger('HealthModule');

  constructor(
    private readonly health: HealthService,
    private readonly access: HealthAccess,
    private readonly history: HealthHistory,
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
  ) {}

  async handle(request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const matched = matchRoute(request.path);
    if (!matched) return this.notFound(request.path);
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      return this.error(new MethodNotAllowedException(`${method.slice(0, 20)} is not allowed on the health routes; use GET or HEAD`), {
        Allow: ALLOWED_METHODS,
      });
    }
    const response =
      matched.route === 'checks'
        ? await this.check(matched.name, request)
        : matched.route === 'group'
          ? await this.group(matched.name, request)
          : await this.probe(matched.route, request);
    if (method !== 'HEAD') return response;
    return { ...response, headers: { ...response.headers, 'Content-Length': String(Buffer.byteLength(response.body)) }, body: '' };
  }

  /** The JSON 404 for a path that is no health route (a server of only these routes answers it for any other path). */
  notFound(path: string): HealthHttpResponse {
    return this.error(new NotFoundException(`No health route ${JSON.stringify(path.slice(0, 100))}`));
  }

  private async probe(route: ProbeRoute, request: HealthHttpRequest): Promise<HealthHttpResponse> {
    // Liveness never shows details: no authorization to evaluate, and no exclude.
    if (route === 'live') return this.represent(request, this.view('live', await this.evaluate('liveness', []), LIVENESS_ACCESS));
    const asked = excludedChecks(request.query?.exclude);
    let report: HealthReport;
    let access: RouteAccess;
    if (asked.length === 0) {
      [report, access] = await Promise.all([this.evaluate(PROBE_OF_ROUTE[route], []), this.access.resolve(route, subjectOf(request))]);
    } else {
      // Only a caller who may see details may exclude: to anyone else, excluding would tell which check fails.
      access = await this.access.resolve(route, subjectOf(request));
      report = await this.evaluate(PROBE_OF_ROUTE[route], access.showDetails ? asked : []);
    }
    return this.represent(request, this.view(route, report, access));
  }

  private async check(name: string, request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const access = await this.access.resolve('checks', subjectOf(request));
    // Authorization comes before the lookup, so an unauthorized caller cannot list check names.
    if (access.policy !== 'always' && !access.authorized) {
      return this.error(new UnauthorizedException('A check needs authorization: send X-Health-Key or Authorization: Bearer'), {
        'WWW-Authenticate': 'Bearer realm="health"',
      });
    }
    const result = await this.health.checkOne(name);
    if (!result) {
      const known = this.health.checkNames();
      return this.error(
        new NotFoundException(redact(`No health check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.length ? known.join(', ') : 'none'}`)),
      );
    }
    return this.represent(request, this.view('checks', singleCheckReport(name, result), access, { checkName: name }));
  }

  /**
   * A health group: like the full report, under the group's `details` and `httpStatus`. An unknown name is
   * a 404 for everyone; authorization is decided first (under the module's policy) and only an authorized
   * caller is told the configured group names, as only an authorized caller is told the check names.
   */
  private async group(name: string, request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const group = this.options.groups && Object.hasOwn(this.options.groups, name) ? this.options.groups[name] : undefined;
    if (!group) {
      const access = await this.access.resolve('group', subjectOf(request));
      const shown = JSON.stringify(name.slice(0, 100));
      const known = this.health.groupNames();
      const message = access.showDetails
        ? `No health group named ${shown}; known groups: ${known.length ? known.join(', ') : 'none'}`
        : `No health group named ${shown}`;
      return this.error(new NotFoundException(redact(message)));
    }
    const asked = excludedChecks(request.query?.exclude);
    const access = await this.access.resolve('group', subjectOf(request), group.details ?? this.options.details);
    // As on the probes, only a caller who may see details may exclude.
    const report = await this.evaluateGroup(name, access.showDetails ? asked : []);
    const httpStatus = group.httpStatus?.[report.status] ?? this.options.httpStatus[report.status];
    return this.represent(request, this.view('group', report, access, { groupName: name, httpStatus }));
  }

  /** What the caller may see of a report, with the HTTP status its status maps to. */
  private view(
    route: HealthRoute,
    report: HealthReport,
    access: RouteAccess,
    extra: { checkName?: string; groupName?: string; httpStatus?: number } = {},
  ): ReportView {
    return createReportView({
      route,
      checkName: extra.checkName,
      groupName: extra.groupName,
      report,
      showDetails: access.showDetails,
      httpStatus: extra.httpStatus ?? this.options.httpStatus[report.status],
      service: this.options.service,
    });
  }

  /** Renders the view in the representation the `Accept` header asks for. */
  private represent(request: HealthHttpRequest, view: ReportView): HealthHttpResponse {
    const format = negotiateFormat(request.headers.accept);
    const representation = HEALTH_REPRESENTATIONS[format];
    let body: string;
    try {
      body = representation.render(format === 'html' ? this.withHistory(view) : view);
    } catch (error) {
      // Never a 500: the status still answers, in JSON, without the details that could not be rendered.
      this.logger.error(redact(`rendering the ${format} representation failed: ${describeError(error)}`));
      return { statusCode: view.httpStatus, headers: commonHeaders(JSON_CONTENT_TYPE), body: JSON.stringify({ status: view.report.status }) };
    }
    return { statusCode: view.httpStatus, headers: { ...commonHeaders(representation.contentType), ...representation.headers }, body };
  }

  /** The view with the recent runs of each check it shows, for the HTML page (a person reading it wants to see flapping). */
  private withHistory(view: ReportView): ReportView {
    if (!view.showDetails || !view.report.details) return view;
    const history: Record<string, CheckHistoryView> = {};
    for (const name of Object.keys(view.report.details)) {
      const checkHistory = this.history.of(name);
      if (checkHistory) history[name] = checkHistory;
    }
    return { ...view, history };
  }

  /** A JSON error body (`{ statusCode, message, error }`, Nest's shape), whatever the `Accept` header. */
  private error(exception: HttpException, headers: Record<string, string> = {}): HealthHttpResponse {
    const { statusCode, message, error } = exception.getResponse() as { statusCode: number; message: string; error: string };
    return { statusCode, headers: { ...commonHeaders(JSON_CONTENT_TYPE), ...headers }, body: JSON.stringify({ statusCode, message, error }) };
  }

  private evaluate(selector: ProbeSelector, exclude: string[]): Promise<HealthReport> {
    return this.safely(() => this.health.check(selector, { exclude }));
  }

  private evaluateGroup(name: string, exclude: string[]): Promise<HealthReport> {
    // The group exists: it was looked up in the options the service reads too.
    return this.safely(async () => (await this.health.checkGroup(name, { exclude }))!);
  }

  private async safely(evaluate: () => Promise<HealthReport>): Promise<HealthReport> {
    try {
      return await evaluate();
    } catch (error) {
      // Never a 500: a failure of the health machinery itself is reported as DOWN.
      const reason = redact(`health evaluation failed: ${describeError(error)}`);
      this.logger.error(reason);
      return { status: 'DOWN', reason };
    }
  }
}

/** What `HealthAccess` reads: the server's request (its headers and, for `authorize`, the object itself). */
function subjectOf(request: HealthHttpRequest): unknown {
  return request.request ?? { headers: request.headers };
}

function commonHeaders(contentType: string): Record<string, string> {
  return { 'Cache-Control': 'no-store', Vary: 'Accept', 'Content-Type': contentType };
}
