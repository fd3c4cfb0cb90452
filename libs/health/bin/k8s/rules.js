// The rules `nest-vitals k8s check` applies to each container's probes, against the app's settings.

/**
 * @typedef {import('./manifests.js').Workload} Workload
 * @typedef {import('./manifests.js').KubeObject} KubeObject
 * @typedef {import('./app-settings.js').AppSettings} AppSettings
 * @typedef {{ rule: string, source: string, object: string, container: string, probe: string, what: string, fix: string }} Finding
 * @typedef {{ kind: 'probe', probe: 'liveness' | 'readiness' | 'startup' } | { kind: 'report' } | { kind: 'check', name: string } | { kind: 'group', name: string } | { kind: 'other' }} Target
 */

/** Every rule, by id, with what it guards against (the docs list the same). */
export const RULES = Object.freeze({
  'path-not-served': 'an httpGet probe path the app does not serve',
  'port-not-served': 'an httpGet or tcpSocket probe port the health routes are not served on',
  'named-port': 'a named probe port no container port has',
  timeout: 'timeoutSeconds × 1000 not above the slowest check timeout of the probed route',
  'liveness-dependencies': 'a liveness probe on a route that runs dependency checks',
  'startup-missing': 'no startupProbe, though readiness waits for bootstrap and startup checks',
  'startup-budget': 'a startup budget (initialDelaySeconds + failureThreshold × periodSeconds) under twice the measured startup',
  'termination-grace': 'terminationGracePeriodSeconds not above the drain delay / shutdown timeout (+ preStop sleep)',
  'readiness-drain': 'readiness unable to fail within the drain delay (periodSeconds × failureThreshold above it)',
  'grpc-port-not-served': 'a grpc probe port the gRPC health service is not served on',
  'grpc-service-not-served': 'a grpc probe service name the gRPC health service does not answer',
});

/** Kubernetes' defaults for a probe's fields. */
const PROBE_DEFAULTS = Object.freeze({ timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 0 });
const DEFAULT_GRACE_SECONDS = 30;
/** The startup budget must cover the measured startup this many times: a pod on a busy node starts slower. */
export const STARTUP_BUDGET_FACTOR = 2;

const PROBE_FIELDS = /** @type {const} */ (['startupProbe', 'livenessProbe', 'readinessProbe']);
/** @type {Record<string, 'liveness' | 'readiness' | 'startup'>} */
const PROBE_OF_FIELD = { startupProbe: 'startup', livenessProbe: 'liveness', readinessProbe: 'readiness' };
/** @type {Record<string, 'liveness' | 'readiness' | 'startup'>} */
const PROBE_OF_GRPC_SERVICE = { '': 'readiness', readiness: 'readiness', liveness: 'liveness', startup: 'startup' };

const int = (/** @type {unknown} */ value, /** @type {number} */ fallback) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const seconds = (/** @type {number} */ ms) => `${Math.round(ms) / 1000} s`;

/**
 * The route an httpGet path names, below the health path.
 * @param {string} rawPath
 * @param {AppSettings} settings
 * @returns {Target | undefined}
 */
export function targetOfPath(rawPath, settings) {
  const path = rawPath.split('?')[0].replace(/(.)\/+$/, '$1');
  const base = settings.http.path;
  for (const probe of /** @type {const} */ (['liveness', 'readiness', 'startup'])) {
    if (path === settings.probes[probe].path) return { kind: 'probe', probe };
  }
  if (path === base) return { kind: 'report' };
  if (path === `${base}/settings`) return { kind: 'other' };
  const named = path.startsWith(`${base}/`) ? /^(checks|groups)\/([^/]+)$/.exec(path.slice(base.length + 1)) : null;
  if (!named) return undefined;
  const name = decodeURIComponent(named[2]);
  if (named[1] === 'checks') return !settings.known || Object.hasOwn(settings.checks, name) ? { kind: 'check', name } : undefined;
  return !settings.known || Object.hasOwn(settings.groups, name) ? { kind: 'group', name } : undefined;
}

/**
 * The checks a target runs, and the slowest timeout among them (unknown names: the default timeout).
 * @param {Target} target
 * @param {AppSettings} settings
 * @returns {{ checks: string[], slowestMs: number }}
 */
