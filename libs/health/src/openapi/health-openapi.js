import { HealthController } from '../controllers/health.controller.js';
import { HEALTH_CHECK_RESULT_PROPERTIES, HealthCheckResultDto } from '../dto/health-check-result.dto.js';
import { HEALTH_ERROR_PROPERTIES, HEALTH_REPORT_PROPERTIES, HealthErrorDto, HealthReportDto, LIVENESS_REPORT_PROPERTIES, LivenessReportDto, } from '../dto/health-report.dto.js';
import { REPORT_EXAMPLES } from '../dto/health-report.examples.js';
import { SERVICE_INFO_PROPERTIES, ServiceInfoDto } from '../dto/service-info.dto.js';
let documented;
/**
 * Documents the DTOs and routes for Swagger when `@nestjs/swagger` is installed. It is an
 * optional peer: without it this does nothing. Runs once, before the document is created.
 */
export function documentHealthApi() {
    documented ??= import('@nestjs/swagger').then((swagger) => applyDocumentation(swagger), () => undefined);
    return documented;
}
function documentDto(swagger, dto, properties) {
    for (const [key, property] of Object.entries(properties)) {
        const options = typeof property === 'function' ? property(swagger.getSchemaPath) : property;
        swagger.ApiProperty({ required: true, ...options })(dto.prototype, key);
    }
}
function documentRoute(route, ...decorators) {
    const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, route);
    for (const decorator of decorators)
        decorator(HealthController.prototype, route, descriptor);
}
function applyDocumentation(swagger) {
    documentDto(swagger, ServiceInfoDto, SERVICE_INFO_PROPERTIES);
    documentDto(swagger, HealthCheckResultDto, HEALTH_CHECK_RESULT_PROPERTIES);
    documentDto(swagger, HealthReportDto, HEALTH_REPORT_PROPERTIES);
    documentDto(swagger, LivenessReportDto, LIVENESS_REPORT_PROPERTIES);
    documentDto(swagger, HealthErrorDto, HEALTH_ERROR_PROPERTIES);
    swagger.ApiTags('Health')(HealthController);
    swagger.ApiExtraModels(HealthCheckResultDto, ServiceInfoDto)(HealthController);
    const { up, degraded, down, starting, shuttingDown } = REPORT_EXAMPLES;
    const ok = (examples) => swagger.ApiOkResponse({ type: HealthReportDto, description: 'UP or DEGRADED', examples });
    const unavailable = (examples) => swagger.ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'DOWN, STARTING or SHUTTING_DOWN', examples });
    const exclude = swagger.ApiQuery({
        name: 'exclude',
        required: false,
        isArray: true,
        type: String,
        description: 'Check names to leave out (repeatable). Unknown names are ignored with a note.',
    });
    documentRoute('live', swagger.ApiOperation({ summary: 'Liveness probe', description: 'Is the process alive? Runs only liveness indicators (none by default); never touches dependencies, never shows details.' }), swagger.ApiOkResponse({ type: LivenessReportDto, example: { status: 'UP' } }), swagger.ApiServiceUnavailableResponse({ type: LivenessReportDto, example: { status: 'DOWN' } }));
    documentRoute('ready', swagger.ApiOperation({ summary: 'Readiness probe', description: 'May the instance take traffic? Runs readiness indicators. 503 when a critical check is DOWN, while starting and while draining.' }), exclude, ok({ up, degraded }), unavailable({ down, starting, shuttingDown }));
    documentRoute('startup', swagger.ApiOperation({ summary: 'Startup probe', description: 'Has the app finished starting? Runs startup indicators until they pass once, then stays UP.' }), exclude, ok({ up }), unavailable({ down, starting }));
    documentRoute('report', swagger.ApiOperation({ summary: 'Full health report', description: 'Runs every indicator and reports each with service info.' }), exclude, ok({ up, degraded }), unavailable({ down, shuttingDown }));
    documentRoute('check', swagger.ApiOperation({ summary: 'One check', description: 'Runs one indicator by name.' }), swagger.ApiParam({ name: 'name', description: 'Check name', example: 'database' }), swagger.ApiOkResponse({ type: HealthCheckResultDto, description: 'The check is UP or DEGRADED' }), swagger.ApiServiceUnavailableResponse({
        type: HealthCheckResultDto,
        description: 'The check is DOWN',
        example: REPORT_EXAMPLES.down.value.details.database,
    }), swagger.ApiNotFoundResponse({ type: HealthErrorDto, description: 'No check has that name' }));
}
//# sourceMappingURL=health-openapi.js.map