import { HttpException, Injectable, Logger, MethodNotAllowedException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { HealthAccess, type RouteAccess } from '../access/health-access.js';
import { methodsOf, READ_METHODS, type HealthRouteName, type HealthRouteRow } from '../http/health-routes.js';
import { describeError } from '../execution/check-outcome.js';
import { negotiateRepresentation } from '../formats/content-negotiation.js';
import type { HealthRepresentation } from '../formats/health-representation.js';
import { JSON_CONTENT_TYPE } from '../formats/json/json.format.js';
import { createReportView, singleCheckReport, type ReportView } from '../formats/report-view.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { HealthService } from '../service/health.service.js';
import type { HealthReport, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { redact } from '../redaction/redactor.js';
import { HealthHistory, type CheckHistoryView } from '../history/health-history.js';
import { HealthSettingsAnswer } from './settings.answer.js';
import { SimulationAnswer } from './simulation.answer.js';
import { RouteDependencies } from '../route-aware/route-dependencies.js';
import { excludedChecks } from '../http/health-query.js';

/** A request to one health route, whatever server received it and matched it. */
export interface HealthHttpRequest {
  /** `GET`, `HEAD`, or anything else (answered 405 unless the route lists it). */
  method: string;
  /** The route, as the door matched it (the controller mounts each row; the probe server calls `matchHealthRoute`). */
  route: HealthRouteRow;
  /** Its path parameters, decoded (`name` of `checks/:name` and `groups/:name`). */
  params: Record<string, string | undefined>;
  /** The query string, parsed by `parseHealthQuery`; only `exclude` is read (a string, comma-separated, or repeated). */
  query?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The server's own request object, handed to the `authorize` option (it carries `headers` too). */
  request?: unknown;
  /** The parsed JSON body of a `PUT` (the simulation route); never read elsewhere. */
  body?: unknown;
}

/** What to send back; a `HEAD` answer has the headers of the `GET` answer and an empty body. */
export interface HealthHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The function that answers one kind of route (`HealthRouteRow.answer`). */
type RouteAnswer = (request: HealthHttpRequest) => Promise<HealthHttpResponse>;

/** How many status-only answers are kept before they are made afresh. */
const MAX_REUSED_ANSWERS = 1000;

const LIVENESS_ACCESS: RouteAccess = { policy: 'never', authorized: false, showDetails: false };

/**
 * The health routes independent of any server: routing, access, evaluation, representation and
 * headers. The Nest controller (Express or Fastify) only feeds it a request and writes the answer;
 * any other door (a plain `node:http` listener) can do the same.
 */
@Injectable()
export class HealthRequestHandler {
  private readonly logger = new Logger('HealthModule');
  /** Status-only answers made so far, by route, name, status, HTTP status and representation. */
  private readonly statusOnlyAnswers = new Map<string, HealthHttpResponse>();
  /** The last status-only answer of each route, with what it was made for. */
  private readonly lastAnswers = new Map<
    HealthRouteRow,
    { report: HealthReport; representation: HealthRepresentation; httpStatus: number; name: string; answer: HealthHttpResponse }
  >();

  constructor(
    private readonly health: HealthService,
    private readonly access: HealthAccess,
    private readonly history: HealthHistory,
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    private readonly routeMap: RouteDependencies,
    private readonly settings: HealthSettingsAnswer,
    private readonly simulation: SimulationAnswer,
  ) {}

  /** The answer of each kind of route (`HealthRouteRow.answer`): a new kind of route is a new entry here. */
  private readonly answers: Record<HealthRouteRow['answer'], RouteAnswer> = {
    probe: (request) => this.probe(request),
    check: (request) => this.check(request),
    group: (request) => this.group(request),
    effectiveSettings: (request) => this.settings.answer(request.route, request.headers, subjectOf(request)),
    checkSimulation: (request) => this.simulation.answer(request.method.toUpperCase(), request.params.name ?? '', request.body, request.headers),
  };

  /** Answers a request to a route; a method the route does not answer gets 405 naming those it does. */
  async handle(request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const method = request.method.toUpperCase();
    const allowed = methodsOf(request.route);
    if (!allowed.includes(method)) return this.methodNotAllowed(method, allowed);
    return forMethod(method, await this.answers[request.route.answer](request));
  }

  /**
   * The answer `handle()` would give, when it is at hand without waiting: a probe (`GET`/`HEAD`, no `?exclude`)
   * whose report needs no check to run (`HealthService.checkNow`) and whose access needs no `authorize()`.
   * `undefined` otherwise, and the door calls `handle()`. A kubelet's probe of a refreshed or cached probe is
   * answered here: no promise, no new object but the view of a changed status.
   */
  handleNow(request: HealthHttpRequest): HealthHttpResponse | undefined {
    const { route } = request;
    if (route.answer !== 'probe' || (route.exclude && request.query?.exclude !== undefined)) return undefined;
    const method = request.method === 'GET' || request.method === 'HEAD' ? request.method : request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const access = route.details === 'never' ? LIVENESS_ACCESS : this.access.resolveNow(route, subjectOf(request));
    if (!access) return undefined;
    let report: HealthReport | undefined;
    try {
      report = this.health.checkNow(route.probe!);
    } catch {
      // `handle()` reports a failure of the health machinery (DOWN, logged).
      return undefined;
    }
    return report && forMethod(method, this.answer(request, route, report, access));
  }

  /** The 405 of a method a route does not answer, with `Allow` naming those it does. */
  methodNotAllowed(method: string, allowed: readonly string[] = READ_METHODS): HealthHttpResponse {
    const verb = method.toUpperCase().slice(0, 20);
    const listed = allowed.length === 2 ? allowed.join(' or ') : allowed.join(', ');
    return this.error(new MethodNotAllowedException(`${verb} is not allowed on the health routes; use ${listed}`), { Allow: allowed.join(', ') });
  }

  /** The JSON 404 for a path that is no health route (a server of only these routes answers it for any other path). */
  notFound(path: string): HealthHttpResponse {
    return this.error(new NotFoundException(`No health route ${JSON.stringify(path.slice(0, 100))}`));
  }

  private async probe(request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const { route } = request;
    const probe = route.probe!;
    // Liveness never shows details: no authorization to evaluate, and no exclude.
    if (route.details === 'never') return this.answer(request, route, await this.evaluate(probe, []), LIVENESS_ACCESS);
    const asked = route.exclude ? excludedChecks(request.query?.exclude) : [];
    let report: HealthReport;
    let access: RouteAccess;
    if (asked.length === 0) {
      const resolving = this.access.resolve(route, subjectOf(request));
      report = await this.evaluate(probe, []);
      access = await resolving;
    } else {
      // Only a caller who may see details may exclude: to anyone else, excluding would tell which check fails.
      access = await this.access.resolve(route, subjectOf(request));
      report = await this.evaluate(probe, access.showDetails ? asked : []);
    }
    return this.answer(request, route, report, access);
  }

  private async check(request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const { route } = request;
    const name = request.params.name ?? '';
    const access = await this.access.resolve(route, subjectOf(request));
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
    return this.answer(request, route, singleCheckReport(name, result), access, { checkName: name });
  }

  /**
   * A health group: like the full report, under the group's `details` and `httpStatus`. An unknown name is
   * a 404 for everyone; authorization is decided first (under the module's policy) and only an authorized
   * caller is told the configured group names, as only an authorized caller is told the check names.
   */
  private async group(request: HealthHttpRequest): Promise<HealthHttpResponse> {
    const { route } = request;
    const name = request.params.name ?? '';
    const group = this.options.groups && Object.hasOwn(this.options.groups, name) ? this.options.groups[name] : undefined;
    if (!group) {
      const access = await this.access.resolve(route, subjectOf(request));
      const shown = JSON.stringify(name.slice(0, 100));
      const known = this.health.groupNames();
      const message = access.showDetails
        ? `No health group named ${shown}; known groups: ${known.length ? known.join(', ') : 'none'}`
        : `No health group named ${shown}`;
      return this.error(new NotFoundException(redact(message)));
    }
    const asked = excludedChecks(request.query?.exclude);
    const access = await this.access.resolve(route, subjectOf(request), group.details ?? this.options.details);
    // As on the probes, only a caller who may see details may exclude.
    const report = await this.evaluateGroup(name, access.showDetails ? asked : []);
    const httpStatus = group.httpStatus?.[report.status] ?? this.options.httpStatus[report.status];
    return this.answer(request, route, report, access, { groupName: name, httpStatus });
  }

  /** What the caller may see of a report, with the HTTP status its status maps to. */
  private view(
    route: HealthRouteRow,
    report: HealthReport,
    access: RouteAccess,
    extra: { checkName?: string; groupName?: string; httpStatus?: number } = {},
  ): ReportView {
    const view = createReportView({
      route: route.name as HealthRouteName,
      checkName: extra.checkName,
      groupName: extra.groupName,
      report,
      showDetails: access.showDetails,
      httpStatus: extra.httpStatus ?? this.options.httpStatus[report.status],
      service: this.options.service,
      routes: this.routeMap.endpointsByCheck(),
    });
    return this.withHistory(view);
  }

  /**
   * The answer for a caller, in the representation the `Accept` header asks for. A status-only answer is a pure
   * function of the route, its name parameter, the status, the HTTP status and the representation: it is made
   * once and reused (a kubelet's probe costs a lookup), unless the representation shows the time. The last one of
   * each route is kept with the report it was made for: a probe of the same shared report (results unchanged, see
   * `HealthService.checkNow`) gets it back without even the lookup.
   */
  private answer(
    request: HealthHttpRequest,
    route: HealthRouteRow,
    report: HealthReport,
    access: RouteAccess,
    extra: { checkName?: string; groupName?: string; httpStatus?: number } = {},
  ): HealthHttpResponse {
    const representation = negotiateRepresentation(request.headers.accept);
    if (access.showDetails || representation.reusable === false) return this.represent(representation, this.view(route, report, access, extra));
    const httpStatus = extra.httpStatus ?? this.options.httpStatus[report.status];
    const name = extra.checkName ?? extra.groupName ?? '';
    const last = this.lastAnswers.get(route);
    if (last?.report === report && last.representation === representation && last.httpStatus === httpStatus && last.name === name) return last.answer;
    const key = `${route.name}\n${name}\n${report.status}\n${httpStatus}\n${representation.name}`;
    let answer = this.statusOnlyAnswers.get(key);
    if (answer === undefined) {
      answer = this.represent(representation, this.view(route, report, access, { ...extra, httpStatus }));
      // Bounded: check and group names come from the registry and the options, but indicators come and go at run time.
      if (this.statusOnlyAnswers.size >= MAX_REUSED_ANSWERS) this.statusOnlyAnswers.clear();
      this.statusOnlyAnswers.set(key, answer);
    }
    this.lastAnswers.set(route, { report, representation, httpStatus, name, answer });
    return answer;
  }

  /** Renders a view in a representation. */
  private represent(representation: HealthRepresentation, view: ReportView): HealthHttpResponse {
    let body: string;
    try {
      body = representation.render(view);
    } catch (error) {
      // Never a 500: the status still answers, in JSON, without the details that could not be rendered.
      this.logger.error(redact(`rendering the ${representation.name} representation failed: ${describeError(error)}`));
      return { statusCode: view.httpStatus, headers: commonHeaders(JSON_CONTENT_TYPE), body: JSON.stringify({ status: view.report.status }) };
    }
    return { statusCode: view.httpStatus, headers: { ...commonHeaders(representation.contentType), ...representation.headers }, body };
  }

  /**
   * The view offers the recent runs of each check it shows (the HTML page draws them: a person reading it wants
   * to see flapping), collected only when a representation reads them.
   */
  private withHistory(view: ReportView): ReportView {
    const details = view.showDetails ? view.report.details : undefined;
    if (!details) return view;
    let collected: Record<string, CheckHistoryView> | undefined;
    const collect = (): Record<string, CheckHistoryView> => {
      const history: Record<string, CheckHistoryView> = {};
      for (const name of Object.keys(details)) {
        const checkHistory = this.history.of(name);
        if (checkHistory) history[name] = checkHistory;
      }
      return history;
    };
    return Object.defineProperty(view, 'history', { get: () => (collected ??= collect()), enumerable: true, configurable: true });
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

/** A `HEAD` answer: the `GET` answer's status and headers, its body's length, no body. */
function forMethod(method: string, response: HealthHttpResponse): HealthHttpResponse {
  if (method !== 'HEAD') return response;
  return { ...response, headers: { ...response.headers, 'Content-Length': String(Buffer.byteLength(response.body)) }, body: '' };
}

/** What `HealthAccess` reads: the server's request (its headers and, for `authorize`, the object itself). */
function subjectOf(request: HealthHttpRequest): unknown {
  return request.request ?? { headers: request.headers };
}

/** The headers of every answer, whatever its status and representation (errors included), on both doors. */
function commonHeaders(contentType: string): Record<string, string> {
  return { 'Cache-Control': 'no-store', Vary: 'Accept', 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff' };
}