function checksOf(target, settings) {
  const known = (/** @type {string[]} */ names) => ({
    checks: names,
    slowestMs: names.reduce((slowest, name) => Math.max(slowest, settings.checks[name]?.timeoutMs ?? 0), 0),
  });
  if (target.kind === 'probe') return { checks: settings.probes[target.probe].checks, slowestMs: settings.probes[target.probe].slowestCheckTimeoutMs };
  if (!settings.known) {
    if (target.kind === 'other') return { checks: [], slowestMs: 0 };
    return { checks: ['(every check)'], slowestMs: settings.probes.readiness.slowestCheckTimeoutMs };
  }
  if (target.kind === 'report') return known(Object.keys(settings.checks));
  if (target.kind === 'check') return known([target.name]);
  if (target.kind === 'group') return known(settings.groups[target.name]?.checks ?? []);
  return { checks: [], slowestMs: 0 };
}

/** The sleep of a preStop hook, in ms: `sleep: { seconds }` or an exec `sleep N`. */
function preStopSleepMs(/** @type {KubeObject} */ container) {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return 0;
  if (typeof preStop.sleep?.seconds === 'number') return preStop.sleep.seconds * 1000;
  const command = Array.isArray(preStop.exec?.command) ? preStop.exec.command.join(' ') : '';
  const match = /\bsleep\s+(\d+(?:\.\d+)?)\b/.exec(command);
  return match ? Number(match[1]) * 1000 : 0;
}

/**
 * Checks every workload's containers. Containers are those named in `containers`, else every one with a probe.
 * @param {Workload[]} workloads
 * @param {AppSettings} settings
 * @param {{ containers?: string[] }} [options]
 * @returns {Finding[]}
 */
export function checkWorkloads(workloads, settings, options = {}) {
  /** @type {Finding[]} */
  const findings = [];
  for (const workload of workloads) {
    const object = `${workload.kind}/${workload.namespace ? `${workload.namespace}/` : ''}${workload.name}`;
    const containers = /** @type {KubeObject[]} */ (workload.podSpec.containers).filter((container) =>
      options.containers?.length ? options.containers.includes(container.name) : PROBE_FIELDS.some((field) => container[field]),
    );
    for (const container of containers) {
      const report = (/** @type {string} */ rule, /** @type {string} */ probe, /** @type {string} */ what, /** @type {string} */ fix) =>
        findings.push({ rule, source: workload.source, object, container: String(container.name ?? '(unnamed)'), probe, what, fix });
      checkContainer(workload.podSpec, container, settings, report);
    }
  }
  return findings;
}

/**
 * @param {KubeObject} podSpec
 * @param {KubeObject} container
 * @param {AppSettings} settings
 * @param {(rule: string, probe: string, what: string, fix: string) => void} report
 */
