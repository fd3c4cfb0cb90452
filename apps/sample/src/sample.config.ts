import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { Probe } from 'nest-vitals';
import { Note } from './notes/note.entity.js';

/** Everything the sample app reads from its environment. */
export interface SampleConfig {
  port: number;
  databaseUrl?: string;
  sqlitePath: string;
  redisUrl?: string;
  dependencyUrl?: string;
  /**
   * Probes of the `dependency` check (`DEPENDENCY_PROBES`: `none` or a comma-separated list such as `readiness`).
   * @default [] (route-scoped: it gates `GET /dependency`, the pod stays ready while it is DOWN)
   */
  dependencyProbes: Probe[];
  /** `HTTP_ADAPTER`: `express` or `fastify`. @default 'express' */
  httpAdapter: 'express' | 'fastify';
  healthApiKey?: string;
  cacheTtlMs?: number;
  refreshIntervalMs?: number;
  drainDelayMs?: number;
  /** Port of the gRPC health service (`HEALTH_GRPC_PORT`); off when unset. */
  grpcPort?: number;
  /** With HEALTH_PORT set, the probes are served on a probe server of their own on that port (and not in the app). */
  healthPort?: number;
  shutdownTimeoutMs?: number;
  /** `simulation.apiKey` (`HEALTH_SIMULATION_KEY`): with it, simulation is on and `PUT /health/checks/:name/simulation` answers. */
  simulationKey?: string;
  /** `simulation.allowInProduction` (`HEALTH_SIMULATION_IN_PRODUCTION=true`). */
  simulationInProduction?: boolean;
  /** `memory.heapUsedMb.down` (`HEALTH_HEAP_DOWN_MB`); warn at half of it. @default 1024 */
  heapDownMb?: number;
}

function optionalInteger(env: NodeJS.ProcessEnv, name: string, unit = 'milliseconds'): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer (${unit}); got ${JSON.stringify(raw)}`);
  }
  return value;
}

const PROBE_NAMES: readonly Probe[] = ['liveness', 'readiness', 'startup'];

function probeList(env: NodeJS.ProcessEnv, name: string): Probe[] {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'none') return [];
  const probes = raw.split(',').map((probe) => probe.trim());
  const unknown = probes.find((probe) => !(PROBE_NAMES as readonly string[]).includes(probe));
  if (unknown !== undefined) throw new Error(`${name} must be "none" or a comma-separated list of ${PROBE_NAMES.join(', ')}; got ${JSON.stringify(raw)}`);
  return probes as Probe[];
}

function httpAdapter(env: NodeJS.ProcessEnv): 'express' | 'fastify' {
  const raw = env.HTTP_ADAPTER || 'express';
  if (raw !== 'express' && raw !== 'fastify') throw new Error(`HTTP_ADAPTER must be "express" or "fastify"; got ${JSON.stringify(raw)}`);
  return raw;
}

export function readSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  return {
    port: optionalInteger(env, 'PORT', 'a TCP port') ?? 3000,
    databaseUrl: env.DATABASE_URL || undefined,
    sqlitePath: env.SQLITE_PATH || 'sample.sqlite',
    redisUrl: env.REDIS_URL || undefined,
    dependencyUrl: env.DEPENDENCY_URL || undefined,
    dependencyProbes: probeList(env, 'DEPENDENCY_PROBES'),
    httpAdapter: httpAdapter(env),
    healthApiKey: env.HEALTH_API_KEY || undefined,
    cacheTtlMs: optionalInteger(env, 'HEALTH_CACHE_TTL_MS'),
    refreshIntervalMs: optionalInteger(env, 'HEALTH_REFRESH_INTERVAL_MS'),
    drainDelayMs: optionalInteger(env, 'HEALTH_DRAIN_DELAY_MS'),
    grpcPort: optionalInteger(env, 'HEALTH_GRPC_PORT', 'a TCP port'),
    healthPort: optionalInteger(env, 'HEALTH_PORT', 'a TCP port'),
    shutdownTimeoutMs: optionalInteger(env, 'HEALTH_SHUTDOWN_TIMEOUT_MS'),
    heapDownMb: optionalInteger(env, 'HEALTH_HEAP_DOWN_MB', 'megabytes'),
    simulationKey: env.HEALTH_SIMULATION_KEY || undefined,
    simulationInProduction: env.HEALTH_SIMULATION_IN_PRODUCTION === 'true',
  };
}

/** SQLite file by default; PostgreSQL or MariaDB/MySQL when DATABASE_URL is set. */
export function typeOrmOptions(config: SampleConfig): TypeOrmModuleOptions {
  const common = { entities: [Note], synchronize: true };
  if (!config.databaseUrl) return { ...common, type: 'better-sqlite3', database: config.sqlitePath };
  const protocol = new URL(config.databaseUrl).protocol.replace(/:$/, '');
  if (protocol === 'postgres' || protocol === 'postgresql') return { ...common, type: 'postgres', url: config.databaseUrl };
  if (protocol === 'mysql' || protocol === 'mariadb') return { ...common, type: protocol, url: config.databaseUrl.replace(/^mariadb:/, 'mysql:') };
  throw new Error(`DATABASE_URL must start with postgres://, mysql:// or mariadb://; got ${protocol}://`);
}
