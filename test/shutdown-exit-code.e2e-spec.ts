import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

const APP = 'test/fixtures/shutdown-app.mjs';
/** The line of the quick start's main.ts (README) that this suite runs. */
const QUICK_START_HOOKS = "app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });";

const processes: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((proc) => proc.stop()));
});

/** Starts the app, waits until it is ready, sends a real SIGTERM; returns how it ended and what readiness said meanwhile. */
async function terminate(env: Record<string, string>) {
  const port = await allocatePort();
  const proc = startNode([APP], { PORT: String(port), NO_COLOR: '1', DRAIN_MS: '500', ...env });
  processes.push(proc);
  await waitForOutput(proc, /listening \d+/);
  expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  proc.child.kill('SIGTERM');
  await waitForOutput(proc, /draining for 500 ms/, 5000);
  const draining = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
  const { code, signal } = await proc.exited;
  return { code, signal, draining };
}

describe('the exit code after a clean SIGTERM (a real process)', () => {
  it("the quick start's main.ts (useProcessExit) drains, then exits with code 0", async () => {
    expect(readFileSync('README.md', 'utf8')).toContain(QUICK_START_HOOKS);
    expect(await terminate({ USE_PROCESS_EXIT: '1' })).toEqual({ code: 0, signal: null, draining: 503 });
  });

  it('plain enableShutdownHooks() drains too, then Nest re-raises the signal: the process ends by SIGTERM (a shell says 143)', async () => {
    expect(await terminate({})).toEqual({ code: null, signal: 'SIGTERM', draining: 503 });
  });
});
