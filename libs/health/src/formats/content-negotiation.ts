import Negotiator from 'negotiator';

/** The representations a health route can answer with. */
export type HealthFormat = 'json' | 'health-json' | 'text' | 'html';

/** Media type of each format, in the server's order of preference when the client has none. */
const FORMAT_MEDIA_TYPES: readonly [HealthFormat, string][] = [
  ['json', 'application/json'],
  ['health-json', 'application/health+json'],
  ['text', 'text/plain'],
  ['html', 'text/html'],
];

const AVAILABLE = FORMAT_MEDIA_TYPES.map(([, mediaType]) => mediaType);
const FORMAT_OF_MEDIA_TYPE = new Map(FORMAT_MEDIA_TYPES.map(([format, mediaType]) => [mediaType, format]));

/**
 * Picks the representation for an `Accept` header with `negotiator` (RFC 9110 §12.5.1). Parameters
 * other than `q` (such as `charset`) are ignored: each format has one. Absent, `*\/*`, or naming
 * nothing we speak: JSON — never a 406.
 */
export function negotiateFormat(accept: string | string[] | undefined): HealthFormat {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header) return 'json';
  const withoutParameters = header
    .split(',')
    .map((range) => {
      const [mediaType = '', ...parameters] = range.split(';');
      return [mediaType, ...parameters.filter((parameter) => /^\s*q\s*=/i.test(parameter))].join(';');
    })
    .join(',');
  const mediaType = new Negotiator({ headers: { accept: withoutParameters } }).mediaType(AVAILABLE);
  return (mediaType && FORMAT_OF_MEDIA_TYPE.get(mediaType)) || 'json';
}
