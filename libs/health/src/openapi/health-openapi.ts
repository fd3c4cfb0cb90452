import type { Type } from '@nestjs/common';
import { HEALTH_ROUTES, methodsOf, type HealthRouteName, type HealthRouteRow, type HealthRouteResponse } from '../http/health-routes.js';
import { routeMethodKey } from '../controllers/health.controller.js';
import { CheckSimulationDto, HealthSettingsDto } from '../dto/health-settings.dto.js';
import { OPERATIONS_MODELS, operationDocumentation } from './operations-openapi.js';
import { HealthCheckResultDto } from '../dto/health-check-result.dto.js';
import { HealthJsonCheckDto, HealthJsonReportDto } from '../dto/health-json-report.dto.js';
import { HealthErrorDto, HealthReportDto, LivenessReportDto } from '../dto/health-report.dto.js';
import { REPORT_EXAMPLES } from '../dto/health-report.examples.js';
import { ServiceInfoDto } from '../dto/service-info.dto.js';
import { HEALTH_REPRESENTATIONS, type HealthRepresentation } from '../formats/health-formats.js';
import { createReportView, singleCheckReport } from '../formats/report-view.js';
import type { HealthReport } from '../interfaces/health-status.interface.js';
import { HEALTH_API_KEY_SCHEME, HEALTH_BEARER_SCHEME } from './health-api-security.js';
import { loadOptionalPeerIfInstalled } from '../peers/optional-peer.loader.js';

type Swagger = typeof import('@nestjs/swagger');

/** Where `@ApiTags()` keeps a controller's tags. */
const SWAGGER_TAGS_METADATA = 'swagger/apiUseTags';
type Example = { summary: string; value: HealthReport };
type MediaContent = Record<string, { schema: Record<string, unknown>; example?: unknown; examples?: Record<string, { summary: string; value: unknown }> }>;

/**
 * Documents the routes of one import's controller for Swagger when `@nestjs/swagger` is installed.
 * It is an optional peer: without it this does nothing. The controller class is made for that import
 * alone, so nothing shared is decorated; the DTOs document themselves (`_OPENAPI_METADATA_FACTORY`).
 */
