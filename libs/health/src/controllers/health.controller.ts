import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { InjectHealthOptions } from '../health.module-definition.js';
import { HealthService } from '../health.service.js';
import { HealthResponder } from '../formats/health-responder.js';
import type { HealthReport, ProbeSelector } from '../interfaces/health-status.interface.js';
import type { ResolvedHealthOptions } from '../options/health-options.validator.js';
import { describeError } from '../execution/check-outcome.js';
import { redact } from '../redaction/redactor.js';

type ExcludeQuery = string | string[] | undefined;

function toList(value: ExcludeQuery): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((entry) => String(entry).split(',')).map((entry) => entry.trim()).filter(Boolean);
}

/**
 * The probe routes. Mounted under the module's `path` (default `health`); one subclass is made
 * per `HealthModule` import so that each can have its own path.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('HealthModule');

  constructor(
    private readonly health: HealthService,
    private readonly responder: HealthResponder,
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
  ) {}

  @Get('live')
  async live(@Res() response: unknown): Promise<void> {
    await this.answer('liveness', response, []);
  }

  @Get('ready')
  async ready(@Query('exclude') exclude: ExcludeQuery, @Res() response: unknown): Promise<void> {
    await this.answer('readiness', response, toList(exclude));
  }

  @Get('startup')
  async startup(@Query('exclude') exclude: ExcludeQuery, @Res() response: unknown): Promise<void> {
    await this.answer('startup', response, toList(exclude));
  }

  @Get()
  async report(@Query('exclude') exclude: ExcludeQuery, @Res() response: unknown): Promise<void> {
    await this.answer('all', response, toList(exclude));
  }

  @Get('checks/:name')
  async check(@Param('name') name: string, @Res() response: unknown): Promise<void> {
    const result = await this.health.checkOne(name);
    if (!result) {
      const known = this.health.checkNames();
      this.responder.json(response, 404, {
        statusCode: 404,
        message: `No health check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.length ? known.join(', ') : 'none'}`,
        error: 'Not Found',
      });
      return;
    }
    this.responder.json(response, this.options.httpStatus[result.status], result);
  }

  private async answer(selector: ProbeSelector, response: unknown, exclude: string[]): Promise<void> {
    let report: HealthReport;
    try {
      report = await this.health.check(selector, { exclude });
    } catch (error) {
      // Never a 500: a failure of the health machinery itself is reported as DOWN.
      const reason = redact(`health evaluation failed: ${describeError(error)}`);
      this.logger.error(reason);
      report = { status: 'DOWN', reason };
    }
    const body = selector === 'liveness' ? { status: report.status } : report;
    this.responder.json(response, this.options.httpStatus[report.status], body);
  }
}
