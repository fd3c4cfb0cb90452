/**
 * OpenAPI documentation of a DTO field, kept beside the DTO. `@nestjs/swagger` (an optional peer) reads
 * it through the DTO's static `_OPENAPI_METADATA_FACTORY`, the hook its CLI plugin uses, so nothing is
 * imported from Swagger and no prototype is decorated by this package.
 */
export type OpenApiProperty = Record<string, unknown> & { required?: boolean };

/** Every field of a DTO documented; `schemaPath` resolves a `$ref` to another DTO. */
export type OpenApiProperties<T> = {
  [K in keyof Required<T>]: OpenApiProperty | ((schemaPath: (model: { name: string }) => string) => OpenApiProperty);
};

/** Where Swagger puts a DTO's schema (what its `getSchemaPath` returns). */
export function schemaPath(model: { name: string }): string {
  return `#/components/schemas/${model.name}`;
}

/** The metadata `_OPENAPI_METADATA_FACTORY` returns: each field resolved, required unless it says otherwise. */
export function openApiMetadata<T>(properties: OpenApiProperties<T>): Record<string, OpenApiProperty> {
  return Object.fromEntries(
    Object.entries(properties as Record<string, OpenApiProperty | ((path: typeof schemaPath) => OpenApiProperty)>).map(([key, property]) => [
      key,
      { required: true, ...(typeof property === 'function' ? property(schemaPath) : property) },
    ]),
  );
}
