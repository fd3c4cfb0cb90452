/**
 * The health routes: one row each, and the only place a route's name or path is written.
 *
 * Everything else loops over this table: the controller mounts each row, the probe server matches a
 * URL against it, the request handler answers a row with the function its `answer` names, access reads
 * its `details`, the options refuse group names that would read as a row's path, the report view names
 * its `subject`, and OpenAPI documents each row from its `openapi` entry.
 *
 * To add a route:
 * 1. add a row here (its `answer` names the handler function that answers it; a new kind of answer is a
 *    new key of `answers` in `handler/health-request.handler.ts`, which the compiler then asks for);
 * 2. that is all for the controller, the probe server, the 405s, access, the options and OpenAPI.
 * A route answering other methods than GET/HEAD lists them in `methods`.
 *
 * This file imports nothing, so every layer of the library may read it.
 */

/** A probe selector, as `HealthService.check()` takes it. */
type RouteProbe = 'liveness' | 'readiness' | 'startup' | 'all';

/** A key of the OpenAPI example reports (`dto/health-report.examples.ts`), with the summary to show when it differs. */
type ExampleKey = 'up' | 'degraded' | 'down' | 'starting' | 'shuttingDown';

/** One documented response of a route. */
export interface HealthRouteResponse {
  description: string;
  /** The example reports shown, by key; a string replaces the example's own summary. */
  examples: Partial<Record<ExampleKey, string | true>>;
}

/** How a route is documented in OpenAPI. */
export interface HealthRouteDocumentation {
  summary: string;
  /** The route in words; notes on `Accept` and on details are added by the documenting code. */
  description: string;
  /**
   * The schema of its JSON body: the status-only liveness body, the full report, one check's result; or an
   * operations route (`effectiveSettings`, `checkSimulation`), documented by `openapi/operations-openapi.ts`.
   */
  body: 'liveness' | 'report' | 'check' | 'effectiveSettings' | 'checkSimulation';
  ok: HealthRouteResponse;
  unavailable: HealthRouteResponse;
  /** The `:name` parameter; `names: 'configured-groups'` lists the configured group names when they are known. */
  param?: { description: string; example: string; names?: 'configured-groups' };
  unauthorized?: { description: string; message: string };
  notFound?: { description: string; message: string };
}

/** One route of the health controller and the probe server. */
export interface HealthRouteRow {
  /** The route's name: its controller method, the key of `routes.<name>` where it has one, the name a view carries. */
  name: string;
  /** Below the module's `path` (`''` is the module path itself); `:name` is the one parameter. */
  path: string;
  /** The function of the request handler that answers it. */
  answer: 'probe' | 'check' | 'group' | 'effectiveSettings' | 'checkSimulation';
  /** The probe it evaluates (`answer: 'probe'`). */
  probe?: RouteProbe;
  /**
   * Who decides whether it shows details: `never` (liveness), `route` (`routes.<name>.details`, else `details`),
   * `group` (the group's own `details`, else `details`), `as-check` (as `/checks/:name`: `routes.checks.details`, else
   * `details`), or `own-key` (no details policy: the route has a key of its own, `simulation.apiKey`).
   */
  details: 'never' | 'route' | 'group' | 'as-check' | 'own-key';
  /** An answer needs authorization (401 without it) unless the policy is `always`. */
  requiresAuthorization?: boolean;
  /** `?exclude=` is read (only from callers who may see details). */
  exclude: boolean;
  /** What the answer is about, in words (`{name}` is the path parameter): the text and HTML pages name it. */
  subject: string;
  /** The methods it answers; the others get 405. @default ['GET', 'HEAD'] */
  methods?: readonly string[];
  openapi: HealthRouteDocumentation;
}

const ACCEPTS_DETAILS_KEY =
  'Needs authorization (`X-Health-Key` or `Authorization: Bearer`) unless `details` is `always`: 401 otherwise, checked before the name.';

