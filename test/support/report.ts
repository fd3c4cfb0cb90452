import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

/** One check as the JSON report shows it. */
export interface ReportedCheck {
  status: 'UP' | 'DEGRADED' | 'DOWN';
  critical: boolean;
  durationMs: number;
  data?: Record<string, unknown>;
  message?: string;
  error?: string;
}

/** One check in a report body, with the fields the engine adds. */
export interface CheckBody extends ReportedCheck {
  checkedAt: string;
  cached: boolean;
}

/** A JSON report body as the health routes answer it (the fields the tests read). */
export interface ReportBody {
  status: string;
  details: Record<string, CheckBody>;
  serviceInfo: Record<string, unknown>;
}

/** A response body typed as the test expects it to be: supertest types `body` as `any`. Defaults to a report body. */
export function bodyOf<T = ReportBody>(response: { body: unknown }): T {
  return response.body as T;
}

export interface Report {
  httpStatus: number;
  status: string;
  details: Record<string, ReportedCheck>;
  /** The raw response, headers and body, for "no secret anywhere" assertions. */
  raw: string;
  /** Wall-clock time of the request, measured around it. */
  elapsedMs: number;
}

/** GETs a report route (default: the full report) and parses it. */
export async function getReport(baseUrl: string, route = '/health'): Promise<Report> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${route}`, { headers: { accept: 'application/json' } });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  const body = JSON.parse(text) as { status: string; details?: Record<string, ReportedCheck> };
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  return { httpStatus: response.status, status: body.status, details: body.details ?? {}, raw: `${headers}\n\n${text}`, elapsedMs };
}

/** GETs `/health/checks/:name` and returns that check. */
export async function getCheck(baseUrl: string, name: string): Promise<ReportedCheck & { raw: string; elapsedMs: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/health/checks/${name}`, { headers: { accept: 'application/json' } });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  if (response.status === 404) throw new Error(`no check ${name}: ${text}`);
  const headers = [...response.headers].map(([header, value]) => `${header}: ${value}`).join('\n');
  return { ...(JSON.parse(text) as ReportedCheck), raw: `${headers}\n\n${text}`, elapsedMs };
}

/** Polls until `accept` passes on a value `probe` returns, or fails with the last value after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const errorText = lastError instanceof Error ? String(lastError) : inspect(lastError);
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${errorText}` : ''}`);
    }
    await sleep(intervalMs);
  }
}
