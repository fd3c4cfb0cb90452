/*
 * The representations of a report, in the server's order of preference (the first is the default: also
 * for a missing `Accept`, `*\/*`, or one naming nothing listed here — never a 406).
 *
 * Adding a representation (a made-up `application/yaml` here) touches two files:
 *   1. `formats/yaml/yaml.format.ts`: a pure `renderYaml(view: ReportView): string` and its
 *      `yamlRepresentation: HealthRepresentation` (name, media type `Accept` names it by, content type, extra
 *      headers, and its OpenAPI schema and example style);
 *   2. here: one line in `HEALTH_REPRESENTATIONS`.
 * Negotiation, the request handler (headers, a failed render falling back to JSON) and the OpenAPI document
 * (one media type per representation on every route) loop over this list.
 */
import type { HealthRepresentation } from './health-representation.js';
import { healthJsonRepresentation } from './health-json/health-json.format.js';
import { htmlRepresentation } from './html/html.format.js';
import { jsonRepresentation } from './json/json.format.js';
import { textRepresentation } from './text/text.format.js';

export type { HealthRepresentation } from './health-representation.js';

export const HEALTH_REPRESENTATIONS: readonly HealthRepresentation[] = [jsonRepresentation, healthJsonRepresentation, textRepresentation, htmlRepresentation];

/** The default representation, and the one errors and failed renders are sent in. */
export const DEFAULT_REPRESENTATION = HEALTH_REPRESENTATIONS[0];