export const HEALTH_ROUTES = [
  {
    name: 'live',
    path: 'live',
    answer: 'probe',
    probe: 'liveness',
    details: 'never',
    exclude: false,
    subject: 'liveness',
    openapi: {
      summary: 'Liveness probe',
      description: 'Is the process alive? Runs only liveness indicators (none by default); never touches dependencies, never shows details.',
      body: 'liveness',
      ok: { description: 'UP', examples: { up: 'UP' } },
      unavailable: { description: 'DOWN', examples: { down: 'DOWN: a liveness check failed or liveness was set broken' } },
    },
  },
  {
    name: 'ready',
    path: 'ready',
    answer: 'probe',
    probe: 'readiness',
    details: 'route',
    exclude: true,
    subject: 'readiness',
    openapi: {
      summary: 'Readiness probe',
      description: 'May the instance take traffic? Runs readiness indicators. 503 when a critical check is DOWN, while starting and while draining.',
      body: 'report',
      ok: { description: 'UP or DEGRADED', examples: { up: true, degraded: true } },
      unavailable: { description: 'DOWN, STARTING or SHUTTING_DOWN', examples: { down: true, starting: true, shuttingDown: true } },
    },
  },
  {
    name: 'startup',
    path: 'startup',
    answer: 'probe',
    probe: 'startup',
    details: 'route',
    exclude: true,
    subject: 'startup',
    openapi: {
      summary: 'Startup probe',
      description: 'Has the app finished starting? Runs startup indicators until they pass once, then stays UP.',
      body: 'report',
      ok: { description: 'UP or DEGRADED', examples: { up: true } },
      unavailable: { description: 'DOWN, STARTING or SHUTTING_DOWN', examples: { down: true, starting: true } },
    },
  },
  {
    name: 'report',
    path: '',
    answer: 'probe',
    probe: 'all',
    details: 'route',
    exclude: true,
    subject: 'health',
    openapi: {
      summary: 'Full health report',
      description: 'Runs every indicator and reports each with service info.',
      body: 'report',
      ok: { description: 'UP or DEGRADED', examples: { up: true, degraded: true } },
      unavailable: { description: 'DOWN, STARTING or SHUTTING_DOWN', examples: { down: true, shuttingDown: true } },
    },
  },
  {
    name: 'checks',
    path: 'checks/:name',
    answer: 'check',
    details: 'route',
    requiresAuthorization: true,
    exclude: false,
    subject: '{name}',
    openapi: {
      summary: 'One check',
      description: `Runs one indicator by name. ${ACCEPTS_DETAILS_KEY}`,
      body: 'check',
      ok: { description: 'The check is UP or DEGRADED', examples: { up: 'UP' } },
      unavailable: { description: 'The check is DOWN', examples: { down: 'DOWN' } },
      param: { description: 'Check name', example: 'database' },
      unauthorized: {
        description: 'No valid key (and `details` is not `always`)',
        message: 'A check needs authorization: send X-Health-Key or Authorization: Bearer',
      },
      notFound: { description: 'No check has that name', message: 'No health check named "paymnts"; known checks: database, memory, payments' },
    },
  },
  {
    name: 'groups',
    path: 'groups/:name',
    answer: 'group',
    details: 'group',
    exclude: true,
    subject: 'group {name}',
    openapi: {
      summary: 'Health group',
      description:
        "Runs the checks of one group (`groups.<name>`: check names and `tag:<tag>` selectors) and reports them like the full report, with the group's own `details` and `httpStatus` when set. An unknown name is a 404 (the configured names are listed only to an authorized caller).",
      body: 'report',
      ok: { description: 'UP or DEGRADED', examples: { up: true, degraded: true } },
      unavailable: { description: 'DOWN, STARTING or SHUTTING_DOWN', examples: { down: true, starting: true, shuttingDown: true } },
      param: { description: 'Group name', example: 'payments', names: 'configured-groups' },
      notFound: { description: 'No group has that name', message: 'No health group named "paymnts"; known groups: payments, edge' },
    },
  },
  {
    name: 'settings',
    path: 'settings',
    answer: 'effectiveSettings',
    details: 'as-check',
    requiresAuthorization: true,
    exclude: false,
    subject: 'settings',
    openapi: {
      summary: 'Effective settings',
      description:
        "The module's effective, non-secret settings: where the probes are served (path, port, gRPC port), each probe's checks, each check's timeout, refresh, TTL, critical, probes and thresholds, the startup gate with the measured bootstrap, drain delay, shutdown timeout and groups. `nest-vitals k8s check --url` reads it. Needs authorization as `/checks/{name}`: 401 otherwise.",
      body: 'effectiveSettings',
      ok: { description: 'The settings (JSON; `text/plain` gives `key: value` lines)', examples: {} },
      unavailable: { description: 'Not answered: the settings are served whatever the status', examples: {} },
      unauthorized: {
        description: 'No valid key (and `details` is not `always`)',
        message: 'The settings need authorization: send X-Health-Key or Authorization: Bearer',
      },
    },
  },
  {
    name: 'simulation',
    path: 'checks/:name/simulation',
    answer: 'checkSimulation',
    details: 'own-key',
    exclude: false,
    subject: 'simulation of {name}',
    methods: ['PUT', 'DELETE'],
    openapi: {
      summary: 'Simulate a check result',
      description:
        'PUT makes the check report `status` (with `error` as its reason) until `ttlMs` has passed or DELETE ends it: probes, groups, route fail-fast, metrics (`simulated="true"`), gRPC and logs see it as a real result, marked `simulated`. Served only with `simulation: { enabled: true, apiKey }` (404 otherwise); needs `X-Health-Key: <simulation.apiKey>` (401 otherwise).',
      body: 'checkSimulation',
      ok: { description: 'The simulation in force (PUT), or whether one was ended (DELETE)', examples: {} },
      unavailable: { description: 'Not answered', examples: {} },
      param: { description: 'Check name', example: 'database' },
      unauthorized: { description: 'No valid simulation key', message: 'A simulation needs the simulation key: send X-Health-Key: <simulation.apiKey>' },
      notFound: {
        description: 'Simulation is off, or no check has that name',
        message: 'Simulation is off: set simulation: { enabled: true, apiKey } in the HealthModule options to serve this route',
      },
    },
  },
] as const satisfies readonly HealthRouteRow[];

