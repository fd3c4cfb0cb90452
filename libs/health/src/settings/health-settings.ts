import { Inject, Injectable, Optional } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { HEALTH_DEFAULTS } from '../options/health-options.defaults.js';
import type { CheckStatus, Probe } from '../interfaces/health-status.interface.js';
import { PROBES } from '../interfaces/health-status.interface.js';
import type { RegisteredIndicator } from '../interfaces/registered-indicator.interface.js';
import { StartupGate, type StartupState } from '../lifecycle/startup-gate.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { HealthSimulations } from '../simulation/health-simulations.js';
import { HEALTH_MOUNT, type HealthMount } from './health-mount.js';
import { HEALTH_ROUTES, type HealthRouteRow } from '../http/health-routes.js';
import { GROUP_SERVICE_PREFIX, PROBE_SERVICE_NAMES } from '../grpc/grpc-health.status.js';

/** The execution settings of one check, as `/settings` shows them. @publicApi */
export interface CheckSettings {
  probes: Probe[];
  critical: boolean;
  tags: string[];
  timeoutMs: number;
  cacheTtlMs: number;
  refreshIntervalMs: number;
  failureThreshold: number;
  successThreshold: number;
  slowCheckMs: number;
  /** The simulation in force on the check, if any. */
  simulated?: { status: CheckStatus; endsAt: string };
}

/** One probe: where it is served and what it runs. @publicApi */
export interface ProbeSettings {
  /** Its HTTP path, global prefix included when known (`/health/ready`). */
  path: string;
  /** Its gRPC health service name, when the gRPC health service is on. */
  grpcService?: string;
  /** The checks it runs, in registration order. */
  checks: string[];
  /** The largest `timeoutMs` of those checks (0 without checks): a probe's timeout must be above it. */
  slowestCheckTimeoutMs: number;
}

/** The effective, non-secret settings of the health module (`GET {path}/settings`). @publicApi */
export interface HealthSettings {
  service: { name: string; version: string; environment: string };
  http: {
    /** `app`: the routes are served by the app's HTTP server; `probe-server`: by the module's own (`server` option). */
    server: 'app' | 'probe-server';
    /** The module's path, with the app's global prefix when it applies (`/api/health`). */
    path: string;
    /** The app's global prefix, when one is set and applies to the health routes. */
    globalPrefix?: string;
    /** The port the routes are served on, when known (the server listens). */
    port?: number;
    /** The address it listens on, when one was given (`server.host`). */
    host?: string;
    /** Every route, by name, with `{name}` for its parameter. */
    routes: Record<string, string>;
  };
  grpc?: {
    /** The port of the health service's own listener; absent when it is attached to the app's gRPC server(s) only. */
    port?: number;
    host?: string;
    /** Served on the app's own Nest gRPC server(s) too (`grpc.attach`), whose service names it also answers. */
    attached: boolean;
    /** The health service names answered: `''`, the probes, each check, each `group:<name>`, and `grpc.services`' names. */
    services: string[];
  };
  probes: Record<Probe, ProbeSettings>;
  checks: Record<string, CheckSettings>;
  startup: {
    state: StartupState;
    /** The checks of the startup probe: the gate waits for them to pass once. */
    checks: string[];
    /** From the start of the process to the end of Nest's bootstrap, measured; absent until then. */
    bootstrapMs?: number;
    /** From the start of the process to the opening of the startup gate, measured; absent until then. */
    startedMs?: number;
  };
  shutdown: { drainDelayMs: number; timeoutMs?: number; signals: string[] };
  groups: Record<string, { path: string; checks: string[] }>;
  simulation: { enabled: boolean; /** The simulation routes are served (`simulation.apiKey` is set). */ routes: boolean; active: string[] };
}

/** The gRPC health service names of the probes (see `grpc/grpc-health.status.ts`). */
const GRPC_SERVICE_OF_PROBE: Record<Probe, string> = { liveness: 'liveness', readiness: 'readiness', startup: 'startup' };

const ROWS = HEALTH_ROUTES as readonly HealthRouteRow[];

/** A row's path below the module path, `{name}` for its parameter (`''` for the report). */
const belowPath = (row: HealthRouteRow) => (row.path === '' ? '' : `/${row.path.replace(/:(\w+)/g, '{$1}')}`);

/**
 * Builds the module's effective settings from the resolved options, the registry and what is measured:
 * where the routes are served, each probe's and check's settings, the startup gate, the drain and the
 * groups. Nothing secret: no key, no URL, no check data.
 */
