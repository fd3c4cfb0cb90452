/**
 * What an outbound check (`http`, `remote`) does when the server answers a redirect (301, 302, 303, 307, 308):
 * - `'follow'` (default): follows it, at most 5 times; the configured headers, API key and URL credentials go only
 *   to the configured origin (scheme, host and port), so a redirect to another origin is followed without them;
 * - `'same-origin'`: follows redirects within the configured origin only; a redirect to another origin is not
 *   followed and the check is DOWN, naming where it pointed;
 * - `'manual'`: never follows; the redirect answer itself is checked (e.g. `expectedStatus: 301`).
 * @publicApi
 */
export type RedirectPolicy = 'follow' | 'same-origin' | 'manual';

export const REDIRECT_POLICIES: readonly RedirectPolicy[] = ['follow', 'same-origin', 'manual'];
