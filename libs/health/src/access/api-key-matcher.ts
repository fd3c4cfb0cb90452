import { createHash, timingSafeEqual } from 'node:crypto';

/** Header that carries a health API key, besides `Authorization: Bearer …`. */
export const API_KEY_HEADER = 'x-health-key';

type HeaderValue = string | string[] | undefined;

/** SHA-256 makes every key 32 bytes, so the comparison takes as long whatever the length of either side. */
function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function firstValue(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The keys a request presents: `X-Health-Key: <key>` and/or `Authorization: Bearer <key>`.
 * Header names are lower case in Node (Express and Fastify alike).
 */
export function presentedApiKeys(headers: Record<string, HeaderValue> | undefined): string[] {
  if (!headers) return [];
  const keys: string[] = [];
  const headerKey = firstValue(headers[API_KEY_HEADER])?.trim();
  if (headerKey) keys.push(headerKey);
  const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(firstValue(headers.authorization) ?? '');
  if (bearer?.[1]) keys.push(bearer[1]);
  return keys;
}

/**
 * Compares presented keys with the configured ones in constant time: both sides are hashed to
 * fixed-length digests and compared with `crypto.timingSafeEqual`, and every configured key is
 * compared every time (no early exit), so neither the position of a match, the length of a key
 * nor the number of matching leading characters shows in the response time.
 */
export class ApiKeyMatcher {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  matches(presented: readonly string[]): boolean {
    let matched = false;
    for (const candidate of presented) {
      const candidateDigest = digest(candidate);
      for (const expected of this.digests) {
        // Evaluated first on purpose: every comparison runs even after a match.
        matched = timingSafeEqual(candidateDigest, expected) || matched;
      }
    }
    return matched;
  }
}
