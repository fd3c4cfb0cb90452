import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';

/** The 503 body of a route that fails fast while a check it depends on (`@DependsOn()`) is DOWN. @publicApi */
export class DependencyUnavailableDto {
  statusCode!: number;
  error!: string;
  message!: string;
  check!: string;
  retryAfterSeconds!: number;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(DEPENDENCY_UNAVAILABLE_PROPERTIES);
  }
}

export const DEPENDENCY_UNAVAILABLE_PROPERTIES: OpenApiProperties<DependencyUnavailableDto> = {
  statusCode: { type: 'integer', description: 'Always 503.', example: 503 },
  error: { type: String, description: 'The reason phrase.', example: 'Service Unavailable' },
  message: {
    type: String,
    description: 'The route and the check it waits for.',
    example: 'POST /orders depends on "payments", which is DOWN; retry after 5 s',
  },
  check: { type: String, description: 'The check that is DOWN (the first one, when several are).', example: 'payments' },
  retryAfterSeconds: { type: 'integer', minimum: 1, description: 'Same as the Retry-After header: when the check runs again.', example: 5 },
};
