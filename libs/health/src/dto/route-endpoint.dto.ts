import type { RouteEndpoint } from '../interfaces/route-endpoint.interface.js';
import { openApiMetadata, type OpenApiProperties } from './openapi-property.js';

/** A route that depends on a check (`@DependsOn()`), as the JSON report lists it under the check's `routes`. @publicApi */
export class RouteEndpointDto implements RouteEndpoint {
  method!: string;
  path!: string;
  failFast!: boolean;

  /** Read by `@nestjs/swagger` when it builds a document (its CLI plugin's hook). */
  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata(ROUTE_ENDPOINT_PROPERTIES);
  }
}

export const ROUTE_ENDPOINT_PROPERTIES: OpenApiProperties<RouteEndpointDto> = {
  method: { type: String, description: 'HTTP method (`ALL` for `@All()`), or `GRPC` for a gRPC handler.', example: 'POST' },
  path: { type: String, description: 'The full path the app serves (global prefix and URI version included), or `Service/Method`.', example: '/api/v1/orders' },
  failFast: { type: Boolean, description: 'Whether the route answers 503 while this check is DOWN.', example: true },
};