@Injectable()
export class HealthSettingsReader {
  constructor(
    @InjectHealthOptions() private readonly options: ResolvedHealthOptions,
    @Inject(HEALTH_MOUNT) private readonly mount: HealthMount,
    private readonly registry: HealthIndicatorRegistry,
    private readonly startup: StartupGate,
    private readonly simulations: HealthSimulations,
    @Optional() private readonly appConfig?: ApplicationConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  read(): HealthSettings {
    const http = this.http();
    const indicators = this.registry.all();
    const checks: Record<string, CheckSettings> = {};
    for (const indicator of indicators) checks[indicator.name] = this.checkSettings(indicator);
    const probes = Object.fromEntries(PROBES.map((probe) => [probe, this.probeSettings(probe, http.path)])) as Record<Probe, ProbeSettings>;
    const groupRow = ROWS.find((row) => row.answer === 'group')!;
    const groups: Record<string, { path: string; checks: string[] }> = {};
    for (const name of this.registry.groupNames()) {
      groups[name] = {
        path: `${http.path}${belowPath(groupRow).replace('{name}', encodeURIComponent(name))}`,
        checks: this.registry.forGroup(name).map((indicator) => indicator.name),
      };
    }
    const grpc = this.options.grpc;
    const grpcServices = [
      ...PROBE_SERVICE_NAMES,
      ...Object.keys(checks),
      ...this.registry.groupNames().map((name) => `${GROUP_SERVICE_PREFIX}${name}`),
      ...Object.keys(grpc?.services ?? {}),
    ];
    return {
      service: this.options.service,
      http,
      ...(grpc
        ? {
            grpc: {
              ...(grpc.port === undefined ? {} : { port: grpc.port, host: grpc.host ?? HEALTH_DEFAULTS.grpc.host }),
              attached: grpc.attach === true,
              services: [...new Set(grpcServices)],
            },
          }
        : {}),
      probes,
      checks,
      startup: {
        state: this.startup.state,
        checks: this.registry.forProbe('startup').map((indicator) => indicator.name),
        ...(this.startup.bootstrapMs === undefined ? {} : { bootstrapMs: this.startup.bootstrapMs }),
        ...(this.startup.startedMs === undefined ? {} : { startedMs: this.startup.startedMs }),
      },
      shutdown: { ...this.options.shutdown, signals: [...this.options.shutdown.signals] },
      groups,
      simulation: {
        enabled: this.simulations.enabled,
        routes: this.simulations.enabled && this.simulations.keys.configured,
        active: this.simulations.list().map((simulation) => simulation.check),
      },
    };
  }

  private checkSettings(indicator: RegisteredIndicator): CheckSettings {
    const simulation = this.simulations.get(indicator.name);
    return {
      probes: [...indicator.probes],
      critical: indicator.critical,
      tags: [...indicator.tags],
      timeoutMs: indicator.timeoutMs,
      cacheTtlMs: indicator.cacheTtlMs,
      refreshIntervalMs: indicator.refreshIntervalMs,
      failureThreshold: indicator.failureThreshold,
      successThreshold: indicator.successThreshold,
      slowCheckMs: indicator.slowCheckMs,
      ...(simulation ? { simulated: { status: simulation.status, endsAt: simulation.endsAt } } : {}),
    };
  }

  private probeSettings(probe: Probe, base: string): ProbeSettings {
    const members = this.registry.forProbe(probe);
    return {
      path: `${base}${belowPath(ROWS.find((row) => row.probe === probe)!)}`,
      ...(this.options.grpc ? { grpcService: GRPC_SERVICE_OF_PROBE[probe] } : {}),
      checks: members.map((indicator) => indicator.name),
      slowestCheckTimeoutMs: members.reduce((slowest, indicator) => Math.max(slowest, indicator.timeoutMs), 0),
    };
  }

  private http(): HealthSettings['http'] {
    const server = this.mount.server;
    const prefix = server ? undefined : this.globalPrefix();
    const path = `${prefix ? `/${prefix}` : ''}/${this.mount.path}`;
    const address = server ? { port: this.mount.boundPort } : this.appAddress();
    const host = server?.host;
    return {
      server: server ? 'probe-server' : 'app',
      path,
      ...(prefix ? { globalPrefix: prefix } : {}),
      ...(address?.port === undefined ? {} : { port: address.port }),
      ...(host === undefined ? {} : { host }),
      routes: Object.fromEntries(ROWS.map((row) => [row.name, `${path}${belowPath(row)}`])),
    };
  }

  /** The app's global prefix, unless it is unset or its `exclude` names the health routes. */
  private globalPrefix(): string | undefined {
    const prefix = this.appConfig?.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    if (!prefix) return undefined;
    const probePath = `/${this.mount.path}${belowPath(ROWS.find((row) => row.probe === 'readiness')!)}`;
    const excluded = (this.appConfig?.getGlobalPrefixOptions().exclude ?? []).some((route) => {
      const { path, pathRegex } = route as { path?: string; pathRegex?: RegExp };
      if (pathRegex instanceof RegExp) return pathRegex.test(probePath);
      return typeof path === 'string' && probePath.startsWith(`/${path.replace(/^\/+/, '')}`);
    });
    return excluded ? undefined : prefix;
  }

  private appAddress(): AddressInfo | undefined {
    try {
      const address = (this.adapterHost?.httpAdapter?.getHttpServer() as { address?: () => unknown } | undefined)?.address?.();
      return typeof address === 'object' && address !== null ? (address as AddressInfo) : undefined;
    } catch {
      return undefined;
    }
  }
}
