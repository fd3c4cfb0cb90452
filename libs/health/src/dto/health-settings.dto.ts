import { CHECK_STATUSES, type CheckStatus, type Probe, PROBES } from '../interfaces/health-status.interface.js';
import type { StartupState } from '../lifecycle/startup-gate.js';
import type { CheckSettings, HealthSettings, ProbeSettings } from '../settings/health-settings.js';
import type { CheckSimulation } from '../simulation/check-simulation.js';
import { openApiMetadata } from './openapi-property.js';

/** Where the HTTP routes are served. @publicApi */
export class HealthSettingsHttpDto {
  server!: 'app' | 'probe-server';
  path!: string;
  globalPrefix?: string;
  port?: number;
  host?: string;
  routes!: Record<string, string>;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<HealthSettingsHttpDto>({
      server: {
        enum: ['app', 'probe-server'],
        description: "`app`: served by the app; `probe-server`: by the module's own listener (`server` option).",
        example: 'app',
      },
      path: { type: String, description: "The module's path, with the app's global prefix when it applies.", example: '/health' },
      globalPrefix: { type: String, required: false, description: "The app's global prefix, when set and applied to the health routes.", example: 'api' },
      port: { type: 'integer', required: false, description: 'The port the routes are served on (absent until the server listens).', example: 3000 },
      host: { type: String, required: false, description: 'The address the probe server listens on, when given.', example: '0.0.0.0' },
      routes: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Every route by name; `{name}` stands for its parameter.',
        example: { live: '/health/live', ready: '/health/ready', startup: '/health/startup', settings: '/health/settings' },
      },
    });
  }
}

/** The gRPC health service. @publicApi */
export class HealthSettingsGrpcDto {
  port?: number;
  host?: string;
  attached!: boolean;
  services!: string[];

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<HealthSettingsGrpcDto>({
      port: { type: 'integer', required: false, description: "The port of the health service's own listener (absent when attached only).", example: 50051 },
      host: { type: String, required: false, example: '0.0.0.0' },
      attached: { type: Boolean, description: "Served on the app's own Nest gRPC server(s) too (`grpc.attach`).", example: false },
      services: {
        type: [String],
        description: 'Service names answered: `""`, the probes, and each check.',
        example: ['', 'liveness', 'readiness', 'startup', 'database'],
      },
    });
  }
}

/** One probe: where it is served and what it runs. @publicApi */
export class ProbeSettingsDto implements ProbeSettings {
  path!: string;
  grpcService?: string;
  checks!: string[];
  slowestCheckTimeoutMs!: number;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<ProbeSettingsDto>({
      path: { type: String, example: '/health/ready' },
      grpcService: { type: String, required: false, description: 'Its gRPC health service name, when gRPC is on.', example: 'readiness' },
      checks: { type: [String], example: ['database', 'memory'] },
      slowestCheckTimeoutMs: {
        type: 'integer',
        minimum: 0,
        description: "The largest timeoutMs of its checks: the probe's timeout must be above it.",
        example: 1000,
      },
    });
  }
}

/** The probes by name. @publicApi */
export class HealthSettingsProbesDto implements Record<Probe, ProbeSettings> {
  liveness!: ProbeSettingsDto;
  readiness!: ProbeSettingsDto;
  startup!: ProbeSettingsDto;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<HealthSettingsProbesDto>({
      liveness: { type: () => ProbeSettingsDto },
      readiness: { type: () => ProbeSettingsDto },
      startup: { type: () => ProbeSettingsDto },
    });
  }
}

/** One check's execution settings. @publicApi */
export class CheckSettingsDto implements CheckSettings {
  probes!: Probe[];
  critical!: boolean;
  tags!: string[];
  timeoutMs!: number;
  cacheTtlMs!: number;
  refreshIntervalMs!: number;
  failureThreshold!: number;
  successThreshold!: number;
  slowCheckMs!: number;
  simulated?: { status: CheckStatus; endsAt: string };

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<CheckSettingsDto>({
      probes: { type: 'array', items: { type: 'string', enum: [...PROBES] }, example: ['readiness'] },
      critical: { type: Boolean, example: true },
      tags: { type: [String], example: [] },
      timeoutMs: { type: 'integer', example: 1000 },
      cacheTtlMs: { type: 'integer', example: 0 },
      refreshIntervalMs: { type: 'integer', example: 0 },
      failureThreshold: { type: 'integer', example: 1 },
      successThreshold: { type: 'integer', example: 1 },
      slowCheckMs: { type: 'integer', example: 0 },
      simulated: {
        type: 'object',
        required: false,
        properties: { status: { type: 'string', enum: [...CHECK_STATUSES] }, endsAt: { type: 'string', format: 'date-time' } },
        description: 'The simulation in force on the check, if any.',
      },
    });
  }
}

