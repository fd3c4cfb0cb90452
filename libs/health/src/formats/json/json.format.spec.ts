import { describe, expect, it } from '@jest/globals';
import type { HealthCheckResult, HealthReport } from '../../interfaces/health-status.interface.js';
import { createReportView, singleCheckReport } from '../report-view.js';
import { renderJson } from './json.format.js';

const service = { name: 'orders', version: '1.4.2', environment: 'test' };
const database: HealthCheckResult = {
  status: 'DOWN',
  critical: true,
  durationMs: 2,
  checkedAt: '2026-11-25T10:30:00.000Z',
  cached: false,
  error: 'connect failed postgres://app:***@db/x',
};
const report: HealthReport = { status: 'DOWN', details: { database }, notes: ['a note'] };

describe('renderJson', () => {
  it('shows the status only without details', () => {
    const view = createReportView({ route: 'ready', report, showDetails: false, httpStatus: 503, service });
    expect(JSON.parse(renderJson(view))).toEqual({ status: 'DOWN' });
  });

  it('shows the report with details, redacting what did not come from a check run', () => {
    // Check results arrive redacted from the CheckRunner; the reason and notes may come from the app or the query.
    const withReason: HealthReport = {
      ...report,
      reason: 'maintenance: postgres://app:s3cret@db/x',
      notes: ['exclude: no check named "token=s3cret"; ignored'],
    };
    const body = renderJson(createReportView({ route: 'ready', report: withReason, showDetails: true, httpStatus: 503, service }));
    expect(JSON.parse(body)).toMatchObject({
      status: 'DOWN',
      reason: 'maintenance: postgres://app:***@db/x',
      details: { database: { error: 'connect failed postgres://app:***@db/x' } },
      notes: ['exclude: no check named "token=***"; ignored'],
    });
    expect(body).not.toContain('s3cret');
  });

  it('answers /checks/:name with the result itself', () => {
    const view = createReportView({
      route: 'checks',
      checkName: 'database',
      report: singleCheckReport('database', database),
      showDetails: true,
      httpStatus: 503,
      service,
    });
    expect(JSON.parse(renderJson(view))).toMatchObject({ status: 'DOWN', critical: true, durationMs: 2 });
  });
});
