import type { HealthReport } from '../interfaces/health-status.interface.js';

const serviceInfo = { name: 'orders', version: '1.4.2', environment: 'production', uptimeSeconds: 3600, timestamp: '2026-11-25T10:30:00.000Z' };
const checkedAt = '2026-11-25T10:30:00.000Z';

const database = {
  status: 'UP',
  critical: true,
  durationMs: 3,
  checkedAt,
  cached: false,
  data: { driver: 'postgres', database: 'orders', responseTimeMs: 2 },
} as const;

/** Example reports for the OpenAPI document, one per status. */
export const REPORT_EXAMPLES: Record<'up' | 'degraded' | 'down' | 'starting' | 'shuttingDown', { summary: string; value: HealthReport }> = {
  up: {
    summary: 'UP: every check passes',
    value: { status: 'UP', details: { database }, serviceInfo },
  },
  degraded: {
    summary: 'DEGRADED: a non-critical check is DOWN (still 200)',
    value: {
      status: 'DEGRADED',
      details: {
        database,
        payments: { status: 'DOWN', critical: false, durationMs: 1000, checkedAt, cached: false, error: 'timed out after 1000 ms' },
      },
      serviceInfo,
    },
  },
  down: {
    summary: 'DOWN: a critical check is DOWN (503)',
    value: {
      status: 'DOWN',
      details: {
        database: { status: 'DOWN', critical: true, durationMs: 2, checkedAt, cached: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' },
      },
      serviceInfo,
    },
  },
  starting: { summary: 'STARTING: startup has not completed (503)', value: { status: 'STARTING', reason: 'startup checks have not passed yet' } },
  shuttingDown: { summary: 'SHUTTING_DOWN: draining after SIGTERM (503)', value: { status: 'SHUTTING_DOWN', reason: 'received SIGTERM; draining' } },
};
