import autocannon from 'autocannon';
import type { BenchServer } from './processes.js';

export interface LoadSummary {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
}

/** Drives `url` with autocannon from the harness process. */
export async function load(url: string, options: LoadOptions): Promise<LoadSummary> {
  const result = await autocannon({ url, pipelining: 1, timeout: 10, ...options });
  const requests = result.requests.total;
  return {
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export interface Measurement extends LoadSummary {
  /** Server CPU time (user + system) per request over the run, in µs. */
  cpuPerRequest: number;
  /** Server CPU time over the run, in µs, and the run's wall-clock time, in ms. */
  cpuMicros: number;
  elapsedMs: number;
}

/** Throughput of one route, and the server's CPU time per request over the same run (less sensitive to other load). */
export async function measure(server: BenchServer, path: string, options: LoadOptions): Promise<Measurement> {
  const before = await server.cpuMicros();
  const started = performance.now();
  const summary = await load(`${server.url}${path}`, options);
  const elapsedMs = performance.now() - started;
  const after = await server.cpuMicros();
  return { ...summary, cpuPerRequest: (after - before) / Math.max(1, summary.requests), cpuMicros: after - before, elapsedMs };
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Least-squares slope of y against x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  const covariance = points.reduce((sum, point) => sum + (point.x - meanX) * (point.y - meanY), 0);
  const variance = points.reduce((sum, point) => sum + (point.x - meanX) ** 2, 0);
  return variance ? covariance / variance : NaN;
}

/** GET with a deadline; the body as text. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}
