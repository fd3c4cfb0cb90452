import type { ServiceInfo } from '../interfaces/health-status.interface.js';
import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';

/** Service information in a detailed report. @publicApi */
export class ServiceInfoDto implements ServiceInfo {
  name!: string;
  version!: string;
  environment!: string;
  uptimeSeconds!: number;
  timestamp!: string;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(SERVICE_INFO_PROPERTIES);
  }
}

export const SERVICE_INFO_PROPERTIES: OpenApiProperties<ServiceInfoDto> = {
  name: { type: String, description: 'Service name (default: the app package.json name).', example: 'orders' },
  version: { type: String, description: 'Service version (default: the app package.json version).', example: '1.4.2' },
  environment: { type: String, description: 'Deployment environment (default: NODE_ENV).', example: 'production' },
  uptimeSeconds: { type: 'integer', description: 'Seconds since the process started.', example: 3600, minimum: 0 },
  timestamp: { type: String, format: 'date-time', description: 'When the report was made.', example: '2026-11-25T10:30:00.000Z' },
};
