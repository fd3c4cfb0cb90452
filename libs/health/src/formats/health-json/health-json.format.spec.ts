import { describe, expect, it } from '@jest/globals';
import type { HealthReport } from '../../interfaces/health-status.interface.js';
import { createReportView } from '../report-view.js';
import { renderHealthJson, toHealthJson } from './health-json.format.js';

const service = { name: 'orders', version: '1.4.2', environment: 'production' };
const checkedAt = '2026-11-25T10:30:00.000Z';
const report: HealthReport = {
  status: 'DEGRADED',
  details: {
    database: { status: 'UP', critical: true, durationMs: 3, checkedAt, cached: false, data: { driver: 'postgres', responseTimeMs: 2 } },
    memory: {
      status: 'DEGRADED',
      critical: true,
      durationMs: 0,
      checkedAt,
      cached: false,
      data: { heapUsedMb: 600 },
      message: 'heap used 600 MB is above 512 MB',
    },
    payments: { status: 'DOWN', critical: false, durationMs: 1000, checkedAt, cached: false, error: 'timed out after 1000 ms' },
  },
  notes: ['exclude: no check named "nope"; ignored'],
};

const view = (overrides: Partial<Parameters<typeof createReportView>[0]> = {}) =>
  createReportView({ route: 'ready', report, showDetails: true, httpStatus: 200, service, ...overrides });

describe('health+json', () => {
  it('maps statuses to pass / warn / fail', () => {
    expect(toHealthJson(view({ report: { status: 'UP' } })).status).toBe('pass');
    expect(toHealthJson(view()).status).toBe('warn');
    expect(toHealthJson(view({ report: { status: 'DOWN' } })).status).toBe('fail');
    expect(toHealthJson(view({ report: { status: 'STARTING', reason: 'startup checks have not passed yet' } }))).toMatchObject({
      status: 'fail',
      output: 'startup checks have not passed yet',
    });
    expect(toHealthJson(view({ report: { status: 'SHUTTING_DOWN' } })).status).toBe('fail');
  });

  it('describes the service', () => {
    expect(toHealthJson(view())).toMatchObject({
      version: '1',
      releaseId: '1.4.2',
      serviceId: 'orders',
      description: 'readiness of orders (production)',
      notes: ['exclude: no check named "nope"; ignored'],
    });
  });

  it('keys checks name:measurement, each an array with type, value, unit, status and time', () => {
    const { checks } = toHealthJson(view());
    expect(checks!['database:responseTime']).toEqual([{ componentType: 'datastore', observedValue: 2, observedUnit: 'ms', status: 'pass', time: checkedAt }]);
    expect(checks!['memory:heapUsed']).toEqual([
      { componentType: 'system', observedValue: 600, observedUnit: 'MB', status: 'warn', time: checkedAt, output: 'heap used 600 MB is above 512 MB' },
    ]);
    expect(checks!['payments:responseTime']).toEqual([
      { componentType: 'component', observedValue: 1000, observedUnit: 'ms', status: 'fail', time: checkedAt, output: 'timed out after 1000 ms' },
    ]);
  });

  it('gives output only on warn and fail', () => {
    const body = toHealthJson(view());
    expect(body.output).toBe('memory: heap used 600 MB is above 512 MB; payments: timed out after 1000 ms');
    expect(body.checks!['database:responseTime'][0]).not.toHaveProperty('output');
    expect(toHealthJson(view({ report: { status: 'UP' } }))).not.toHaveProperty('output');
  });

  it('shows the status only without details', () => {
    expect(JSON.parse(renderHealthJson(view({ showDetails: false, httpStatus: 200 })))).toEqual({ status: 'warn' });
  });
});
