/** Name of the `X-Health-Key` API-key security scheme in the OpenAPI document. @publicApi */
export const HEALTH_API_KEY_SCHEME = 'health-api-key';
/** Name of the `Authorization: Bearer` security scheme in the OpenAPI document. @publicApi */
export const HEALTH_BEARER_SCHEME = 'health-bearer';

/** A security scheme as `DocumentBuilder` takes it (a subset of OpenAPI's SecuritySchemeObject). */
export interface HealthSecurityScheme {
  type: 'apiKey' | 'http';
  in?: 'header';
  name?: string;
  scheme?: 'bearer';
  description?: string;
  [extension: `x-${string}`]: unknown;
}

/** The part of `@nestjs/swagger`'s `DocumentBuilder` this needs (it stays an optional peer). */
export interface SecuritySchemeBuilder<T> {
  addApiKey(options: HealthSecurityScheme, name: string): T;
  addBearerAuth(options: HealthSecurityScheme, name: string): T;
}

/**
 * Adds the health routes' security schemes (`X-Health-Key` header and `Authorization: Bearer`) to
 * a Swagger `DocumentBuilder`, so Swagger UI's "Authorize" unlocks details.
 *
 * @example addHealthApiKeyAuth(new DocumentBuilder().setTitle('orders')).build()
 * @publicApi
 */
export function addHealthApiKeyAuth<T extends SecuritySchemeBuilder<T>>(builder: T): T {
  return builder
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Health-Key', description: 'Health API key (`apiKey` option): unlocks details on the health routes.' },
      HEALTH_API_KEY_SCHEME,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The health API key as a bearer token.' }, HEALTH_BEARER_SCHEME);
}
