import type { Type } from '@nestjs/common';
import type { HealthRoute } from '../access/health-access.js';
import { HealthCheckResultDto } from '../dto/health-check-result.dto.js';
import { HealthJsonCheckDto, HealthJsonReportDto } from '../dto/health-json-report.dto.js';
import { HealthErrorDto, HealthReportDto, LivenessReportDto } from '../dto/health-report.dto.js';
import { REPORT_EXAMPLES } from '../dto/health-report.examples.js';
import { ServiceInfoDto } from '../dto/service-info.dto.js';
import { renderHealthJson } from '../formats/health-json/health-json.format.js';
import { renderHtml } from '../formats/html/html.format.js';
import { renderJson } from '../formats/json/json.format.js';
import { createReportView, singleCheckReport } from '../formats/report-view.js';
import { renderText } from '../formats/text/text.format.js';
import type { HealthCheckResult, HealthReport } from '../interfaces/health-status.interface.js';
import { HEALTH_API_KEY_SCHEME, HEALTH_BEARER_SCHEME } from './health-api-security.js';
import { loadOptionalPeerIfInstalled } from '../peers/optional-peer.loader.js';

type Swagger = typeof import('@nestjs/swagger');

/** Where `@ApiTags()` keeps a controller's tags. */
const SWAGGER_TAGS_METADATA = 'swagger/apiUseTags';
type RouteName = 'live' | 'ready' | 'startup' | 'report' | 'check' | 'group';
type Example = { summary: string; value: HealthReport };
type MediaContent = Record<string, { schema: Record<string, unknown>; example?: unknown; examples?: Record<string, { summary: string; value: unknown }> }>;

/**
 * Documents the routes of one import's controller for Swagger when `@nestjs/swagger` is installed.
 * It is an optional peer: without it this does nothing. The controller class is made for that import
 * alone, so nothing shared is decorated; the DTOs document themselves (`_OPENAPI_METADATA_FACTORY`).
 */
export function documentHealthController(controller: Type, isDocumentedRoute: (key: string) => boolean, groupNames?: string[]): Promise<void> {
  return loadOptionalPeerIfInstalled({ option: 'openapi', packageName: '@nestjs/swagger' }, () => import('@nestjs/swagger')).then((swagger) => {
    if (swagger) applyDocumentation(swagger, controller, isDocumentedRoute, groupNames);
  });
}

function decorateMethod(controller: Type, key: string, decorators: MethodDecorator[]): void {
  const prototype = controller.prototype as object;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
  for (const decorator of decorators) decorator(prototype, key, descriptor);
}

const EXAMPLE_SERVICE = { name: 'orders', version: '1.4.2', environment: 'production' };
const EXAMPLE_TIME = new Date('2026-11-25T10:30:02.000Z');

/**
 * Every representation of every example, rendered by the formats themselves, so the documented
 * examples are exactly what the routes send.
 */
function representations(route: HealthRoute, examples: Record<string, Example>, httpStatus: number, checkName?: string) {
  const groupName = route === 'group' ? checkName : undefined;
  const render = (report: HealthReport, showDetails: boolean, format: (view: ReturnType<typeof createReportView>) => string) =>
    format(
      createReportView({
        route,
        checkName: groupName ? undefined : checkName,
        groupName,
        report,
        showDetails,
        httpStatus,
        service: EXAMPLE_SERVICE,
        generatedAt: EXAMPLE_TIME,
      }),
    );
  const each = <T>(format: (view: ReturnType<typeof createReportView>) => string, parse: (text: string) => T) => {
    const entries = Object.entries(examples).map(([key, example]) => [
      key,
      { summary: example.summary, value: parse(render(example.value, route !== 'live', format)) },
    ]);
    const first = Object.values(examples)[0];
    if (route !== 'live' && route !== 'checks') {
      entries.push([
        'statusOnly',
        { summary: 'A caller not authorized for details gets the status only (same HTTP code)', value: parse(render(first.value, false, format)) },
      ]);
    }
    return Object.fromEntries(entries) as Record<string, { summary: string; value: T }>;
  };
  const htmlOf = Object.values(examples)[0];
  return {
    json: each(renderJson, (text) => JSON.parse(text) as unknown),
    healthJson: each(renderHealthJson, (text) => JSON.parse(text) as unknown),
    text: each(renderText, (text) => text),
    html: render(htmlOf.value, route !== 'live', renderHtml),
  };
}

