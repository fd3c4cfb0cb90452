import type { ReportView } from './report-view.js';

/**
 * A representation of a report: how `Accept` names it, what it sends, and how OpenAPI documents it.
 * Rendering is a pure function of the view, so a representation cannot show what the view does not hold.
 */
export interface HealthRepresentation {
  /** Its name (`?` in logs, and what `negotiateFormat` returns). */
  name: string;
  /** The media type `Accept` asks for it by (`negotiator` matches ranges such as `text/*` against it). */
  mediaType: string;
  /** The `Content-Type` it is sent with. */
  contentType: string;
  /** Headers it is sent with besides the common ones. */
  headers?: Record<string, string>;
  render(view: ReportView): string;
  /**
   * Whether its status-only answer depends on nothing but the status, so it is made once and reused; `false` for
   * a representation that shows the time. @default true
   */
  reusable?: boolean;
  openapi: {
    /** Its schema, given the JSON schema of the route's report (`{ $ref }` of the route's DTO). */
    schema(reportSchema: Record<string, unknown>): Record<string, unknown>;
    /** How its documented examples are shown: each example report (parsed back by `parse`), or only the first as one text. */
    examples: 'each' | 'first';
    /** The example value OpenAPI shows for a rendered body. */
    parse(body: string): unknown;
  };
}
