import type { DetailsPolicy } from '../interfaces/health-module-options.interface.js';
import type { HealthModuleOptions } from './health-module-options.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';

/** Module options after validation, with every default filled in. @publicApi */
export interface ResolvedHealthOptions extends Omit<HealthModuleOptions, 'service' | 'httpStatus' | 'shutdown'> {
  service: { name: string; version: string; environment: string };
  httpStatus: Record<HealthStatus, number>;
  details: DetailsPolicy;
  timeoutMs: number;
  cacheTtlMs: number;
  refreshIntervalMs: number;
  failureThreshold: number;
  successThreshold: number;
  slowCheckMs: number;
  shutdown: { drainDelayMs: number; signals: string[]; timeoutMs?: number };
  apiKeys: string[];
}
