import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule, HealthService, type HealthModuleOptions, type HealthStatusChange } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { scriptedIndicator, type ScriptedAnswer } from './support/indicators.js';

/** Keeps every line the app logs, with its level and context. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  private keep(level: string, message: unknown, params: unknown[]) {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    this.lines.push({ level, message: String(message), context });
  }
  log(message: unknown, ...params: unknown[]) {
    this.keep('log', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.keep('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.keep('error', message, params);
  }
}

/** logfmt fields of a transition line: `key=value` or `key="quoted value"`. */
function fields(line: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [, key, value] of line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    result[key] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return result;
}

/** `kind:name:from->to` of a transition line. */
function described(line: { message: string }): string {
  const parsed = fields(line.message);
  const kind = parsed.check === undefined ? 'probe' : 'check';
  return `${kind}:${parsed[kind]}:${parsed.from}->${parsed.to}`;
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The script: how `flaky` answers in each phase, and what its reported status becomes. */
const PHASES: ScriptedAnswer[] = ['up', 'down', 'degraded', 'up', 'down', 'up'];
const EXPECTED_CHECK_TRANSITIONS = ['UP->DOWN', 'DOWN->DEGRADED', 'DEGRADED->UP', 'UP->DOWN', 'DOWN->UP'];
// `flaky` is not critical: while it is DOWN or DEGRADED, readiness and the full report are DEGRADED.
const EXPECTED_PROBE_TRANSITIONS = ['UP->DEGRADED', 'DEGRADED->UP', 'UP->DEGRADED', 'DEGRADED->UP'];
const ROUTES = ['/health/ready', '/health', '/health/live', '/health/checks/flaky', '/health/ready', '/health'];

async function probeUnderLoad(options: HealthModuleOptions, phaseMs: number) {
  const logger = new RecordingLogger();
  const flaky = scriptedIndicator('flaky', { critical: false });
  const steady = scriptedIndicator('steady');
  const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always', ...options })], providers: [flaky, steady] }, { logger });
  app = started.app;
  const changes: HealthStatusChange[] = [];
  const subscription = app.get(HealthService).changes$.subscribe((change) => changes.push(change));

  // Eight clients probe without pause, on every route, for the whole script.
  let probing = true;
  let requests = 0;
  const statuses = new Set<number>();
  const clients = Array.from({ length: 8 }, async (_, client) => {
    for (let i = client; probing; i++) {
      const response = await fetch(`${started.url}${ROUTES[i % ROUTES.length]}`);
      await response.arrayBuffer();
      statuses.add(response.status);
      requests++;
    }
  });
  for (const answer of PHASES) {
    flaky.answer = answer;
    await sleep(phaseMs);
  }
  probing = false;
  await Promise.all(clients);
  subscription.unsubscribe();
  return { logger, changes, requests, statuses, flakyRuns: flaky.runs, steadyRuns: steady.runs };
}

/**
 * `exactProbes`: probes follow the script exactly. Not with background refresh: on a loaded machine a
 * refresh can fall behind by more than 3 intervals, and a stale result is DOWN by design (`steady`
 * is critical), which is a real probe transition and logged as one.
 */
function assertOneLinePerTransition({ logger, changes }: Awaited<ReturnType<typeof probeUnderLoad>>, { exactProbes }: { exactProbes: boolean }) {
  const transitionLines = logger.lines.filter((line) => line.message.startsWith('health '));
  // Every line comes from the module's logger context, through the app's logger.
  expect(new Set(transitionLines.map((line) => line.context))).toEqual(new Set(['HealthModule']));

  const flakyLines = transitionLines.filter((line) => fields(line.message).check === 'flaky');
  expect(flakyLines.map((line) => `${fields(line.message).from}->${fields(line.message).to}`)).toEqual(EXPECTED_CHECK_TRANSITIONS);
  expect(flakyLines.map((line) => line.level)).toEqual(['warn', 'warn', 'log', 'warn', 'log']);
  for (const line of flakyLines) {
    const parsed = fields(line.message);
    expect(line.message).toMatch(/^health check transition check=flaky from=\w+ to=\w+ durationMs=\d+/);
    expect(Number(parsed.durationMs)).toBeGreaterThanOrEqual(0);
    if (parsed.to === 'DOWN') expect(parsed.reason).toBe('scripted failure');
    if (parsed.to === 'DEGRADED') expect(parsed.reason).toBe('scripted degradation');
  }
  // A check that never changes is never logged (its first UP is no news).
  expect(transitionLines.filter((line) => fields(line.message).check === 'steady')).toEqual([]);

  for (const probe of ['readiness', 'all']) {
    const probeLines = transitionLines.filter((line) => fields(line.message).probe === probe);
    const sequence = probeLines.map((line) => `${fields(line.message).from}->${fields(line.message).to}`);
    if (exactProbes) expect(sequence).toEqual(EXPECTED_PROBE_TRANSITIONS);
    else expect(sequence.length).toBeGreaterThanOrEqual(EXPECTED_PROBE_TRANSITIONS.length);
  }
  // Per check and per probe, the lines form one chain: each starts where the previous ended, none repeats a status.
  for (const key of new Set(transitionLines.map((line) => described(line).split(':').slice(0, 2).join(':')))) {
    const chain = transitionLines
      .map(described)
      .filter((entry) => entry.startsWith(`${key}:`))
      .map((entry) => entry.slice(key.length + 1).split('->'));
    chain.forEach(([from, to], index) => {
      expect(from).not.toBe(to);
      if (index > 0) expect(from).toBe(chain[index - 1][1]);
    });
  }
  // Liveness has no indicators here: always UP, never logged.
  expect(transitionLines.filter((line) => fields(line.message).probe === 'liveness')).toEqual([]);

  // And in general: one line per notable change the module emitted, no more, no fewer.
  const notable = changes.filter((change) => !(change.from === undefined && change.to === 'UP'));
  expect(transitionLines).toHaveLength(notable.length);
  expect(transitionLines.map(described)).toEqual(notable.map((change) => `${change.kind}:${change.name}:${change.from ?? 'NONE'}->${change.to}`));
}

describe('transition logs under sustained probing', () => {
  it('logs exactly one line per transition when every probe runs the checks (single-flight, no cache)', async () => {
    const result = await probeUnderLoad({}, 250);
    expect(result.requests).toBeGreaterThan(300);
    expect(result.flakyRuns).toBeGreaterThan(50);
    // 503 only from /checks/flaky while flaky is DOWN; never a 500.
    expect([...result.statuses].sort()).toEqual([200, 503]);
    assertOneLinePerTransition(result, { exactProbes: true });
  });

  it('logs exactly one line per transition when probes answer from the background refresh', async () => {
    const result = await probeUnderLoad({ refreshIntervalMs: 100 }, 400);
    expect(result.requests).toBeGreaterThan(300);
    // The refresh runs the check, not the requests: far fewer runs than requests.
    expect(result.flakyRuns).toBeLessThan(result.requests / 4);
    assertOneLinePerTransition(result, { exactProbes: false });
  });

  it('logs a check that starts unhealthy once, with from=NONE', async () => {
    const logger = new RecordingLogger();
    const broken = scriptedIndicator('broken', { critical: false });
    broken.answer = 'down';
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [broken] }, { logger });
    app = started.app;
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${started.url}/health/ready`).then((r) => r.arrayBuffer())));
    for (let i = 0; i < 10; i++) await (await fetch(`${started.url}/health/ready`)).arrayBuffer();
    const lines = logger.lines.filter((line) => line.message.startsWith('health check transition'));
    expect(lines).toEqual([
      {
        level: 'warn',
        context: 'HealthModule',
        message: expect.stringMatching(/^health check transition check=broken from=NONE to=DOWN durationMs=\d+ reason="scripted failure"$/),
      },
    ]);
  });
});