/** The startup gate. @publicApi */
export class StartupSettingsDto {
  state!: StartupState;
  checks!: string[];
  bootstrapMs?: number;
  startedMs?: number;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<StartupSettingsDto>({
      state: { enum: ['bootstrapping', 'checking', 'started'], example: 'started' },
      checks: { type: [String], description: 'Checks of the startup probe, which the gate waits to pass once.', example: [] },
      bootstrapMs: { type: 'integer', required: false, description: "Measured: from the process' start to the end of Nest's bootstrap.", example: 840 },
      startedMs: { type: 'integer', required: false, description: "Measured: from the process' start to the opening of the startup gate.", example: 850 },
    });
  }
}

/** Graceful shutdown. @publicApi */
export class ShutdownSettingsDto {
  drainDelayMs!: number;
  timeoutMs?: number;
  signals!: string[];

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<ShutdownSettingsDto>({
      drainDelayMs: { type: 'integer', example: 10000 },
      timeoutMs: { type: 'integer', required: false, description: 'Bound of the whole shutdown, from the signal.', example: 25000 },
      signals: { type: [String], example: ['SIGTERM'] },
    });
  }
}

/** Simulation. @publicApi */
export class SimulationSettingsDto {
  enabled!: boolean;
  routes!: boolean;
  active!: string[];

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<SimulationSettingsDto>({
      enabled: { type: Boolean, example: false },
      routes: { type: Boolean, description: 'The simulation routes are served (`simulation.apiKey` is set).', example: false },
      active: { type: [String], description: 'Checks simulated now.', example: [] },
    });
  }
}

/** The effective, non-secret settings of the health module (`GET {path}/settings`). @publicApi */
export class HealthSettingsDto implements HealthSettings {
  service!: { name: string; version: string; environment: string };
  http!: HealthSettingsHttpDto;
  grpc?: HealthSettingsGrpcDto;
  probes!: HealthSettingsProbesDto;
  checks!: Record<string, CheckSettingsDto>;
  startup!: StartupSettingsDto;
  shutdown!: ShutdownSettingsDto;
  groups!: Record<string, { path: string; checks: string[] }>;
  simulation!: SimulationSettingsDto;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<HealthSettingsDto>({
      service: {
        type: 'object',
        properties: { name: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' } },
        example: { name: 'orders', version: '1.4.2', environment: 'production' },
      },
      http: { type: () => HealthSettingsHttpDto },
      grpc: { type: () => HealthSettingsGrpcDto, required: false, description: 'Present when the gRPC health service is on.' },
      probes: { type: () => HealthSettingsProbesDto },
      checks: (schemaPath) => ({ type: 'object', additionalProperties: { $ref: schemaPath(CheckSettingsDto) }, description: 'Each check by name.' }),
      startup: { type: () => StartupSettingsDto },
      shutdown: { type: () => ShutdownSettingsDto },
      groups: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { path: { type: 'string' }, checks: { type: 'array', items: { type: 'string' } } } },
        example: { payments: { path: '/health/groups/payments', checks: ['database', 'payments'] } },
      },
      simulation: { type: () => SimulationSettingsDto },
    });
  }
}

/** The body of `PUT {path}/checks/{name}/simulation`. @publicApi */
export class CheckSimulationDto implements CheckSimulation {
  status!: CheckStatus;
  error?: string;
  ttlMs?: number;

  static _OPENAPI_METADATA_FACTORY() {
    return openApiMetadata<CheckSimulationDto>({
      status: { enum: [...CHECK_STATUSES], enumName: 'CheckStatus', example: 'DOWN' },
      error: {
        type: String,
        required: false,
        maxLength: 500,
        description: 'The reason shown (default `simulated <status>`).',
        example: 'game day: database unreachable',
      },
      ttlMs: {
        type: 'integer',
        minimum: 1,
        maximum: 2147483647,
        required: false,
        description: 'Ends by itself after this long (default 300000).',
        example: 3000,
      },
    });
  }
}