function checkContainer(podSpec, container, settings, report) {
  const ports = Array.isArray(container.ports) ? container.ports : [];
  const drainMs = settings.shutdown.drainDelayMs;
  /** @type {Partial<Record<string, Target | undefined>>} */
  const targets = {};

  for (const field of PROBE_FIELDS) {
    const probe = container[field];
    if (!probe || typeof probe !== 'object') continue;
    const handler = probe.httpGet ? 'httpGet' : probe.grpc ? 'grpc' : probe.tcpSocket ? 'tcpSocket' : undefined;
    if (!handler) continue;
    const spec = probe[handler];

    // The port, a number or a container port's name.
    /** @type {number | undefined} */
    let port;
    if (typeof spec.port === 'string' && !/^\d+$/.test(spec.port)) {
      const named = ports.find((/** @type {KubeObject} */ entry) => entry.name === spec.port);
      if (named) port = named.containerPort;
      else {
        const names = ports.map((/** @type {KubeObject} */ entry) => entry.name).filter(Boolean);
        report(
          'named-port',
          field,
          `${handler}.port "${spec.port}" names no port of the container (named ports: ${names.length ? names.join(', ') : 'none'})`,
          `use one of the container's port names or a number, or add { name: ${spec.port}, containerPort: <port> } to its ports`,
        );
      }
    } else port = Number(spec.port);

    /** @type {Target | undefined} */
    let target;
    if (handler === 'httpGet') {
      const path = typeof spec.path === 'string' ? spec.path : '/';
      target = targetOfPath(path, settings);
      if (!target) {
        const expected = settings.probes[PROBE_OF_FIELD[field]].path;
        report(
          'path-not-served',
          field,
          `httpGet.path ${path} is not a route the app serves (health routes under ${settings.http.path})`,
          `set httpGet.path to ${expected}`,
        );
      }
      if (port !== undefined && !servesHttp(port, settings, ports)) {
        report(
          'port-not-served',
          field,
          `httpGet.port ${spec.port} (${port}) is not the port the health routes are served on (${describeHttpPort(settings)})`,
          `set httpGet.port to ${settings.http.port ?? 'the port of the health routes'}`,
        );
      }
    } else if (handler === 'grpc') {
      const service = typeof spec.service === 'string' ? spec.service : '';
      const grpc = settings.grpc;
      if (!grpc) {
        if (settings.known)
          report(
            'grpc-port-not-served',
            field,
            'a grpc probe, but the app serves no gRPC health service',
            'set the grpc option ({ port }) in HealthModule.forRoot, or use httpGet on the health routes',
          );
      } else {
        if (port !== undefined && grpc.port !== undefined && port !== grpc.port) {
          report('grpc-port-not-served', field, `grpc.port ${port} is not the port of the gRPC health service (${grpc.port})`, `set grpc.port to ${grpc.port}`);
        }
        // Attached to the app's own gRPC server, it also answers the app's service names, which /settings cannot list.
        if (settings.known && !grpc.attached && !grpc.services.includes(service)) {
          report(
            'grpc-service-not-served',
            field,
            `grpc.service "${service}" is not a service the gRPC health service answers`,
            `set grpc.service to "${PROBE_OF_FIELD[field]}" (answered: ${grpc.services.map((name) => JSON.stringify(name)).join(', ')})`,
          );
        }
      }
      const probeOfService = Object.hasOwn(PROBE_OF_GRPC_SERVICE, service) ? PROBE_OF_GRPC_SERVICE[service] : undefined;
      if (probeOfService) target = { kind: 'probe', probe: probeOfService };
      else if (service.startsWith('group:')) target = { kind: 'group', name: service.slice('group:'.length) };
      else if (!settings.known || grpc?.services.includes(service)) target = { kind: 'check', name: service };
    } else if (port !== undefined && !servesHttp(port, settings, ports) && port !== settings.grpc?.port) {
      report(
        'port-not-served',
        field,
        `tcpSocket.port ${spec.port} (${port}) is not a port the app serves health on (${describeHttpPort(settings)})`,
        `probe ${settings.probes[PROBE_OF_FIELD[field]].path} with httpGet instead`,
      );
    }
    targets[field] = target;
    if (!target) continue;

    const { checks, slowestMs } = checksOf(target, settings);
    const timeoutSeconds = int(probe.timeoutSeconds, PROBE_DEFAULTS.timeoutSeconds);
    if (timeoutSeconds * 1000 <= slowestMs) {
      report(
        'timeout',
        field,
        `timeoutSeconds ${timeoutSeconds} (${timeoutSeconds * 1000} ms) is not above the slowest check timeout of what it probes (${slowestMs} ms): the kubelet gives up before the app can answer DOWN with a reason`,
        `set timeoutSeconds to ${Math.floor(slowestMs / 1000) + 1}`,
      );
    }
    if (field === 'livenessProbe' && !(target.kind === 'probe' && target.probe === 'liveness')) {
      const liveness = new Set(settings.probes.liveness.checks);
      const dependencies = checks.filter((name) => !liveness.has(name));
      if (dependencies.length > 0 || (!settings.known && target.kind !== 'other')) {
        const shown = dependencies.length ? dependencies.join(', ') : 'dependency checks';
        report(
          'liveness-dependencies',
          field,
          `liveness probes a route that runs ${shown}: an outage of a dependency would restart every pod`,
          handler === 'grpc' ? 'set grpc.service to "liveness"' : `set httpGet.path to ${settings.probes.liveness.path}`,
        );
      }
    }
  }

  const probesTheApp = targets.livenessProbe !== undefined || targets.readinessProbe !== undefined;
  if (!container.startupProbe && probesTheApp) {
    report(
      'startup-missing',
      'startupProbe',
      'no startupProbe: readiness answers 503 STARTING until bootstrap and the startup checks are done, and liveness is probed from the start, so a slow start can be restarted',
      `add a startupProbe on ${settings.probes.startup.path} (nest-vitals k8s probes prints one)`,
    );
  }
  const measuredMs = Math.max(settings.startup.bootstrapMs ?? 0, settings.startup.startedMs ?? 0);
  if (container.startupProbe && targets.startupProbe && measuredMs > 0) {
    const probe = container.startupProbe;
    const initial = int(probe.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds);
    const failures = int(probe.failureThreshold, PROBE_DEFAULTS.failureThreshold);
    const period = int(probe.periodSeconds, PROBE_DEFAULTS.periodSeconds);
    const budgetMs = (initial + failures * period) * 1000;
    if (budgetMs < STARTUP_BUDGET_FACTOR * measuredMs) {
      report(
        'startup-budget',
        'startupProbe',
        `startup budget ${seconds(budgetMs)} (initialDelaySeconds ${initial} + failureThreshold ${failures} × periodSeconds ${period}) is under ${STARTUP_BUDGET_FACTOR} × the measured startup (${measuredMs} ms)`,
        `set failureThreshold to ${Math.ceil((STARTUP_BUDGET_FACTOR * measuredMs) / 1000 / period) + 1} or more`,
      );
    }
  }

  const graceSeconds = int(podSpec.terminationGracePeriodSeconds, DEFAULT_GRACE_SECONDS);
  const preStopMs = preStopSleepMs(container);
  const shutdownMs = Math.max(drainMs, settings.shutdown.timeoutMs ?? 0);
  if (probesTheApp && graceSeconds * 1000 <= preStopMs + shutdownMs) {
    const parts = [
      `drain delay ${drainMs} ms`,
      ...(settings.shutdown.timeoutMs === undefined ? [] : [`shutdown timeout ${settings.shutdown.timeoutMs} ms (counted from the signal)`]),
      ...(preStopMs ? [`preStop sleep ${preStopMs} ms`] : []),
    ];
    report(
      'termination-grace',
      'terminationGracePeriodSeconds',
      `terminationGracePeriodSeconds ${graceSeconds} is not above ${seconds(preStopMs + shutdownMs)} (${parts.join(', ')}): the kubelet sends SIGKILL mid-shutdown`,
      `set terminationGracePeriodSeconds to ${Math.floor((preStopMs + shutdownMs) / 1000) + 5}`,
    );
  }
  const readiness = container.readinessProbe;
  if (readiness && targets.readinessProbe) {
    const period = int(readiness.periodSeconds, PROBE_DEFAULTS.periodSeconds);
    const failures = int(readiness.failureThreshold, PROBE_DEFAULTS.failureThreshold);
    if (period * failures * 1000 > drainMs) {
      const fit = Math.max(1, Math.floor(drainMs / 1000 / failures));
      report(
        'readiness-drain',
        'readinessProbe',
        `periodSeconds ${period} × failureThreshold ${failures} = ${period * failures} s is above the drain delay (${drainMs} ms): the pod can still be in the Service when the app stops serving`,
        drainMs >= 1000
          ? `set periodSeconds to ${fit} (or raise shutdown.drainDelayMs to ${period * failures * 1000})`
          : `raise shutdown.drainDelayMs to ${period * failures * 1000}`,
      );
    }
  }
}

/** Whether the health routes are served on `port`: the app's port when known, else a port the container declares. */
function servesHttp(/** @type {number} */ port, /** @type {AppSettings} */ settings, /** @type {KubeObject[]} */ ports) {
  if (settings.http.port !== undefined) return port === settings.http.port;
  return ports.length === 0 || ports.some((entry) => entry.containerPort === port);
}

function describeHttpPort(/** @type {AppSettings} */ settings) {
  return settings.http.port === undefined
    ? 'a port the container declares'
    : `port ${settings.http.port}${settings.http.server === 'probe-server' ? ', the probe server' : ''}`;
}

/**
 * One line per finding: where, what, and the fix.
 * @param {Finding} finding
 */
export function formatFinding(finding) {
  return `${finding.source}: ${finding.object} container ${finding.container} ${finding.probe}: ${finding.what}; fix: ${finding.fix} [${finding.rule}]`;
}
