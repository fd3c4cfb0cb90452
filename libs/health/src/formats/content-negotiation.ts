import Negotiator from 'negotiator';
import { DEFAULT_REPRESENTATION, HEALTH_REPRESENTATIONS, type HealthRepresentation } from './health-formats.js';

/** The name of a representation a health route can answer with (`json`, `health-json`, `text`, `html`). */
export type HealthFormat = string;

const AVAILABLE = HEALTH_REPRESENTATIONS.map((representation) => representation.mediaType);
const BY_MEDIA_TYPE = new Map(HEALTH_REPRESENTATIONS.map((representation) => [representation.mediaType, representation]));

/**
 * Picks the representation for an `Accept` header with `negotiator` (RFC 9110 §12.5.1). Parameters
 * other than `q` (such as `charset`) are ignored: each format has one. Absent, `*\/*`, or naming
 * nothing we speak: the default (JSON) — never a 406.
 */
export function negotiateRepresentation(accept: string | string[] | undefined): HealthRepresentation {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header) return DEFAULT_REPRESENTATION;
  // Probes send the same few headers again and again: each is negotiated once.
  let representation = NEGOTIATED.get(header);
  if (representation === undefined) {
    representation = negotiate(header);
    if (NEGOTIATED.size >= MAX_NEGOTIATED) NEGOTIATED.clear();
    NEGOTIATED.set(header, representation);
  }
  return representation;
}

/** `Accept` headers already negotiated (bounded: a header is anything a client sends). */
const NEGOTIATED = new Map<string, HealthRepresentation>();
const MAX_NEGOTIATED = 100;

function negotiate(header: string): HealthRepresentation {
  const withoutParameters = header
    .split(',')
    .map((range) => {
      const [mediaType = '', ...parameters] = range.split(';');
      return [mediaType, ...parameters.filter((parameter) => /^\s*q\s*=/i.test(parameter))].join(';');
    })
    .join(',');
  const mediaType = new Negotiator({ headers: { accept: withoutParameters } }).mediaType(AVAILABLE);
  return (mediaType && BY_MEDIA_TYPE.get(mediaType)) || DEFAULT_REPRESENTATION;
}

/** The name of the representation for an `Accept` header. */
export function negotiateFormat(accept: string | string[] | undefined): HealthFormat {
  return negotiateRepresentation(accept).name;
}
