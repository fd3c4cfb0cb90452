/** The representations a health route can answer with. */
export type HealthFormat = 'json' | 'health-json' | 'text' | 'html';

/** Media type of each format, in the server's order of preference when the client has none. */
export const FORMAT_MEDIA_TYPES: readonly [HealthFormat, string][] = [
  ['json', 'application/json'],
  ['health-json', 'application/health+json'],
  ['text', 'text/plain'],
  ['html', 'text/html'],
];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  position: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part, position) => {
      const [mediaType = '', ...parameters] = part.split(';').map((piece) => piece.trim());
      const [type, subtype] = mediaType.toLowerCase().split('/');
      const qParameter = parameters.find((parameter) => /^q\s*=/i.test(parameter));
      const q = qParameter === undefined ? 1 : Number(qParameter.replace(/^q\s*=\s*/i, ''));
      return { type: type ?? '', subtype: subtype ?? '', q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0, position };
    })
    .filter((range) => range.type !== '' && range.subtype !== '');
}

/** 2 for an exact match, 1 for `type/*`, 0 for `*\/*`, -1 for no match. */
function specificity(range: MediaRange, mediaType: string): number {
  const [type, subtype] = mediaType.split('/');
  if (range.type === '*' && range.subtype === '*') return 0;
  if (range.type !== type) return -1;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : -1;
}

/**
 * Picks the representation for an `Accept` header (RFC 9110 §12.5.1): the most specific range
 * decides each format's quality; the best quality wins, then the more specific and earlier range,
 * then the server's order. Absent, `*\/*`, or naming nothing we speak: JSON — never a 406.
 */
export function negotiateFormat(accept: string | string[] | undefined): HealthFormat {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header) return 'json';
  const ranges = parseAccept(header);
  let best: { format: HealthFormat; q: number; specificity: number; position: number } | undefined;
  for (const [format, mediaType] of FORMAT_MEDIA_TYPES) {
    let match: { q: number; specificity: number; position: number } | undefined;
    for (const range of ranges) {
      const rank = specificity(range, mediaType);
      if (rank < 0) continue;
      if (!match || rank > match.specificity || (rank === match.specificity && range.q > match.q)) {
        match = { q: range.q, specificity: rank, position: range.position };
      }
    }
    if (!match || match.q <= 0) continue;
    const better =
      !best ||
      match.q > best.q ||
      (match.q === best.q && (match.specificity > best.specificity || (match.specificity === best.specificity && match.position < best.position)));
    if (better) best = { format, ...match };
  }
  return best?.format ?? 'json';
}
