import { describe, expect, it } from '@jest/globals';
import type { HealthReport } from '../../interfaces/health-status.interface.js';
import { createReportView } from '../report-view.js';
import { renderText } from './text.format.js';

const service = { name: 'orders', version: '1.4.2', environment: 'production' };
const checkedAt = '2026-11-25T10:30:00.000Z';
const report: HealthReport = {
  status: 'DOWN',
  details: {
    database: { status: 'UP', critical: true, durationMs: 3, checkedAt, cached: false },
    memory: { status: 'DEGRADED', critical: true, durationMs: 0, checkedAt, cached: false, message: 'heap used 600 MB is above 512 MB' },
    redis: { status: 'DOWN', critical: true, durationMs: 5, checkedAt, cached: false, error: 'connect ECONNREFUSED\n[+]forged ok' },
    payments: { status: 'DOWN', critical: false, durationMs: 1000, checkedAt, cached: false, error: 'timed out after 1000 ms' },
  },
  notes: ['exclude: no check named "nope"; ignored'],
};

const render = (overrides: Partial<Parameters<typeof createReportView>[0]> = {}) =>
  renderText(createReportView({ route: 'ready', report, showDetails: true, httpStatus: 503, service, ...overrides }));

describe('renderText', () => {
  it('writes one [+]/[-] line per check by name, then the verdict', () => {
    expect(render()).toBe(
      [
        '[+]database ok',
        '[+]memory degraded: heap used 600 MB is above 512 MB',
        '[-]payments failed: timed out after 1000 ms (non-critical)',
        '[-]redis failed: connect ECONNREFUSED [+]forged ok',
        'note: exclude: no check named "nope"; ignored',
        'readiness check failed',
        '',
      ].join('\n'),
    );
  });

  it('says passed for a 200 and names the probe', () => {
    expect(render({ report: { status: 'UP', details: {} }, httpStatus: 200 })).toBe('readiness check passed\n');
    expect(render({ route: 'live', report: { status: 'UP' }, showDetails: false, httpStatus: 200 })).toBe('liveness check passed\n');
    expect(render({ route: 'report', report: { status: 'UP' }, httpStatus: 200 })).toBe('health check passed\n');
  });

  it('states a lifecycle reason', () => {
    expect(render({ report: { status: 'SHUTTING_DOWN', reason: 'received SIGTERM; draining' } })).toBe(
      '[-]shutting_down: received SIGTERM; draining\nreadiness check failed\n',
    );
  });

  it('shows the verdict only without details', () => {
    expect(render({ showDetails: false })).toBe('readiness check failed\n');
  });
});
