import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorCheck } from '../interfaces/health-indicator.interface.js';
import type { HealthModuleOptions } from '../options/health-module-options.js';
import { resolveHealthOptions } from '../options/health-options.resolver.js';
import { HealthIndicatorRegistry } from './health-indicator.registry.js';

const check: HealthIndicatorCheck = { check: ({ indicator }) => indicator.up() };

function registryWith(groups: HealthModuleOptions['groups'], indicators: [string, string[]][]): HealthIndicatorRegistry {
  const registry = new HealthIndicatorRegistry(resolveHealthOptions({ groups }), new HealthIndicatorService());
  for (const [name, tags] of indicators) expect(registry.register(check, { name, tags }, name)).toEqual([]);
  return registry;
}

const names = (registry: HealthIndicatorRegistry, group: string) => registry.forGroup(group).map((indicator) => indicator.name);

describe('HealthIndicatorRegistry groups', () => {
  it('selects by name and by tag, minus exclude, in registration order', () => {
    const registry = registryWith(
      {
        payments: { include: ['tag:payments', 'cache'] },
        fast: { include: ['tag:payments', 'tag:edge'], exclude: ['tag:slow', 'ledger'] },
      },
      [
        ['db', ['payments', 'slow']],
        ['cache', ['edge']],
        ['ledger', ['payments']],
        ['queue', ['payments']],
      ],
    );
    expect(names(registry, 'payments')).toEqual(['db', 'cache', 'ledger', 'queue']);
    expect(names(registry, 'fast')).toEqual(['cache', 'queue']);
    expect(names(registry, 'nope')).toEqual([]);
    expect(registry.groupProblems()).toEqual([]);
  });

  it('recomputes members when an indicator comes or goes, and never changes a list a probe holds', () => {
    const registry = registryWith({ tenants: { include: ['tag:tenants'] } }, [['base', ['tenants']]]);
    const before = registry.forGroup('tenants');
    const probeBefore = registry.forProbe('readiness');
    expect(registry.register(check, { name: 'tenant-a', tags: ['tenants'] }, 'runtime')).toEqual([]);
    expect(names(registry, 'tenants')).toEqual(['base', 'tenant-a']);
    expect(registry.forProbe('readiness').map((indicator) => indicator.name)).toEqual(['base', 'tenant-a']);
    expect(before.map((indicator) => indicator.name)).toEqual(['base']);
    expect(probeBefore.map((indicator) => indicator.name)).toEqual(['base']);

    const added = registry.get('tenant-a')!;
    expect(registry.unregister('tenant-a', registry.get('base'))).toBeUndefined();
    expect(registry.unregister('tenant-a', added)).toBe(added);
    expect(added.retired).toBe(true);
    expect(registry.unregister('tenant-a', added)).toBeUndefined();
    expect(names(registry, 'tenants')).toEqual(['base']);
  });

  it('names each problem: a missing check in include or exclude, a group selecting nothing', () => {
    const registry = registryWith({ a: { include: ['db', 'dbb'] }, b: { include: ['tag:none'] }, c: { include: ['db'], exclude: ['tag:storage', 'ghost'] } }, [
      ['db', ['storage']],
    ]);
    expect(registry.groupProblems()).toEqual([
      '"groups.a.include[1]" names the check "dbb", but no check has that name; registered checks: db',
      '"groups.b" selects no check (include: tag:none); a group needs at least one check',
      '"groups.c.exclude[1]" names the check "ghost", but no check has that name; registered checks: db',
      '"groups.c" selects no check (include: db; exclude: tag:storage, ghost); a group needs at least one check',
    ]);
  });
});
