import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { HealthLogEntry } from './health-log-entry.js';

describe('HealthLogEntry', () => {
  const entry = new HealthLogEntry('health check transition', { check: 'db', from: 'UP', to: 'DOWN', durationMs: 12, reason: 'no "route"\nto host' });

  it('holds msg and the fields as own enumerable properties, in order, for loggers that copy them', () => {
    expect(Object.keys(entry)).toEqual(['msg', 'check', 'from', 'to', 'durationMs', 'reason']);
    expect({ ...entry }).toEqual({ msg: 'health check transition', check: 'db', from: 'UP', to: 'DOWN', durationMs: 12, reason: 'no "route"\nto host' });
  });

  it('serializes to its fields as JSON', () => {
    expect(JSON.parse(JSON.stringify({ message: entry }))).toEqual({ message: { ...entry } });
  });

  it('reads as one logfmt line through String() and util.inspect', () => {
    const line = 'health check transition check=db from=UP to=DOWN durationMs=12 reason="no \\"route\\"\\nto host"';
    expect(String(entry)).toBe(line);
    expect(inspect(entry)).toBe(line);
    expect(inspect(entry, { colors: true, compact: false, breakLength: 20 })).toBe(line);
  });

  it('leaves out undefined fields', () => {
    expect(String(new HealthLogEntry('health probe transition', { probe: 'readiness', from: 'NONE', to: 'UP', reason: undefined }))).toBe(
      'health probe transition probe=readiness from=NONE to=UP',
    );
  });
});
