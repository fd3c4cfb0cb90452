import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './load.js';
import type { BenchServer } from './processes.js';

const POLL_MS = 5;

/** Milliseconds from `since` until `/health/ready` answered as wanted, and until `/metrics` showed it; NaN if never within `timeoutMs`. */
export interface Detection {
  readyMs: number;
  metricMs: number;
}

function readinessGauge(metrics: string): number | undefined {
  const value = /^health_status\{probe="readiness"\} (\S+)$/m.exec(metrics)?.[1];
  return value === undefined ? undefined : Number(value);
}

async function pollUntil(probe: () => Promise<boolean>, since: number, deadline: number): Promise<number> {
  while (performance.now() < deadline) {
    try {
      if (await probe()) return performance.now() - since;
    } catch {
      // a refused or reset poll counts as "not yet"
    }
    await sleep(POLL_MS);
  }
  return NaN;
}

/**
 * Polls `/health/ready` and `/metrics` side by side (every 5 ms each) until readiness answers 503 (`want: 'DOWN'`)
 * or 200 (`'UP'`), and `health_status{probe="readiness"}` reads 0 or 1.
 */
export async function watchReadiness(server: BenchServer, want: 'UP' | 'DOWN', since: number, timeoutMs: number): Promise<Detection> {
  const deadline = since + timeoutMs;
  const status = want === 'UP' ? 200 : 503;
  const gauge = want === 'UP' ? 1 : 0;
  const [readyMs, metricMs] = await Promise.all([
    pollUntil(
      async () => {
        const response = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        return response.status === status;
      },
      since,
      deadline,
    ),
    pollUntil(
      async () => {
        const response = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5000) });
        return readinessGauge(await response.text()) === gauge;
      },
      since,
      deadline,
    ),
  ]);
  return { readyMs, metricMs };
}

/** Median and worst of some trials; a trial that never saw the change counts as worst (∞). */
export function summarize(values: readonly number[]): { median: number; worst: number; missed: number } {
  const seen = values.filter((value) => !Number.isNaN(value));
  return { median: median(seen), worst: seen.length < values.length ? Infinity : Math.max(...seen), missed: values.length - seen.length };
}
