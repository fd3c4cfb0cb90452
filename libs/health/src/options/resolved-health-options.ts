import type { DetailsPolicy } from '../interfaces/health-module-options.interface.js';
import type { HealthModuleOptions } from './health-module-options.js';
import type { ExecutionSettings } from '../interfaces/health-indicator.interface.js';
import type { HealthStatus } from '../interfaces/health-status.interface.js';

/** Module options after validation, with every default filled in. @publicApi */
export interface ResolvedHealthOptions extends Omit<HealthModuleOptions, 'service' | 'httpStatus' | 'shutdown' | keyof ExecutionSettings>, ExecutionSettings {
  service: { name: string; version: string; environment: string };
  httpStatus: Record<HealthStatus, number>;
  details: DetailsPolicy;
  shutdown: { drainDelayMs: number; signals: string[]; timeoutMs?: number };
  apiKeys: string[];
}
