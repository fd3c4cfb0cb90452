import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { HealthAccess, type HealthRoute, type RouteAccess } from '../access/health-access.js';
import { describeError } from '../execution/check-outcome.js';
import { HealthResponder } from '../formats/health-responder.js';
import { createReportView, singleCheckReport, type ReportView } from '../formats/report-view.js';
import { InjectHealthOptions } from '../health.module-definition.js';
import { HealthService } from '../health.service.js';
import type { HealthReport, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { redact } from '../redaction/redactor.js';

type ExcludeQuery = string | string[] | undefined;

function toList(value: ExcludeQuery): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((entry) => String(entry).split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

const LIVENESS_ACCESS: RouteAccess = { policy: 'never', authorized: false, showDetails: false };

const PROBE_OF_ROUTE: Record<Exclude<HealthRoute, 'checks'>, ProbeSelector> = {
  live: 'liveness',
  ready: 'readiness',
  startup: 'startup',
  report: 'all',
};

/**
 * The probe routes. Mounted under the module's `path` (default `health`); one subclass is made
 * per `HealthModule` import so that each can have its own path. Every route also answers `HEAD`
 * (Express and Fastify derive it from `GET`) and every `Accept` the formats speak.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('HealthModule');

  constructor(
    private readonly health: HealthService,
    private readonly access: HealthAccess,
    private readonly responder: HealthResponder,
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
  ) {}

  @Get('live')
  async live(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    await this.answer('live', request, response, []);
  }

  @Get('ready')
  async ready(@Query('exclude') exclude: ExcludeQuery, @Req() request: unknown, @Res() response: unknown): Promise<void> {
    await this.answer('ready', request, response, toList(exclude));
  }

  @Get('startup')
  async startup(@Query('exclude') exclude: ExcludeQuery, @Req() request: unknown, @Res() response: unknown): Promise<void> {
    await this.answer('startup', request, response, toList(exclude));
  }

  @Get()
  async report(@Query('exclude') exclude: ExcludeQuery, @Req() request: unknown, @Res() response: unknown): Promise<void> {
    await this.answer('report', request, response, toList(exclude));
  }

  @Get('checks/:name')
  async check(@Param('name') name: string, @Req() request: unknown, @Res() response: unknown): Promise<void> {
    const access = await this.access.resolve('checks', request);
    // Authorization comes before the lookup, so an unauthorized caller cannot list check names.
    if (access.policy !== 'always' && !access.authorized) {
      this.responder.json(
        response,
        401,
        { statusCode: 401, message: 'A check needs authorization: send X-Health-Key or Authorization: Bearer', error: 'Unauthorized' },
        { 'WWW-Authenticate': 'Bearer realm="health"' },
      );
      return;
    }
    const result = await this.health.checkOne(name);
    if (!result) {
      const known = this.health.checkNames();
      this.responder.json(response, 404, {
        statusCode: 404,
        message: redact(`No health check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.length ? known.join(', ') : 'none'}`),
        error: 'Not Found',
      });
      return;
    }
    this.responder.represent(request, response, this.view('checks', singleCheckReport(name, result), access, name));
  }

  private async answer(route: Exclude<HealthRoute, 'checks'>, request: unknown, response: unknown, exclude: string[]): Promise<void> {
    // Liveness never shows details: no authorization to evaluate.
    const [report, access] =
      route === 'live'
        ? [await this.evaluate('liveness', exclude), LIVENESS_ACCESS]
        : await Promise.all([this.evaluate(PROBE_OF_ROUTE[route], exclude), this.access.resolve(route, request)]);
    this.responder.represent(request, response, this.view(route, report, access));
  }

  /** What the caller may see of a report, with the HTTP status its status maps to. */
  private view(route: HealthRoute, report: HealthReport, access: RouteAccess, checkName?: string): ReportView {
    return createReportView({
      route,
      checkName,
      report,
      showDetails: access.showDetails,
      httpStatus: this.options.httpStatus[report.status],
      service: this.options.service,
    });
  }

  private async evaluate(selector: ProbeSelector, exclude: string[]): Promise<HealthReport> {
    try {
      return await this.health.check(selector, { exclude });
    } catch (error) {
      // Never a 500: a failure of the health machinery itself is reported as DOWN.
      const reason = redact(`health evaluation failed: ${describeError(error)}`);
      this.logger.error(reason);
      return { status: 'DOWN', reason };
    }
  }
}
