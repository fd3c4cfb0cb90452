import type { HealthJsonCheck, HealthJsonReport, HealthJsonStatus } from '../formats/health-json/health-json.format.js';
import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';

const HEALTH_JSON_STATUSES: HealthJsonStatus[] = ['pass', 'warn', 'fail'];

/** One measurement in an `application/health+json` report (draft-inadarei-api-health-check). @publicApi */
export class HealthJsonCheckDto implements HealthJsonCheck {
  componentType!: string;
  observedValue!: number;
  observedUnit?: string;
  status!: HealthJsonStatus;
  time!: string;
  output?: string;
  affectedEndpoints?: string[];

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(HEALTH_JSON_CHECK_PROPERTIES);
  }
}

export const HEALTH_JSON_CHECK_PROPERTIES: OpenApiProperties<HealthJsonCheckDto> = {
  componentType: { type: String, description: '`datastore` (databases, caches), `system` (disk, memory, event loop) or `component`.', example: 'datastore' },
  observedValue: { type: Number, description: 'The measured value: the response time, or a numeric field of the check data.', example: 2 },
  observedUnit: {
    type: String,
    required: false,
    description: 'Unit of observedValue, from the data field suffix (`ms`, `s`, `MB`, `bytes`, `%`).',
    example: 'ms',
  },
  status: { enum: HEALTH_JSON_STATUSES, enumName: 'HealthJsonStatus', description: 'pass (UP), warn (DEGRADED) or fail (DOWN).', example: 'pass' },
  time: { type: String, format: 'date-time', description: 'When the check ran.', example: '2026-11-25T10:30:00.000Z' },
  output: {
    type: String,
    required: false,
    description: 'Why the check warns or fails; absent on pass. Credentials are redacted.',
    example: 'timed out after 1000 ms',
  },
  affectedEndpoints: {
    type: [String],
    required: false,
    description: 'The served paths of the routes that depend on the check (`@DependsOn()`).',
    example: ['/api/v1/orders'],
  },
};

/** The `application/health+json` representation (IETF draft-inadarei-api-health-check). @publicApi */
export class HealthJsonReportDto implements HealthJsonReport {
  status!: HealthJsonStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  output?: string;
  notes?: string[];
  checks?: Record<string, HealthJsonCheckDto[]>;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(HEALTH_JSON_REPORT_PROPERTIES);
  }
}

export const HEALTH_JSON_REPORT_PROPERTIES: OpenApiProperties<HealthJsonReportDto> = {
  status: {
    enum: HEALTH_JSON_STATUSES,
    enumName: 'HealthJsonStatus',
    description: 'pass (UP), warn (DEGRADED) or fail (DOWN, STARTING, SHUTTING_DOWN). The only field an unauthorized caller gets.',
    example: 'pass',
  },
  version: { type: String, required: false, description: 'Public (major) version of the service.', example: '1' },
  releaseId: { type: String, required: false, description: 'Full version of the service.', example: '1.4.2' },
  serviceId: { type: String, required: false, description: 'Service name.', example: 'orders' },
  description: { type: String, required: false, description: 'What was checked.', example: 'readiness of orders (production)' },
  output: { type: String, required: false, description: 'Why the status is warn or fail; absent on pass.', example: 'payments: timed out after 1000 ms' },
  notes: { type: [String], required: false, description: 'Remarks about the request, such as excluded names that match no check.' },
  checks: (schemaPath) => ({
    type: 'object',
    required: false,
    additionalProperties: { type: 'array', items: { $ref: schemaPath(HealthJsonCheckDto) } },
    description: 'Measurements keyed `name:measurement` (e.g. `database:responseTime`), each an array.',
  }),
};
