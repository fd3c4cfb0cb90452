/**
 * OpenAPI documentation of a DTO field, kept beside the DTO. It is applied with `@ApiProperty`
 * when `@nestjs/swagger` is installed (an optional peer), so the package works without it.
 */
export type OpenApiProperty = Record<string, unknown> & { required?: boolean };

/** Every field of a DTO documented; `schemaPath` resolves a `$ref` to another DTO. */
export type OpenApiProperties<T> = {
  [K in keyof Required<T>]: OpenApiProperty | ((schemaPath: (model: Function) => string) => OpenApiProperty);
};
