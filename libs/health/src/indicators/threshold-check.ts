import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { BoundHealthIndicator } from '../interfaces/health-indicator.interface.js';

/** A measured value and the thresholds it is compared with. */
export interface MeasuredValue {
  /** How the value is named in messages, e.g. `heap used`. */
  label: string;
  value: number;
  unit: string;
  /** At or beyond this the check is DEGRADED. */
  warn?: number;
  /** At or beyond this the check is DOWN. */
  down?: number;
  /** `above` (default): a value at or above a threshold reaches it; `below`: a value under it does (free space). */
  bad?: 'above' | 'below';
}

export interface ThresholdVerdict {
  status: 'up' | 'degraded' | 'down';
  /** Every threshold reached, worst first; absent when UP. */
  message?: string;
}

function reached(value: number, threshold: number | undefined, bad: 'above' | 'below'): threshold is number {
  return threshold !== undefined && (bad === 'above' ? value >= threshold : value < threshold);
}

function format(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * DOWN when any value reaches its down threshold, else DEGRADED when any reaches its warn
 * threshold, else UP. The message names each value, its threshold and its unit.
 */
export function evaluateThresholds(values: MeasuredValue[]): ThresholdVerdict {
  const down: string[] = [];
  const warn: string[] = [];
  for (const { label, value, unit, bad = 'above', ...limits } of values) {
    const comparison = bad === 'above' ? 'reached' : 'is below';
    if (reached(value, limits.down, bad)) {
      down.push(`${label} ${format(value)} ${unit} ${comparison} the down threshold of ${format(limits.down)} ${unit}`);
    } else if (reached(value, limits.warn, bad)) {
      warn.push(`${label} ${format(value)} ${unit} ${comparison} the warn threshold of ${format(limits.warn)} ${unit}`);
    }
  }
  if (down.length > 0) return { status: 'down', message: [...down, ...warn].join('; ') };
  if (warn.length > 0) return { status: 'degraded', message: warn.join('; ') };
  return { status: 'up' };
}

/** Rounds to two decimals, for `data` fields in MB or ms. */
export function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}

export const BYTES_PER_MB = 1024 * 1024;

/** The Terminus result for a verdict: `up(data)`, or `degraded`/`down` with the message beside the data. */
export function resultFor(session: BoundHealthIndicator, verdict: ThresholdVerdict, data: Record<string, unknown>): HealthIndicatorResult {
  if (verdict.status === 'up') return session.up(data);
  return verdict.status === 'degraded' ? session.degraded({ ...data, message: verdict.message }) : session.down({ ...data, message: verdict.message });
}