function content(swagger: Swagger, jsonDto: Type, route: HealthRoute, examples: Record<string, Example>, httpStatus: number, checkName?: string): MediaContent {
  const rendered = representations(route, examples, httpStatus, checkName);
  return {
    'application/json': { schema: { $ref: swagger.getSchemaPath(jsonDto) }, examples: rendered.json },
    'application/health+json': { schema: { $ref: swagger.getSchemaPath(HealthJsonReportDto) }, examples: rendered.healthJson },
    'text/plain': {
      schema: { type: 'string', description: 'Kubernetes verbose style: `[+]name ok` / `[-]name failed: reason` lines, then `<probe> check passed|failed`.' },
      examples: rendered.text,
    },
    'text/html': { schema: { type: 'string', description: 'A self-contained status page that refreshes itself.' }, example: rendered.html },
  };
}

function checkExamples(result: HealthCheckResult, summary: string): Record<string, Example> {
  return { [result.status.toLowerCase()]: { summary, value: singleCheckReport('database', result) } };
}

const ACCEPT_NOTE =
  ' Answers in the representation the `Accept` header asks for: `application/json` (default, also for `*/*` and anything unknown), `application/health+json`, `text/plain` or `text/html`. `HEAD` answers the same status without a body.';
const DETAILS_NOTE =
  ' Details (checks, error text, service info) need authorization under the default `details: "when-authorized"`: the `X-Health-Key` header or `Authorization: Bearer <key>`. Without it the answer is the status only, with the same HTTP code.';

