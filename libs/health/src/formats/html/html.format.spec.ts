import { describe, expect, it } from '@jest/globals';
import type { HealthReport } from '../../interfaces/health-status.interface.js';
import { createReportView } from '../report-view.js';
import { escapeHtml, renderHtml } from './html.format.js';

const service = { name: 'orders', version: '1.4.2', environment: 'production' };
const checkedAt = '2026-11-25T10:29:58.000Z';
const generatedAt = new Date('2026-11-25T10:30:00.000Z');
const report: HealthReport = {
  status: 'DOWN',
  details: {
    database: { status: 'UP', critical: true, durationMs: 3, checkedAt, cached: false },
    evil: { status: 'DOWN', critical: true, durationMs: 1, checkedAt, cached: false, error: '<script>alert("x")</script> & more' },
    payments: { status: 'DEGRADED', critical: false, durationMs: 12, checkedAt, cached: true, message: 'slow' },
  },
  serviceInfo: { name: 'orders', version: '1.4.2', environment: 'production', uptimeSeconds: 3725, timestamp: generatedAt.toISOString() },
  notes: ['exclude: no check named "<b>"; ignored'],
};

const render = (overrides: Partial<Parameters<typeof createReportView>[0]> = {}) =>
  renderHtml(createReportView({ route: 'ready', report, showDetails: true, httpStatus: 503, service, generatedAt, ...overrides }));

describe('renderHtml', () => {
  it('is a self-contained page that refreshes itself', () => {
    const html = render();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
  });

  it('shows the overall status as a coloured banner', () => {
    expect(render()).toMatch(/<header class="banner s-down" role="status">\s*<span class="status">DOWN<\/span>/);
    expect(render({ report: { status: 'UP' }, httpStatus: 200 })).toContain('class="banner s-up"');
  });

  it('has one row per check with status, critical, duration, last checked and message, worst first', () => {
    const html = render();
    const rows = [...html.matchAll(/<tr class="s-[a-z-]+" data-check="([^"]+)">/g)].map((match) => match[1]);
    expect(rows).toEqual(['evil', 'payments', 'database']);
    expect(html).toContain('<td>no</td>');
    expect(html).toContain('12 ms <span class="muted">(cached)</span>');
    expect(html).toContain('<time datetime="2026-11-25T10:29:58.000Z">2026-11-25 10:29:58 UTC</time> <span class="muted">(2 s ago)</span>');
    expect(html).toContain('<td class="message">slow</td>');
  });

  it('escapes everything that comes from checks', () => {
    const html = render();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('no check named &quot;&lt;b&gt;&quot;');
  });

  it('shows service info', () => {
    const html = render();
    expect(html).toContain('<dt>Service</dt><dd>orders</dd>');
    expect(html).toContain('<dt>Uptime</dt><dd>1 h 2 min</dd>');
  });

  it('shows the banner only without details', () => {
    const html = render({ showDetails: false });
    expect(html).toContain('<span class="status">DOWN</span>');
    expect(html).not.toContain('<table');
    expect(html).not.toContain('orders');
    expect(html).toContain('Details are hidden');
  });

  it('escapes all five special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderHtml: recent runs', () => {
  const at = (second: number) => Date.parse(`2026-11-25T10:29:${String(second).padStart(2, '0')}.000Z`);
  const history = {
    database: { runs: [{ status: 'UP' as const, at: at(50), durationMs: 3 }], since: { status: 'UP' as const, at: '2026-11-25T10:29:50.000Z' } },
    evil: {
      runs: [
        { status: 'UP' as const, at: at(40), durationMs: 2 },
        { status: 'DOWN' as const, at: at(45), durationMs: 1 },
        { status: 'DEGRADED' as const, at: at(50), durationMs: 7 },
        { status: 'DOWN' as const, at: at(58), durationMs: 1 },
      ],
      since: { status: 'DOWN' as const, at: '2026-11-25T10:29:58.000Z' },
    },
  };
  const html = renderHtml({ ...createReportView({ route: 'ready', report, showDetails: true, httpStatus: 503, service, generatedAt }), history });

  it('shows a strip of coloured cells per check, oldest first, with time, status and duration on hover', () => {
    expect(html).toContain('<th scope="col">Recent runs</th>');
    const evil = /<tr class="s-down" data-check="evil">.*?<\/tr>/.exec(html)![0];
    expect([...evil.matchAll(/<span class="run (s-[a-z]+)" title="([^"]*)"><\/span>/g)].map(([, cls, title]) => [cls, title])).toEqual([
      ['s-up', '2026-11-25 10:29:40 UTC · UP · 2 ms'],
      ['s-down', '2026-11-25 10:29:45 UTC · DOWN · 1 ms'],
      ['s-degraded', '2026-11-25 10:29:50 UTC · DEGRADED · 7 ms'],
      ['s-down', '2026-11-25 10:29:58 UTC · DOWN · 1 ms'],
    ]);
    expect(evil).toContain('aria-label="last 4 runs of evil: 1 UP, 2 DOWN, 1 DEGRADED"');
    expect(evil).toContain(
      '<div class="since">DOWN since <time datetime="2026-11-25T10:29:58.000Z">2026-11-25 10:29:58 UTC</time> <span class="muted">(2 s ago)</span></div>',
    );
  });

  it('leaves the strip empty for a check without runs yet, and the page without the column when no history is given', () => {
    expect(/<tr class="s-degraded" data-check="payments">.*?<\/tr>/.exec(html)![0]).toContain(
      '<td class="history"><div class="strip" role="img" aria-label="no runs of payments yet"></div></td>',
    );
    expect(render()).not.toContain('Recent runs');
  });
});
