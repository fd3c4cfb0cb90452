// `nest-vitals k8s probes`: the probe stanzas that fit an app's settings, as YAML.

import { dump } from 'js-yaml';
import { STARTUP_BUDGET_FACTOR } from './rules.js';

/** A generous floor for the startup budget, whatever was measured. */
const MIN_STARTUP_BUDGET_SECONDS = 30;
const STARTUP_PERIOD_SECONDS = 2;
const LIVENESS = Object.freeze({ periodSeconds: 10, failureThreshold: 3 });
const READINESS_FAILURES = 2;

/**
 * The timeout that leaves the slowest check room to answer: one second above it.
 * @param {number} slowestMs
 */
const timeoutFor = (slowestMs) => Math.floor(slowestMs / 1000) + 1;

/**
 * The three probes for a container (and the pod's grace period), fitted to the settings:
 * timeouts above each probe's slowest check, readiness able to fail within the drain delay, a startup
 * budget of at least twice the measured startup, a grace period past the drain and shutdown timeout.
 * @param {import('./app-settings.js').AppSettings} settings
 * @param {{ grpc?: boolean, port?: number | string }} options
 * @returns {{ container: Record<string, unknown>, terminationGracePeriodSeconds: number }}
 */
export function probeStanzas(settings, options = {}) {
  const useGrpc = options.grpc === true;
  if (useGrpc && !settings.grpc) throw new Error('--grpc: the app serves no gRPC health service (set the grpc option)');
  const port = options.port ?? (useGrpc ? settings.grpc?.port : settings.http.port);
  if (port === undefined) throw new Error('the port of the health routes is not known; pass --port');
  const handler = (/** @type {'liveness' | 'readiness' | 'startup'} */ probe) =>
    useGrpc ? { grpc: { port, service: probe } } : { httpGet: { path: settings.probes[probe].path, port } };

  const drainSeconds = settings.shutdown.drainDelayMs / 1000;
  const readinessFailures = drainSeconds >= READINESS_FAILURES ? READINESS_FAILURES : 1;
  const readinessPeriod = Math.max(1, Math.floor(drainSeconds / readinessFailures));
  const measuredMs = Math.max(settings.startup.bootstrapMs ?? 0, settings.startup.startedMs ?? 0);
  const startupBudgetSeconds = Math.max(MIN_STARTUP_BUDGET_SECONDS, Math.ceil((STARTUP_BUDGET_FACTOR * measuredMs) / 1000));
  const shutdownMs = Math.max(settings.shutdown.drainDelayMs, settings.shutdown.timeoutMs ?? 0);

  return {
    container: {
      startupProbe: {
        ...handler('startup'),
        periodSeconds: STARTUP_PERIOD_SECONDS,
        timeoutSeconds: timeoutFor(settings.probes.startup.slowestCheckTimeoutMs),
        failureThreshold: Math.ceil(startupBudgetSeconds / STARTUP_PERIOD_SECONDS),
      },
      livenessProbe: {
        ...handler('liveness'),
        periodSeconds: LIVENESS.periodSeconds,
        timeoutSeconds: timeoutFor(settings.probes.liveness.slowestCheckTimeoutMs),
        failureThreshold: LIVENESS.failureThreshold,
      },
      readinessProbe: {
        ...handler('readiness'),
        periodSeconds: readinessPeriod,
        timeoutSeconds: timeoutFor(settings.probes.readiness.slowestCheckTimeoutMs),
        failureThreshold: readinessFailures,
        successThreshold: 1,
      },
    },
    terminationGracePeriodSeconds: Math.floor(shutdownMs / 1000) + 5,
  };
}

/**
 * The stanzas as YAML to paste under a container, the grace period as a comment for the pod spec.
 * @param {ReturnType<typeof probeStanzas>} stanzas
 * @param {string} source
 */
export function renderProbeStanzas(stanzas, source) {
  return [
    `# Probes fitted by nest-vitals k8s probes to ${source}. Paste under the container;`,
    `# in the pod spec: terminationGracePeriodSeconds: ${stanzas.terminationGracePeriodSeconds}`,
    dump(stanzas.container, { lineWidth: 120 }).trimEnd(),
  ].join('\n');
}
