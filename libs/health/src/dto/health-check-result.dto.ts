import { CHECK_STATUSES, type CheckStatus, type HealthCheckResult } from '../interfaces/health-status.interface.js';
import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';
import { RouteEndpointDto } from './route-endpoint.dto.js';

/** One check in a report. @publicApi */
export class HealthCheckResultDto implements HealthCheckResult {
  status!: CheckStatus;
  critical!: boolean;
  durationMs!: number;
  checkedAt!: string;
  cached!: boolean;
  data?: Record<string, unknown>;
  message?: string;
  error?: string;
  routes?: RouteEndpointDto[];
  simulated?: true;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(HEALTH_CHECK_RESULT_PROPERTIES);
  }
}

export const HEALTH_CHECK_RESULT_PROPERTIES: OpenApiProperties<HealthCheckResultDto> = {
  status: { enum: [...CHECK_STATUSES], enumName: 'CheckStatus', description: 'Status of the check.', example: 'UP' },
  critical: { type: Boolean, description: 'A DOWN critical check makes the probe DOWN; a non-critical one only DEGRADED.', example: true },
  durationMs: { type: 'integer', minimum: 0, description: 'How long the run that produced this result took, in ms.', example: 3 },
  checkedAt: { type: String, format: 'date-time', description: 'When that run finished.', example: '2026-11-25T10:30:00.000Z' },
  cached: { type: Boolean, description: 'True when reused from the cache or the background refresh.', example: false },
  data: {
    type: 'object',
    additionalProperties: true,
    required: false,
    description: 'What the indicator measured.',
    example: { driver: 'postgres', database: 'orders', responseTimeMs: 2 },
  },
  message: {
    type: String,
    required: false,
    description: 'Why a check is DEGRADED, or why a failure has not yet made it DOWN.',
    example: 'heap used 600 MB is above 512 MB',
  },
  error: { type: String, required: false, description: 'Why the check is DOWN. Credentials are redacted.', example: 'timed out after 1000 ms' },
  routes: {
    type: [RouteEndpointDto],
    required: false,
    description: 'The routes that depend on the check (`@DependsOn()`); only for checks that have any, and only with details.',
  },
  simulated: {
    type: Boolean,
    enum: [true],
    required: false,
    description: 'Present (true) while the status comes from a simulation (HealthService.simulate, PUT {path}/checks/{name}/simulation), not from the check.',
    example: true,
  },
};
