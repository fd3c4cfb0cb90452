import {
  CheckSettingsDto,
  CheckSimulationDto,
  HealthSettingsDto,
  HealthSettingsGrpcDto,
  HealthSettingsHttpDto,
  HealthSettingsProbesDto,
  ProbeSettingsDto,
  ShutdownSettingsDto,
  SimulationSettingsDto,
  StartupSettingsDto,
} from '../dto/health-settings.dto.js';
import { HealthErrorDto } from '../dto/health-report.dto.js';
import type { HealthRouteRow } from '../http/health-routes.js';
import { HEALTH_API_KEY_SCHEME, HEALTH_BEARER_SCHEME } from './health-api-security.js';

type Swagger = typeof import('@nestjs/swagger');

/** The DTOs of the operations routes, registered with the document. */
export const OPERATIONS_MODELS = [
  HealthSettingsDto,
  HealthSettingsHttpDto,
  HealthSettingsGrpcDto,
  HealthSettingsProbesDto,
  ProbeSettingsDto,
  CheckSettingsDto,
  StartupSettingsDto,
  ShutdownSettingsDto,
  SimulationSettingsDto,
  CheckSimulationDto,
];

/**
 * @internal Takes `@nestjs/swagger` (an optional peer), whose types stay out of the published declarations.
 * The OpenAPI decorators of an operations route (`body: 'effectiveSettings' | 'checkSimulation'`) for one of its methods:
 * no report, no representations; a DTO, its errors, and the key it needs.
 */
export function operationDocumentation(swagger: Swagger, route: HealthRouteRow, method: string): MethodDecorator[] {
  const { openapi } = route;
  const errorContent = (statusCode: number, error: string, message: string) => ({
    'application/json': { schema: { $ref: swagger.getSchemaPath(HealthErrorDto) }, example: { statusCode, message, error } },
  });
  const decorators: MethodDecorator[] = [];
  if (openapi.param) decorators.push(swagger.ApiParam({ name: 'name', type: String, description: openapi.param.description, example: openapi.param.example }));
  if (openapi.body === 'effectiveSettings') {
    decorators.push(
      swagger.ApiOperation({ summary: openapi.summary, description: openapi.description }),
      swagger.ApiSecurity(HEALTH_API_KEY_SCHEME),
      swagger.ApiSecurity(HEALTH_BEARER_SCHEME),
      swagger.ApiOkResponse({
        description: openapi.ok.description,
        content: {
          'application/json': { schema: { $ref: swagger.getSchemaPath(HealthSettingsDto) } },
          'text/plain': {
            schema: { type: 'string', description: 'One `dotted.key: value` line per setting.' },
            example: 'http.path: /health\nhttp.port: 3000\n',
          },
        },
      }),
    );
  } else {
    const put = method === 'PUT';
    decorators.push(
      swagger.ApiOperation({
        summary: put ? openapi.summary : 'End a simulation',
        description: put ? openapi.description : 'Ends the simulation of the check, if one is in force; its real result is back when this answers.',
      }),
      swagger.ApiSecurity(HEALTH_API_KEY_SCHEME),
      swagger.ApiOkResponse({
        description: openapi.ok.description,
        content: {
          'application/json': {
            schema: { type: 'object', additionalProperties: true },
            example: put
              ? { check: 'database', status: 'DOWN', error: 'game day: database unreachable', endsAt: '2026-11-25T10:30:03.000Z', simulated: true }
              : { check: 'database', simulation: 'ended' },
          },
        },
      }),
    );
    if (put) {
      decorators.push(
        swagger.ApiBody({ type: CheckSimulationDto }),
        swagger.ApiBadRequestResponse({
          description: 'A field is missing or has a value not accepted; the message names it and the accepted values',
          content: errorContent(400, 'Bad Request', '"status" must be one of "UP", "DEGRADED", "DOWN"; got "BROKEN"'),
        }),
      );
    }
  }
  if (openapi.unauthorized) {
    decorators.push(
      swagger.ApiUnauthorizedResponse({
        description: openapi.unauthorized.description,
        content: errorContent(401, 'Unauthorized', openapi.unauthorized.message),
      }),
    );
  }
  if (openapi.notFound) {
    decorators.push(
      swagger.ApiNotFoundResponse({ description: openapi.notFound.description, content: errorContent(404, 'Not Found', openapi.notFound.message) }),
    );
  }
  return decorators;
}