export function documentHealthController(controller: Type, groupNames?: string[]): Promise<void> {
  return loadOptionalPeerIfInstalled({ option: 'openapi', packageName: '@nestjs/swagger' }, () => import('@nestjs/swagger')).then((swagger) => {
    if (swagger) applyDocumentation(swagger, controller, groupNames);
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
/**
 * The media types of one response: one per representation, with its schema and its examples rendered by the
 * representation itself, so the documented examples are exactly what the routes send.
 */
function content(swagger: Swagger, row: HealthRouteRow, examples: Record<string, Example>, httpStatus: number, checkName?: string): MediaContent {
  const route = row.name as HealthRouteName;
  const groupName = row.answer === 'group' ? checkName : undefined;
  const showDetails = row.details !== 'never';
  const reportSchema = { $ref: swagger.getSchemaPath(JSON_SCHEMA_OF_BODY[row.openapi.body]) };
  const render = (representation: HealthRepresentation, report: HealthReport, details: boolean) =>
    representation.openapi.parse(
      representation.render(
        createReportView({
          route,
          checkName: groupName ? undefined : checkName,
          groupName,
          report,
          showDetails: details,
          httpStatus,
          service: EXAMPLE_SERVICE,
          generatedAt: EXAMPLE_TIME,
        }),
      ),
    );
  const first = Object.values(examples)[0];
  const media: MediaContent = {};
  for (const representation of HEALTH_REPRESENTATIONS) {
    const schema = representation.openapi.schema(reportSchema);
    if (representation.openapi.examples === 'first') {
      media[representation.mediaType] = { schema, example: render(representation, first.value, showDetails) };
      continue;
    }
    const shown: Record<string, { summary: string; value: unknown }> = {};
    for (const [key, example] of Object.entries(examples)) shown[key] = { summary: example.summary, value: render(representation, example.value, showDetails) };
    if (showDetails && row.requiresAuthorization !== true) {
      shown.statusOnly = {
        summary: 'A caller not authorized for details gets the status only (same HTTP code)',
        value: render(representation, first.value, false),
      };
    }
    media[representation.mediaType] = { schema, examples: shown };
  }
  return media;
}

/** The DTO documenting the JSON body of each kind of route. */
const JSON_SCHEMA_OF_BODY: Record<HealthRouteRow['openapi']['body'], Type> = {
  liveness: LivenessReportDto,
  report: HealthReportDto,
  check: HealthCheckResultDto,
  effectiveSettings: HealthSettingsDto,
  checkSimulation: CheckSimulationDto,
};

/** Whether a row is an operations route, documented by `operations-openapi.ts`. */
const isOperation = (route: HealthRouteRow) => route.openapi.body === 'effectiveSettings' || route.openapi.body === 'checkSimulation';

/** The example reports of one documented response, shaped as the route answers (status only, a report, one check). */
function examplesOf(row: HealthRouteRow, response: HealthRouteResponse): Record<string, Example> {
  const entries = Object.entries(response.examples).map(([key, summary]) => {
    const example = REPORT_EXAMPLES[key as keyof typeof REPORT_EXAMPLES];
    const shown = typeof summary === 'string' ? summary : example.summary;
    const checkName = row.openapi.param?.example ?? '';
    const value: HealthReport =
      row.openapi.body === 'liveness'
        ? { status: example.value.status }
        : row.openapi.body === 'check'
          ? singleCheckReport(checkName, example.value.details![checkName])
          : example.value;
    return [row.openapi.body === 'check' ? value.status.toLowerCase() : key, { summary: shown, value }] as const;
  });
  return Object.fromEntries(entries);
}

const ACCEPT_NOTE =
  ' Answers in the representation the `Accept` header asks for: `application/json` (default, also for `*/*` and anything unknown), `application/health+json`, `text/plain` or `text/html`. `HEAD` answers the same status without a body.';
const DETAILS_NOTE =
  ' Details (checks, error text, service info) need authorization under the default `details: "when-authorized"`: the `X-Health-Key` header or `Authorization: Bearer <key>`. Without it the answer is the status only, with the same HTTP code.';

function applyDocumentation(swagger: Swagger, controller: Type, groupNames?: string[]): void {
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
    ...OPERATIONS_MODELS,
  )(controller);
  // Each route's GET is documented (the controller names it after the route); the 405 answers of other methods are not part of the API.
  const routes = HEALTH_ROUTES as readonly HealthRouteRow[];
  const documented = new Set<string>(routes.flatMap((route) => methodsOf(route).map((method) => routeMethodKey(route, method))));
  for (const key of Object.getOwnPropertyNames(controller.prototype)) {
    if (key !== 'constructor' && !documented.has(key)) decorateMethod(controller, key, [swagger.ApiExcludeEndpoint()]);
  }
  for (const route of routes) {
    if (!isOperation(route)) decorateMethod(controller, route.name, routeDocumentation(swagger, route, groupNames));
    else {
      for (const method of methodsOf(route).filter((candidate) => candidate !== 'HEAD')) {
        decorateMethod(controller, routeMethodKey(route, method), operationDocumentation(swagger, route, method));
      }
    }
  }
}

/** The OpenAPI decorators of one route, from its row. */
function routeDocumentation(swagger: Swagger, route: HealthRouteRow, groupNames?: string[]): MethodDecorator[] {
  const { openapi } = route;
  // Where details follow a policy and nothing else needs a key, the answer says how to see them.
  const detailsNote = route.details !== 'never' && route.requiresAuthorization !== true ? DETAILS_NOTE : '';
  const decorators: MethodDecorator[] = [swagger.ApiOperation({ summary: openapi.summary, description: `${openapi.description}${detailsNote}${ACCEPT_NOTE}` })];
  const paramValue = openapi.param?.example;
  if (openapi.param) decorators.push(parameter(swagger, openapi.param, groupNames));
  if (route.exclude) {
    decorators.push(
      swagger.ApiQuery({
        name: 'exclude',
        required: false,
        isArray: true,
        type: String,
        description: 'Check names to leave out (repeatable, or comma-separated). Unknown names are ignored with a note.',
      }),
    );
  }
  // Either scheme unlocks details; `{}` says the route answers without one too. Made per route:
  // an ApiSecurity decorator keeps what it applied, so a shared one would accumulate.
  if (route.details !== 'never') decorators.push(swagger.ApiSecurity(HEALTH_API_KEY_SCHEME), swagger.ApiSecurity(HEALTH_BEARER_SCHEME));
  if (route.details !== 'never' && route.requiresAuthorization !== true) decorators.push(swagger.ApiSecurity({}));
  decorators.push(
    swagger.ApiOkResponse({ description: openapi.ok.description, content: content(swagger, route, examplesOf(route, openapi.ok), 200, paramValue) }),
    swagger.ApiServiceUnavailableResponse({
      description: openapi.unavailable.description,
      content: content(swagger, route, examplesOf(route, openapi.unavailable), 503, paramValue),
    }),
  );
  const errorContent = (example: object) => ({ 'application/json': { schema: { $ref: swagger.getSchemaPath(HealthErrorDto) }, example } });
  if (openapi.unauthorized) {
    decorators.push(
      swagger.ApiUnauthorizedResponse({
        description: openapi.unauthorized.description,
        content: errorContent({ statusCode: 401, message: openapi.unauthorized.message, error: 'Unauthorized' }),
      }),
    );
  }
  if (openapi.notFound) {
    decorators.push(
      swagger.ApiNotFoundResponse({
        description: openapi.notFound.description,
        content: errorContent({ statusCode: 404, message: openapi.notFound.message, error: 'Not Found' }),
      }),
    );
  }
  return decorators;
}

/** The `:name` parameter; group names come from `forRoot` options (under `forRootAsync` they exist only after the document may be built). */
function parameter(swagger: Swagger, param: NonNullable<HealthRouteRow['openapi']['param']>, groupNames?: string[]): MethodDecorator {
  if (param.names !== 'configured-groups') return swagger.ApiParam({ name: 'name', type: String, description: param.description, example: param.example });
  if (groupNames && groupNames.length > 0)
    return swagger.ApiParam({ name: 'name', type: String, description: `${param.description}, as configured in \`groups\``, enum: groupNames });
  return swagger.ApiParam({
    name: 'name',
    type: String,
    description: groupNames
      ? `${param.description}; no group is configured, so every name answers 404`
      : `${param.description}, as configured in \`groups\` (options from \`forRootAsync\` are resolved after this document is made, so the names are not listed)`,
    example: param.example,
  });
}