/** The name of a health route. */
export type HealthRouteName = (typeof HEALTH_ROUTES)[number]['name'];

/** The routes whose details policy is set per route (`routes.<name>.details`). */
export type DetailsRouteName = Extract<(typeof HEALTH_ROUTES)[number], { details: 'route' }>['name'];

/** The methods a route answers when its row lists none. */
export const READ_METHODS: readonly string[] = ['GET', 'HEAD'];

/** The methods a row answers. */
export function methodsOf(route: HealthRouteRow): readonly string[] {
  return route.methods ?? READ_METHODS;
}

const ROUTE_BY_NAME = new Map<string, HealthRouteRow>(HEALTH_ROUTES.map((route) => [route.name, route]));

/** The row of a route name. */
export function routeNamed(name: HealthRouteName): HealthRouteRow {
  return ROUTE_BY_NAME.get(name)!;
}

/** The names of the routes whose details are set per route (`routes.<name>.details`), in table order. */
export const DETAILS_ROUTES: DetailsRouteName[] = HEALTH_ROUTES.filter(
  (route): route is Extract<(typeof HEALTH_ROUTES)[number], { details: 'route' }> => route.details === 'route',
).map((route) => route.name);

/** First path segments of the routes: a group named like one would read as that route. */
export const RESERVED_GROUP_NAMES: readonly string[] = [...new Set(HEALTH_ROUTES.map((route) => route.path.split('/')[0]).filter(Boolean))];

/** A row with the values of its path parameters. */
export interface MatchedHealthRoute {
  route: HealthRouteRow;
  params: Record<string, string>;
}

const PATTERNS = HEALTH_ROUTES.map((route): { route: HealthRouteRow; segments: string[] } => ({
  route,
  segments: route.path === '' ? [] : route.path.split('/'),
}));

/**
 * The row a path below the module's `path` names (`''`, `'/'`, `'/live'`, `'/checks/<percent-encoded name>'`),
 * for a door without a router of its own (the probe server). A parameter is percent-decoded; it never holds `/`.
 */
export function matchHealthRoute(path: string): MatchedHealthRoute | undefined {
  if (path !== '' && !path.startsWith('/')) return undefined;
  const segments = path === '' || path === '/' ? [] : path.slice(1).split('/');
  for (const pattern of PATTERNS) {
    if (pattern.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.segments.every((expected, index) => {
      const actual = segments[index];
      if (!expected.startsWith(':')) return actual === expected;
      if (actual === '') return false;
      params[expected.slice(1)] = decodeSegment(actual);
      return true;
    });
    if (matches) return { route: pattern.route, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The subject of a route in words, with its parameter filled in (`group payments`, `database`). */
export function subjectOfRoute(route: HealthRouteRow, name: string | undefined): string {
  return route.subject.replace('{name}', name ?? '').trim() || 'check';
}
