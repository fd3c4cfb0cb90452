import { matchHealthRoute, methodsOf, type HealthRouteRow } from './health-routes.js';

/**
 * Methods some door routes on the health paths: GET and HEAD answer, the others `405` with `Allow`. Any other
 * method (`OPTIONS`, `TRACE`, `PROPFIND`, ...) is no route, `404`, on both doors: the in-app routes are the app
 * router's, which routes no other method (and leaves `OPTIONS` to the app's CORS handling).
 */
export const ROUTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The path of a request target, in origin form: the query and fragment cut, and an absolute-form target
 * (`GET http://host:9000/health/ready HTTP/1.1`, as a proxy sends it) reduced to its path, as Express and
 * Fastify read it.
 */
export function targetPath(target: string): string {
  let path = target;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(path);
  if (scheme) {
    const slash = path.indexOf('/', scheme[0].length);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

/**
 * Whether a request target spells the route exactly: its last segments are the module's `path` and the route's
 * static segments, byte for byte (any case other than theirs, or a percent-encoded letter, is another path).
 * Routers differ here (Express matches case-insensitively, Fastify decodes `%72eady`); the health routes answer
 * only their own spelling, on both doors. One trailing slash is ignored, as the probe server and Express do.
 */
export function spellsRoute(target: string, mountPath: string, routePath: string): boolean {
  let path = targetPath(target);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const expected = [...mountPath.split('/'), ...routePath.split('/')].filter(Boolean);
  const segments = path.split('/');
  const tail = segments.slice(segments.length - expected.length);
  if (segments.length - 1 < expected.length) return false;
  return expected.every((segment, index) => segment.startsWith(':') || tail[index] === segment);
}

/**
 * The route a request names whose method it does not answer (a `405`), for a door that routed it by a wildcard
 * below the module's `path` (the in-app refusals): `below` is how many segments the wildcard matched. `undefined`
 * when the method is none a door routes, when the route answers it, or when no route is spelled exactly there.
 */
export function refusedRoute(method: string, target: string, mountPath: string, below: number): HealthRouteRow | undefined {
  const verb = method.toUpperCase();
  if (!ROUTED_METHODS.includes(verb)) return undefined;
  let path = targetPath(target);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const segments = path.split('/');
  if (below > segments.length - 1) return undefined;
  const matched = matchHealthRoute(below === 0 ? '' : `/${segments.slice(segments.length - below).join('/')}`);
  if (!matched || methodsOf(matched.route).includes(verb) || !spellsRoute(target, mountPath, matched.route.path)) return undefined;
  return matched.route;
}
