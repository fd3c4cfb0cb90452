import { describe, expect, it } from '@jest/globals';
import { remoteFixture, remoteFixtureText, remoteFixtureVariant } from '../../../../../test/support/remote-fixtures.js';
import {
  MAX_FAILING_NAMES,
  MAX_REMOTE_CHECKS,
  MAX_REMOTE_REPORT_BYTES,
  parseRemoteHealthReport,
  type RemoteHealthReport,
  type RemoteHealthReportParseResult,
  type UnreadableRemoteHealthReport,
} from './remote-health-report.parser.js';

const JSON_TYPE = 'application/json';
const HEALTH_JSON_TYPE = 'application/health+json';

const parse = (statusCode: number, contentType: string | undefined, body: unknown) =>
  parseRemoteHealthReport({ statusCode, contentType, body: typeof body === 'string' ? body : JSON.stringify(body) });

function readable(result: RemoteHealthReportParseResult): RemoteHealthReport {
  if (!result.readable) throw new Error(`expected a readable report, got: ${result.reason}`);
  return result;
}

function unreadable(result: RemoteHealthReportParseResult): UnreadableRemoteHealthReport {
  if (result.readable) throw new Error(`expected an unreadable report, got: ${JSON.stringify(result)}`);
  return result;
}

describe('parseRemoteHealthReport', () => {
  describe('nest-vitals JSON', () => {
    it('reads the documented DEGRADED report: overall status, each check, the DOWN one failing', () => {
      expect(parse(200, 'application/json; charset=utf-8', remoteFixtureText('nest-vitals-degraded'))).toEqual({
        readable: true,
        status: 'DEGRADED',
        reportedStatus: 'DEGRADED',
        format: 'nest-vitals',
        checks: { database: 'UP', payments: 'DOWN' },
        failing: ['payments'],
        httpStatus: 200,
      });
    });

    it('reads UP and, from a 503, DOWN', () => {
      const up = remoteFixtureVariant('nest-vitals-degraded', { status: 'UP', 'details.payments.status': 'UP' });
      expect(readable(parse(200, JSON_TYPE, up))).toMatchObject({ status: 'UP', checks: { database: 'UP', payments: 'UP' }, failing: [] });
      const down = remoteFixtureVariant('nest-vitals-degraded', { status: 'DOWN', 'details.database.status': 'DOWN' });
      expect(readable(parse(503, JSON_TYPE, down))).toMatchObject({ status: 'DOWN', failing: ['database', 'payments'], httpStatus: 503 });
    });

    it('reads a status-only body (details hidden from the caller)', () => {
      expect(readable(parse(200, JSON_TYPE, { status: 'UP' }))).toMatchObject({ status: 'UP', format: 'nest-vitals', checks: {}, failing: [] });
      expect(readable(parse(503, JSON_TYPE, { status: 'DOWN' }))).toMatchObject({ status: 'DOWN', format: 'nest-vitals', checks: {} });
    });

    it.each(['STARTING', 'SHUTTING_DOWN'])('counts readiness %s as DOWN and keeps the reported status', (lifecycle) => {
      expect(readable(parse(503, JSON_TYPE, { status: lifecycle, reason: 'shutting down' }))).toMatchObject({
        status: 'DOWN',
        reportedStatus: lifecycle,
        format: 'nest-vitals',
      });
    });
  });

  describe('application/health+json', () => {
    it('reads the draft example: top-level pass, checks folded by component, the worst measurement wins', () => {
      expect(parse(200, HEALTH_JSON_TYPE, remoteFixtureText('health-json-draft-example'))).toEqual({
        readable: true,
        status: 'UP',
        reportedStatus: 'pass',
        format: 'health+json',
        // cassandra: responseTime pass + connections warn; memory: node 1 warn, node 2 pass; uptime has no component name.
        checks: { cassandra: 'DEGRADED', uptime: 'UP', cpu: 'DEGRADED', memory: 'DEGRADED' },
        failing: [],
        httpStatus: 200,
      });
    });

    it('reads warn as DEGRADED and a 503 fail as DOWN, naming the failing component', () => {
      expect(readable(parse(200, HEALTH_JSON_TYPE, remoteFixtureVariant('health-json-draft-example', { status: 'warn' }))).status).toBe('DEGRADED');
      const fail = remoteFixtureVariant('health-json-draft-example', { status: 'fail', 'checks.cassandra:responseTime.0.status': 'fail' });
      expect(readable(parse(503, HEALTH_JSON_TYPE, fail))).toMatchObject({ status: 'DOWN', failing: ['cassandra'], checks: { cassandra: 'DOWN' } });
    });

    it.each([
      ['pass', 'UP'],
      ['ok', 'UP'],
      ['up', 'UP'],
      ['PASS', 'UP'],
      ['warn', 'DEGRADED'],
      ['fail', 'DOWN'],
      ['error', 'DOWN'],
      ['down', 'DOWN'],
      ['Fail', 'DOWN'],
    ])('maps status %s (case-insensitive, with the draft aliases) to %s', (given, expected) => {
      expect(readable(parse(given === 'pass' || given === 'warn' ? 200 : 503, HEALTH_JSON_TYPE, { status: given }))).toMatchObject({
        status: expected,
        reportedStatus: given,
        format: 'health+json',
      });
    });

    it('recognises health+json by shape when the content type is plain JSON', () => {
      expect(readable(parse(200, JSON_TYPE, { status: 'pass' })).format).toBe('health+json');
      expect(readable(parse(200, JSON_TYPE, { status: 'ok', checks: { 'db:responseTime': [{ status: 'pass' }] } }))).toMatchObject({
        format: 'health+json',
        checks: { db: 'UP' },
      });
    });

    it('reads what nest-vitals itself serves as health+json (one component, several measurements)', () => {
      const body = {
        status: 'fail',
        checks: {
          'database:responseTime': [{ componentType: 'datastore', observedValue: 2, observedUnit: 'ms', status: 'pass', time: 't' }],
          'payments:responseTime': [{ componentType: 'component', observedValue: 1000, observedUnit: 'ms', status: 'fail', time: 't', output: 'x' }],
          'memory:heapUsed': [{ componentType: 'system', observedValue: 600, observedUnit: 'MB', status: 'warn', time: 't' }],
          'memory:rss': [{ componentType: 'system', observedValue: 700, observedUnit: 'MB', status: 'pass', time: 't' }],
        },
      };
      expect(readable(parse(503, 'application/health+json; charset=utf-8', body))).toMatchObject({
        status: 'DOWN',
        checks: { database: 'UP', payments: 'DOWN', memory: 'DEGRADED' },
        failing: ['payments'],
      });
    });
  });

  describe('@nestjs/terminus JSON', () => {
    it('reads the documented ok body', () => {
      expect(parse(200, JSON_TYPE, remoteFixtureText('terminus-ok'))).toEqual({
        readable: true,
        status: 'UP',
        reportedStatus: 'ok',
        format: 'terminus',
        checks: { 'nestjs-docs': 'UP' },
        failing: [],
        httpStatus: 200,
      });
    });

    it('reads the documented 503 error body as DOWN, naming the indicator in `error`', () => {
      expect(readable(parse(503, JSON_TYPE, remoteFixtureText('terminus-error')))).toMatchObject({
        status: 'DOWN',
        reportedStatus: 'error',
        format: 'terminus',
        checks: { database: 'UP', redis: 'DOWN' },
        failing: ['redis'],
      });
    });

    it('reads degraded and shutting_down', () => {
      const degraded = remoteFixtureVariant('terminus-ok', { status: 'degraded', 'details.nestjs-docs.status': 'degraded' });
      expect(readable(parse(200, JSON_TYPE, degraded))).toMatchObject({ status: 'DEGRADED', checks: { 'nestjs-docs': 'DEGRADED' }, failing: [] });
      expect(readable(parse(503, JSON_TYPE, { status: 'shutting_down', details: {} }))).toMatchObject({ status: 'DOWN', format: 'terminus' });
    });

    it('reads a body with only info / error maps (no details)', () => {
      const body = { status: 'error', info: { db: { status: 'up' } }, error: { queue: { status: 'down', message: 'x' } } };
      expect(readable(parse(503, JSON_TYPE, body))).toMatchObject({ checks: { db: 'UP', queue: 'DOWN' }, failing: ['queue'] });
    });
  });

  describe('Spring Boot Actuator JSON', () => {
    it('reads the documented report, flattening nested components with "/"', () => {
      expect(parse(200, 'application/vnd.spring-boot.actuator.v3+json', remoteFixtureText('spring-boot-health'))).toEqual({
        readable: true,
        status: 'UP',
        reportedStatus: 'UP',
        format: 'spring-boot',
        checks: { 'broker/us1': 'UP', 'broker/us2': 'UP', db: 'UP', diskSpace: 'UP' },
        failing: [],
        httpStatus: 200,
      });
    });

    it('reads a 503 DOWN with a nested component down, naming it by its path', () => {
      const down = remoteFixtureVariant('spring-boot-health', {
        status: 'DOWN',
        'components.broker.status': 'DOWN',
        'components.broker.components.us2.status': 'DOWN',
      });
      expect(readable(parse(503, JSON_TYPE, down))).toMatchObject({ status: 'DOWN', checks: { 'broker/us2': 'DOWN' }, failing: ['broker/us2'] });
    });

    it('maps OUT_OF_SERVICE to DOWN and UNKNOWN to DEGRADED, overall and per component', () => {
      const outOfService = remoteFixtureVariant('spring-boot-health', { status: 'OUT_OF_SERVICE', 'components.db.status': 'OUT_OF_SERVICE' });
      expect(readable(parse(503, JSON_TYPE, outOfService))).toMatchObject({
        status: 'DOWN',
        reportedStatus: 'OUT_OF_SERVICE',
        checks: { db: 'DOWN' },
        failing: ['db'],
      });
      const unknown = remoteFixtureVariant('spring-boot-health', { status: 'UNKNOWN', 'components.diskSpace.status': 'UNKNOWN' });
      expect(readable(parse(200, JSON_TYPE, unknown))).toMatchObject({ status: 'DEGRADED', reportedStatus: 'UNKNOWN', checks: { diskSpace: 'DEGRADED' } });
    });

    it('reads a status-only body: as Spring by its media type, as nest-vitals otherwise (same status either way)', () => {
      expect(readable(parse(200, 'application/vnd.spring-boot.actuator.v3+json', { status: 'UP' }))).toMatchObject({ status: 'UP', format: 'spring-boot' });
      expect(readable(parse(503, JSON_TYPE, { status: 'OUT_OF_SERVICE' }))).toMatchObject({ status: 'DOWN', format: 'spring-boot' });
    });

    it('keeps a custom component status as given, without counting it as failing', () => {
      const custom = remoteFixtureVariant('spring-boot-health', { 'components.db.status': 'FATAL' });
      expect(readable(parse(200, JSON_TYPE, custom))).toMatchObject({ status: 'UP', checks: { db: 'FATAL' }, failing: [] });
    });

    it('stops following nested components after 8 levels', () => {
      let component: Record<string, unknown> = { status: 'DOWN' };
      for (let level = 0; level < 50; level++) component = { status: 'DOWN', components: { [`l${49 - level}`]: component } };
      const result = readable(parse(503, JSON_TYPE, { status: 'DOWN', components: { root: component } }));
      expect(result.failing).toEqual(['root/l0/l1/l2/l3/l4/l5/l6']);
    });
  });

  describe('unreadable answers', () => {
    it('a garbage body: the reason names the HTTP status and media type, never the body', () => {
      const result = unreadable(parse(503, 'text/html; charset=utf-8', '<html>password=hunter2 Bearer s3cr3t</html>'));
      expect(result).toEqual({ readable: false, reason: 'unreadable health report (HTTP 503, text/html): not JSON', httpStatus: 503 });
    });

    it('a JSON parse failure never quotes the body', () => {
      const { reason } = unreadable(parse(200, JSON_TYPE, '{"status":"UP", "token": "sk_live_abcdef'));
      expect(reason).toBe('unreadable health report (HTTP 200, application/json): not JSON');
    });

    it.each([
      ['', 'empty body'],
      ['   \n', 'empty body'],
      ['[1,2]', 'not a JSON object'],
      ['"UP"', 'not a JSON object'],
      ['null', 'not a JSON object'],
      ['{"statusCode":404,"message":"Cannot GET /health","error":"Not Found"}', 'no "status" field'],
      ['{"status":42}', 'no "status" field'],
      ['{"status":"banana"}', 'unrecognized status "banana"'],
      ['{"status":"FATAL","components":{}}', 'unrecognized status "FATAL"'],
    ])('%j → %s', (body, why) => {
      expect(unreadable(parse(404, undefined, body)).reason).toBe(`unreadable health report (HTTP 404): ${why}`);
    });

    it('cuts a long or multi-line status in the reason', () => {
      const { reason } = unreadable(parse(200, JSON_TYPE, { status: `${'x'.repeat(500)}\nforged log line` }));
      expect(reason).toBe(`unreadable health report (HTTP 200, application/json): unrecognized status "${'x'.repeat(31)}…"`);
    });

    it(`refuses a body over ${MAX_REMOTE_REPORT_BYTES} bytes quickly, without parsing it`, () => {
      const huge = JSON.stringify({ status: 'UP', details: { padding: { status: 'UP', data: 'x'.repeat(8 * 1024 * 1024) } } });
      const started = performance.now();
      const result = unreadable(parse(200, JSON_TYPE, huge));
      expect(result.reason).toBe('unreadable health report (HTTP 200, application/json): body larger than 1 MB, not read');
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('counts bytes, not characters: 600 k two-byte characters are over the limit', () => {
      const body = JSON.stringify({ status: 'UP', note: 'é'.repeat(600 * 1024) });
      expect(body.length).toBeLessThan(MAX_REMOTE_REPORT_BYTES);
      expect(unreadable(parse(200, JSON_TYPE, body)).reason).toContain('body larger than 1 MB');
    });

    it('refuses a body the reader cut at the limit', () => {
      const result = parseRemoteHealthReport({ statusCode: 200, contentType: JSON_TYPE, body: '{"status":"UP"', bodyTruncated: true });
      expect(unreadable(result).reason).toBe('unreadable health report (HTTP 200, application/json): body larger than 1 MB, not read');
    });

    it('reads a body just under the limit', () => {
      const padding = 'x'.repeat(MAX_REMOTE_REPORT_BYTES - 100);
      expect(readable(parse(200, JSON_TYPE, { status: 'UP', padding })).status).toBe('UP');
    });
  });

  describe('bounds and names', () => {
    it(`keeps at most ${MAX_REMOTE_CHECKS} checks and ${MAX_FAILING_NAMES} failing names, saying how many were left out`, () => {
      const details = Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`check-${index}`, { status: 'DOWN' }]));
      const result = readable(parse(503, JSON_TYPE, { status: 'DOWN', details }));
      expect(Object.keys(result.checks)).toHaveLength(MAX_REMOTE_CHECKS);
      expect(result.omittedChecks).toBe(150);
      expect(result.failing).toEqual(Array.from({ length: MAX_FAILING_NAMES }, (_, index) => `check-${index}`));
    });

    it('cuts long names and strips control characters', () => {
      const result = readable(parse(503, JSON_TYPE, { status: 'DOWN', details: { [`a\nb${'n'.repeat(100)}`]: { status: 'DOWN' } } }));
      expect(result.failing).toEqual([`a b${'n'.repeat(60)}…`]);
    });

    it.each(['constructor', 'toString', '__proto__'])('keeps a check status %s as given, never a prototype member', (odd) => {
      const body = { status: 'error', details: { db: { status: odd }, cache: { status: 'down' } }, error: { db: { status: odd } } };
      const result = readable(parse(503, JSON_TYPE, body));
      expect(result.checks).toEqual({ db: odd, cache: 'DOWN' });
      expect(typeof result.checks.db).toBe('string');
      expect(result.failing).toEqual(['cache']);
      expect(unreadable(parse(503, JSON_TYPE, { status: odd })).reason).toContain(`unrecognized status "${odd}"`);
    });

    it('keeps a check named __proto__ as a check', () => {
      const result = readable(parse(503, JSON_TYPE, '{"status":"DOWN","details":{"__proto__":{"status":"DOWN"}}}'));
      expect(Object.keys(result.checks)).toEqual(['__proto__']);
      expect(result.failing).toEqual(['__proto__']);
    });

    it('ignores details entries that are not objects with a status', () => {
      const fixture = remoteFixture('nest-vitals-degraded');
      const details = { ...(fixture.details as object), odd: 'UP', empty: {}, list: [{ status: 'DOWN' }] };
      expect(readable(parse(200, JSON_TYPE, { ...fixture, details })).checks).toEqual({ database: 'UP', payments: 'DOWN' });
    });
  });
});
