/**
 * Views of an OpenAPI document as the tests read it: the keys they look at, typed loosely
 * (`@nestjs/swagger` types every node as a schema-or-`$ref` union the tests would narrow at each step).
 */

/** A schema node: a component schema, a property, or an `allOf`/`$ref` wrapper. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  enum?: unknown[];
  description?: string;
  example?: unknown;
  required?: string[];
  properties: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
}

/** One representation of a response: its schema and its example(s). */
export interface MediaTypeView {
  schema?: Schema;
  example?: unknown;
  examples: Record<string, { value: unknown }>;
}

/** An operation: its responses per status, each with content per media type, and its security. */
export interface OperationView {
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { description?: string; content: Record<string, MediaTypeView> }>;
}
