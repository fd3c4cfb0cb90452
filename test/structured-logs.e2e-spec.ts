import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthLogEntry, HealthModule } from 'nest-vitals';
import { CapturingLogger } from './support/capturing-logger.js';
import { startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

let proc: RunningProcess | undefined;
afterEach(async () => {
  await proc?.stop();
  proc = undefined;
});

/**
 * Starts the fixture app (a real process) with a logger, runs its `flaky` check three times (UP, a slow
 * DOWN, UP) and returns what it printed from then on.
 */
async function logsOf(mode: 'text' | 'json' | 'pino'): Promise<string[]> {
  proc = startNode(['test/fixtures/structured-logs-app.mjs', mode], { NO_COLOR: '1', FORCE_COLOR: '0' });
  const [, port] = await waitForOutput(proc, /listening on (\d+)/, 60_000);
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  expect(statuses).toEqual([200, 503, 200]);
  // Five events: the slow run, the check's two transitions and readiness's two.
  await waitForOutput(proc, /(health (check|probe) (slow|transition)[^\n]*\n[^]*){5}/);
  const output = proc.output();
  return output
    .slice(output.indexOf('listening on'))
    .split('\n')
    .slice(1)
    .filter((line) => line.includes('health '));
}

describe('log events are objects with fields: one readable line for a text logger, keys for a JSON logger', () => {
  it("Nest's default text logger prints one logfmt line per event", async () => {
    const lines = await logsOf('text');
    // `[Nest] <pid>  - <local time>   WARN [HealthModule] <event>`, the event as one logfmt line.
    expect(lines.every((line) => /^\[Nest\] \d+ {2}- .+ (WARN|LOG) \[HealthModule\] health /.test(line))).toBe(true);
    expect(lines.map((line) => line.slice(line.search(/ (WARN|LOG) \[HealthModule\]/) + 1))).toEqual([
      expect.stringMatching(/^WARN \[HealthModule\] health check slow check=flaky durationMs=(4\d\d|\d{4,}) slowCheckMs=200 status=DOWN$/),
      expect.stringMatching(/^WARN \[HealthModule\] health check transition check=flaky from=UP to=DOWN durationMs=\d+ reason="scripted failure"$/),
      'WARN [HealthModule] health probe transition probe=readiness from=UP to=DOWN',
      expect.stringMatching(/^LOG \[HealthModule\] health check transition check=flaky from=DOWN to=UP durationMs=\d+$/),
      'LOG [HealthModule] health probe transition probe=readiness from=DOWN to=UP',
    ]);
  }, 90_000);

  it('new ConsoleLogger({ json: true }) writes the fields as keys of the message', async () => {
    const records = (await logsOf('json')).map((line) => JSON.parse(line) as { level: string; context: string; message: Record<string, unknown> });
    expect(records.map(({ level, context, message }) => ({ level, context, message }))).toEqual([
      {
        level: 'warn',
        context: 'HealthModule',
        message: { msg: 'health check slow', check: 'flaky', durationMs: expect.any(Number), slowCheckMs: 200, status: 'DOWN' },
      },
      {
        level: 'warn',
        context: 'HealthModule',
        message: { msg: 'health check transition', check: 'flaky', from: 'UP', to: 'DOWN', durationMs: expect.any(Number), reason: 'scripted failure' },
      },
      { level: 'warn', context: 'HealthModule', message: { msg: 'health probe transition', probe: 'readiness', from: 'UP', to: 'DOWN' } },
      {
        level: 'log',
        context: 'HealthModule',
        message: { msg: 'health check transition', check: 'flaky', from: 'DOWN', to: 'UP', durationMs: expect.any(Number) },
      },
      { level: 'log', context: 'HealthModule', message: { msg: 'health probe transition', probe: 'readiness', from: 'DOWN', to: 'UP' } },
    ]);
    expect(records[0].message.durationMs).toBeGreaterThan(200);
  }, 90_000);

  it("nestjs-pino's Logger writes the fields as keys of the record", async () => {
    const records = (await logsOf('pino')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const fields = records.map(({ level, context, msg, check, probe, from, to, durationMs, slowCheckMs, status, reason }) =>
      Object.fromEntries(
        Object.entries({ level, context, msg, check, probe, from, to, durationMs, slowCheckMs, status, reason }).filter(([, v]) => v !== undefined),
      ),
    );
    expect(fields).toEqual([
      { level: 40, context: 'HealthModule', msg: 'health check slow', check: 'flaky', durationMs: expect.any(Number), slowCheckMs: 200, status: 'DOWN' },
      {
        level: 40,
        context: 'HealthModule',
        msg: 'health check transition',
        check: 'flaky',
        from: 'UP',
        to: 'DOWN',
        durationMs: expect.any(Number),
        reason: 'scripted failure',
      },
      { level: 40, context: 'HealthModule', msg: 'health probe transition', probe: 'readiness', from: 'UP', to: 'DOWN' },
      { level: 30, context: 'HealthModule', msg: 'health check transition', check: 'flaky', from: 'DOWN', to: 'UP', durationMs: expect.any(Number) },
      { level: 30, context: 'HealthModule', msg: 'health probe transition', probe: 'readiness', from: 'DOWN', to: 'UP' },
    ]);
    expect(fields[0].durationMs).toBeGreaterThan(200);
  }, 90_000);
});

/** Keeps each line as `CapturingLogger` does, and each message object as it was given. */
class MessageKeepingLogger extends CapturingLogger {
  readonly messages: unknown[] = [];
  override warn(message: unknown, ...params: unknown[]): void {
    this.messages.push(message);
    super.warn(message, ...params);
  }
}

describe('slowCheckMs', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('logs one WARN per run slower than the threshold: the module default, overridden per indicator, 0 disabling it', async () => {
    const logger = new MessageKeepingLogger();
    const slow = scriptedIndicator('slow');
    slow.delayMs = 250;
    const exempt = scriptedIndicator('exempt', { slowCheckMs: 0 });
    exempt.delayMs = 250;
    const lenient = scriptedIndicator('lenient', { slowCheckMs: 5000 });
    lenient.delayMs = 250;
    const fast = scriptedIndicator('fast');
    const started = await startApp({ imports: [HealthModule.forRoot({ slowCheckMs: 100 })], providers: [slow, exempt, lenient, fast] }, { logger });
    app = started.app;
    for (let i = 0; i < 2; i++) expect((await fetch(`${started.url}/health/ready`)).status).toBe(200);

    const warnings = logger.lines.filter((line) => line.includes('health check slow'));
    expect(warnings).toEqual([
      expect.stringMatching(/^WARN health check slow check=slow durationMs=\d+ slowCheckMs=100 status=UP HealthModule$/),
      expect.stringMatching(/^WARN health check slow check=slow durationMs=\d+ slowCheckMs=100 status=UP HealthModule$/),
    ]);
    for (const warning of warnings) expect(Number(/durationMs=(\d+)/.exec(warning)![1])).toBeGreaterThanOrEqual(245);
    // A custom LoggerService gets the entry itself: an exported class, with the fields as properties.
    const [entry] = logger.messages.filter((message) => message instanceof HealthLogEntry);
    expect({ ...entry }).toEqual({
      msg: 'health check slow',
      check: 'slow',
      durationMs: expect.any(Number),
      slowCheckMs: 100,
      status: 'UP',
    });
  });
});
