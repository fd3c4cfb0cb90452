import { HEALTH_STATUSES, type HealthReport, type HealthStatus } from '../interfaces/health-status.interface.js';
import { HealthCheckResultDto } from './health-check-result.dto.js';
import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';
import { ServiceInfoDto } from './service-info.dto.js';

/** A probe's or the full report's answer. @publicApi */
export class HealthReportDto implements HealthReport {
  status!: HealthStatus;
  reason?: string;
  details?: Record<string, HealthCheckResultDto>;
  serviceInfo?: ServiceInfoDto;
  notes?: string[];

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(HEALTH_REPORT_PROPERTIES);
  }
}

export const HEALTH_REPORT_PROPERTIES: OpenApiProperties<HealthReportDto> = {
  status: {
    enum: [...HEALTH_STATUSES],
    enumName: 'HealthStatus',
    description:
      'DOWN if a critical check is DOWN; DEGRADED if a check is DEGRADED or a non-critical one DOWN; else UP. Readiness is STARTING before startup completes and SHUTTING_DOWN while draining.',
    example: 'UP',
  },
  reason: { type: String, required: false, description: 'Why the status is what it is when no check explains it.', example: 'received SIGTERM; draining' },
  details: (schemaPath) => ({
    type: 'object',
    required: false,
    additionalProperties: { $ref: schemaPath(HealthCheckResultDto) },
    description: 'One entry per check, keyed by check name. Shown to authorized callers only.',
  }),
  serviceInfo: { type: () => ServiceInfoDto, required: false, description: 'Service name, version, environment and uptime.' },
  notes: { type: [String], required: false, description: 'Remarks about the request, such as excluded names that match no check.' },
};

/** The liveness answer: status only, never details. @publicApi */
export class LivenessReportDto {
  status!: HealthStatus;
  reason?: string;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(LIVENESS_REPORT_PROPERTIES);
  }
}

export const LIVENESS_REPORT_PROPERTIES: OpenApiProperties<LivenessReportDto> = {
  status: {
    enum: [...HEALTH_STATUSES],
    enumName: 'HealthStatus',
    description: 'UP unless a liveness check is DOWN or liveness was set broken.',
    example: 'UP',
  },
  reason: { type: String, required: false, description: 'Why liveness is DOWN when set broken by the app.', example: 'deadlock detected in worker pool' },
};

/** The error body of `/checks/:name` (404 unknown check, 401 unauthorized). @publicApi */
export class HealthErrorDto {
  statusCode!: number;
  message!: string;
  error!: string;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(HEALTH_ERROR_PROPERTIES);
  }
}

export const HEALTH_ERROR_PROPERTIES: OpenApiProperties<HealthErrorDto> = {
  statusCode: { type: 'integer', example: 404 },
  message: { type: String, example: 'No health check named "paymnts"; known checks: database, memory, payments' },
  error: { type: String, example: 'Not Found' },
};
