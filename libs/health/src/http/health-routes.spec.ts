import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../interfaces/health-status.interface.js';
import { DETAILS_ROUTES, HEALTH_ROUTES, RESERVED_GROUP_NAMES, matchHealthRoute, subjectOfRoute } from './health-routes.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/** String literals of a source file, comments left out. */
function literals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

describe('the route table', () => {
  it('is the only place a route name or path is written', () => {
    const spelled = new Set(
      HEALTH_ROUTES.flatMap((route) => (route.path ? [route.name, route.path, `/${route.path}`, route.path.split('/')[0]] : [route.name])),
    );
    // A probe shares its name with its route ('startup'): as a probe it is the probe's name, not the route's.
    for (const probe of PROBES) spelled.delete(probe);
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
      .map((file) => file.split(sep).join('/'))
      // Indicators speak their dependencies' words (ioredis' `ready` status), never a route's.
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'http/health-routes.ts' && !file.startsWith('indicators/'));
    const found = files.flatMap((file) =>
      literals(readFileSync(join(SRC, file), 'utf8'))
        .filter((literal) => spelled.has(literal))
        .map((literal) => `${file}: '${literal}'`),
    );
    expect(found).toEqual([]);
  });

  it('names each route once and keeps the names the options and URLs have always used', () => {
    expect(new Set(HEALTH_ROUTES.map((route) => route.name)).size).toBe(HEALTH_ROUTES.length);
    expect(new Set(HEALTH_ROUTES.map((route) => route.path)).size).toBe(HEALTH_ROUTES.length);
    expect(DETAILS_ROUTES).toEqual(['ready', 'startup', 'report', 'checks']);
    expect(RESERVED_GROUP_NAMES).toEqual(['live', 'ready', 'startup', 'checks', 'groups', 'settings']);
  });

  it('matches a path below the module path to its row and decoded parameter', () => {
    const match = (path: string) => {
      const matched = matchHealthRoute(path);
      return matched && { name: matched.route.name, params: matched.params };
    };
    expect(match('')).toEqual({ name: 'report', params: {} });
    expect(match('/')).toEqual({ name: 'report', params: {} });
    expect(match('/live')).toEqual({ name: 'live', params: {} });
    expect(match('/checks/pay%20ments')).toEqual({ name: 'checks', params: { name: 'pay ments' } });
    expect(match('/checks/%E0%A4%A')).toEqual({ name: 'checks', params: { name: '%E0%A4%A' } });
    expect(match('/groups/edge')).toEqual({ name: 'groups', params: { name: 'edge' } });
    for (const path of ['/checks', '/checks/', '/checks/a/b', '//live', '/liveness', '/live/x', 'live']) expect([path, match(path)]).toEqual([path, undefined]);
  });

  it('names what a route answers for', () => {
    const subject = (name: string, param?: string) =>
      subjectOfRoute(
        HEALTH_ROUTES.find((route) => route.name === name)!,
        param,
      );
    expect([subject('live'), subject('ready'), subject('report'), subject('checks', 'db'), subject('groups', 'edge'), subject('checks')]).toEqual([
      'liveness',
      'readiness',
      'health',
      'db',
      'group edge',
      'check',
    ]);
  });
});