function applyDocumentation(swagger: Swagger, controller: Type, isDocumentedRoute: (key: string) => boolean, groupNames?: string[]): void {
  // The app's own tags (`decorators: [ApiTags('ops')]`) replace ours rather than adding to them.
  if (!Reflect.hasOwnMetadata(SWAGGER_TAGS_METADATA, controller)) swagger.ApiTags('Health')(controller);
  swagger.ApiExtraModels(
    HealthReportDto,
    LivenessReportDto,
    HealthCheckResultDto,
    ServiceInfoDto,
    HealthErrorDto,
    HealthJsonReportDto,
    HealthJsonCheckDto,
  )(controller);
  // The 405 answers of other methods are not part of the API.
  for (const key of Object.getOwnPropertyNames(controller.prototype)) {
    if (key !== 'constructor' && key !== 'serve' && !isDocumentedRoute(key)) decorateMethod(controller, key, [swagger.ApiExcludeEndpoint()]);
  }
  const documentRoute = (route: RouteName, ...decorators: MethodDecorator[]) => decorateMethod(controller, route, decorators);

  const { up, degraded, down, starting, shuttingDown } = REPORT_EXAMPLES;
  const ok = (route: HealthRoute, examples: Record<string, Example>) =>
    swagger.ApiOkResponse({ description: 'UP or DEGRADED', content: content(swagger, HealthReportDto, route, examples, 200) });
  const unavailable = (route: HealthRoute, examples: Record<string, Example>) =>
    swagger.ApiServiceUnavailableResponse({
      description: 'DOWN, STARTING or SHUTTING_DOWN',
      content: content(swagger, HealthReportDto, route, examples, 503),
    });
  const exclude = swagger.ApiQuery({
    name: 'exclude',
    required: false,
    isArray: true,
    type: String,
    description: 'Check names to leave out (repeatable, or comma-separated). Unknown names are ignored with a note.',
  });
  // Either scheme unlocks details; `{}` says the route answers without one too. Made per route:
  // an ApiSecurity decorator keeps what it applied, so a shared one would accumulate.
  const optionalKey = () => [swagger.ApiSecurity(HEALTH_API_KEY_SCHEME), swagger.ApiSecurity(HEALTH_BEARER_SCHEME), swagger.ApiSecurity({})];
  const errorContent = (example: object) => ({ 'application/json': { schema: { $ref: swagger.getSchemaPath(HealthErrorDto) }, example } });

  documentRoute(
    'live',
    swagger.ApiOperation({
      summary: 'Liveness probe',
      description: `Is the process alive? Runs only liveness indicators (none by default); never touches dependencies, never shows details.${ACCEPT_NOTE}`,
    }),
    swagger.ApiOkResponse({
      description: 'UP',
      content: content(swagger, LivenessReportDto, 'live', { up: { summary: 'UP', value: { status: 'UP' } } }, 200),
    }),
    swagger.ApiServiceUnavailableResponse({
      description: 'DOWN',
      content: content(
        swagger,
        LivenessReportDto,
        'live',
        { down: { summary: 'DOWN: a liveness check failed or liveness was set broken', value: { status: 'DOWN' } } },
        503,
      ),
    }),
  );
  documentRoute(
    'ready',
    swagger.ApiOperation({
      summary: 'Readiness probe',
      description: `May the instance take traffic? Runs readiness indicators. 503 when a critical check is DOWN, while starting and while draining.${DETAILS_NOTE}${ACCEPT_NOTE}`,
    }),
    exclude,
    ...optionalKey(),
    ok('ready', { up, degraded }),
    unavailable('ready', { down, starting, shuttingDown }),
  );
  documentRoute(
    'startup',
    swagger.ApiOperation({
      summary: 'Startup probe',
      description: `Has the app finished starting? Runs startup indicators until they pass once, then stays UP.${DETAILS_NOTE}${ACCEPT_NOTE}`,
    }),
    exclude,
    ...optionalKey(),
    ok('startup', { up }),
    unavailable('startup', { down, starting }),
  );
  documentRoute(
    'report',
    swagger.ApiOperation({
      summary: 'Full health report',
      description: `Runs every indicator and reports each with service info.${DETAILS_NOTE}${ACCEPT_NOTE}`,
    }),
    exclude,
    ...optionalKey(),
    ok('report', { up, degraded }),
    unavailable('report', { down, shuttingDown }),
  );
  const healthyDatabase = up.value.details!.database;
  const downDatabase = down.value.details!.database;
  documentRoute(
    'check',
    swagger.ApiOperation({
      summary: 'One check',
      description: `Runs one indicator by name. Needs authorization (\`X-Health-Key\` or \`Authorization: Bearer\`) unless \`details\` is \`always\`: 401 otherwise, checked before the name.${ACCEPT_NOTE}`,
    }),
    swagger.ApiParam({ name: 'name', description: 'Check name', example: 'database' }),
    swagger.ApiSecurity(HEALTH_API_KEY_SCHEME),
    swagger.ApiSecurity(HEALTH_BEARER_SCHEME),
    swagger.ApiOkResponse({
      description: 'The check is UP or DEGRADED',
      content: content(swagger, HealthCheckResultDto, 'checks', checkExamples(healthyDatabase, 'UP'), 200, 'database'),
    }),
    swagger.ApiServiceUnavailableResponse({
      description: 'The check is DOWN',
      content: content(swagger, HealthCheckResultDto, 'checks', checkExamples(downDatabase, 'DOWN'), 503, 'database'),
    }),
    swagger.ApiUnauthorizedResponse({
      description: 'No valid key (and `details` is not `always`)',
      content: errorContent({ statusCode: 401, message: 'A check needs authorization: send X-Health-Key or Authorization: Bearer', error: 'Unauthorized' }),
    }),
    swagger.ApiNotFoundResponse({
      description: 'No check has that name',
      content: errorContent({ statusCode: 404, message: 'No health check named "paymnts"; known checks: database, memory, payments', error: 'Not Found' }),
    }),
  );
  // Names come from forRoot options; forRootAsync options exist only after the document may be built, so the parameter is then a plain string.
  const groupParam =
    groupNames && groupNames.length > 0
      ? swagger.ApiParam({ name: 'name', description: 'Group name, as configured in `groups`', enum: groupNames })
      : swagger.ApiParam({
          name: 'name',
          description: groupNames
            ? 'Group name; no group is configured, so every name answers 404'
            : 'Group name, as configured in `groups` (options from `forRootAsync` are resolved after this document is made, so the names are not listed)',
          example: 'payments',
        });
  const groupExamples = { up, degraded };
  documentRoute(
    'group',
    swagger.ApiOperation({
      summary: 'Health group',
      description: `Runs the checks of one group (\`groups.<name>\`: check names and \`tag:<tag>\` selectors) and reports them like the full report, with the group's own \`details\` and \`httpStatus\` when set. An unknown name is a 404 (the configured names are listed only to an authorized caller).${DETAILS_NOTE}${ACCEPT_NOTE}`,
    }),
    groupParam,
    exclude,
    ...optionalKey(),
    swagger.ApiOkResponse({ description: 'UP or DEGRADED', content: content(swagger, HealthReportDto, 'group', groupExamples, 200, 'payments') }),
    swagger.ApiServiceUnavailableResponse({
      description: 'DOWN, STARTING or SHUTTING_DOWN',
      content: content(swagger, HealthReportDto, 'group', { down, starting, shuttingDown }, 503, 'payments'),
    }),
    swagger.ApiNotFoundResponse({
      description: 'No group has that name',
      content: errorContent({ statusCode: 404, message: 'No health group named "paymnts"; known groups: payments, edge', error: 'Not Found' }),
    }),
  );
}
