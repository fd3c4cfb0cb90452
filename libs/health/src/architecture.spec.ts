import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The group of a file: its first folder under src; a file at the root is a group of its own. */
function groupOf(file: string): string {
  const [first, ...rest] = file.split('/');
  return rest.length > 0 ? first : file;
}

/** Every relative import of every library file (specs excluded), as [from, to] paths relative to src. */
function importEdges(): [string, string][] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(sep).join('/'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
  const edges: [string, string][] = [];
  for (const file of files) {
    const source = readFileSync(join(SRC, file), 'utf8');
    for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
      if (!target.startsWith('..')) edges.push([file, target]);
    }
  }
  return edges;
}

/** Groups that reach each other through imports (strongly connected components of more than one group). */
function groupCycles(edges: [string, string][]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const [a, b] = [groupOf(from), groupOf(to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  // Tarjan's algorithm.
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    lowlinks.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)!) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return components;
}

describe('architecture of libs/health/src', () => {
  it('reads the imports of the library', () => {
    const edges = importEdges();
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual(['health.module.ts', 'registry/health.explorer.ts']);
  });

  it('has no folder cycle: no folder imports a folder that imports it, directly or through others', () => {
    const edges = importEdges();
    const cycles = groupCycles(edges).map((groups) => {
      const inCycle = new Set(groups);
      const through = edges
        .filter(([from, to]) => groupOf(from) !== groupOf(to) && inCycle.has(groupOf(from)) && inCycle.has(groupOf(to)))
        .map(([from, to]) => `${from} → ${to}`);
      return `${groups.join(' ↔ ')}:\n    ${through.join('\n    ')}`;
    });
    expect(cycles).toEqual([]);
  });

  it('sees a cycle when there is one (the check itself can fail)', () => {
    expect(
      groupCycles([
        ['a/x.ts', 'b/y.ts'],
        ['b/y.ts', 'c/z.ts'],
        ['c/z.ts', 'a/w.ts'],
        ['d/v.ts', 'a/x.ts'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });
});
