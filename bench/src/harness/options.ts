import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** Command-line options of `npm run bench -- …`. */
export interface BenchOptions {
  /** Short runs, few trials: proves the harness works; the figures mean nothing. */
  quick: boolean;
  /** Scenario names to run; empty: all of them. */
  only: string[];
  /** Trials per failure kind in the detection scenario. */
  trials: number;
  /** `refreshIntervalMs` of the detection and scale scenarios. */
  refreshMs: number;
  /** nest-vitals' readiness checks in the probes scenarios: built-in indicators or user-defined classes doing the same. */
  indicators: 'builtin' | 'user';
  databaseUrl: string;
  /** Where latest.md, latest.json and scale.svg go: bench/results on a full run, bench/dist/results on a quick one. */
  resultsDir: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--only a,b] [--trials N] [--refresh-ms R] [--indicators builtin|user]`;

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer; got ${JSON.stringify(value)}\n${USAGE}`);
  return parsed;
}

export function parseBenchOptions(args: string[], scenarioNames: readonly string[], benchDir: string): BenchOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      trials: { type: 'string' },
      'refresh-ms': { type: 'string' },
      indicators: { type: 'string', default: 'builtin' },
    },
  });
  const only = (values.only ?? []).flatMap((value) => value.split(',')).filter(Boolean);
  const unknown = only.filter((name) => !scenarioNames.includes(name));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarioNames.join(', ')}\n${USAGE}`);
  if (values.indicators !== 'builtin' && values.indicators !== 'user') {
    throw new Error(`--indicators must be builtin or user; got ${JSON.stringify(values.indicators)}\n${USAGE}`);
  }
  return {
    quick: values.quick,
    only,
    trials: positiveInteger('trials', values.trials, values.quick ? 3 : 20),
    refreshMs: positiveInteger('refresh-ms', values['refresh-ms'], 500),
    indicators: values.indicators,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    resultsDir: join(benchDir, values.quick ? 'dist/results' : 'results'),
  };
}
