import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { headingAnchors, isRelativeLink, markdownLinks } from './support/markdown.js';

/**
 * The documentation holds together: README is a landing page under ~300 lines, every relative link of README and
 * docs/ reaches a file (and its heading, for `#anchor` links), every option of `HealthModuleOptions` is in the
 * options reference, and the packed README links to the repository instead of files the tarball lacks.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PUBLIC_BARREL = join(ROOT, 'libs/health/src/index.ts');
const OPTIONS_REFERENCE = join(ROOT, 'docs/options.md');
const execFileAsync = promisify(execFile);

const PAGES = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join(ROOT, 'docs', file)),
];

function anchorsOf(file: string): string[] {
  return headingAnchors(readFileSync(file, 'utf8'));
}

/**
 * Every property of a type the package exports (inherited and mapped ones included), read by the TypeScript compiler
 * from the public barrel, wherever the type is declared.
 */
function exportedTypeProperties(barrel: string, typeNames: string[]): string[] {
  const program = ts.createProgram([barrel], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(barrel);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${barrel} is not a module`);
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.getName(), symbol]));
  return typeNames.flatMap((name) => {
    const symbol = exported.get(name);
    if (!symbol) throw new Error(`${name} is not exported from ${barrel}`);
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)).map((property) => property.getName());
  });
}

/** The option names the reference documents: code spans in the first column of its tables. */
function documentedOptions(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!firstCell) continue;
    for (const [, name] of firstCell.matchAll(/`([A-Za-z][\w.]*)`/g)) names.add(name);
  }
  return names;
}

describe('README and docs/', () => {
  it('README is a landing page: under 300 lines, with the two commands, install, quick start and a feature list', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    const headings = readme.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(expect.arrayContaining(['## The two commands', '## Install', '## Quick start: a whole app', '## Features', '## Documentation']));
    expect(readme).toContain('npm test');
  });

  it.each(PAGES.map((file) => [relative(ROOT, file), file]))('every relative link of %s resolves, anchors included', (_name, file) => {
    const broken: string[] = [];
    for (const { line, target } of markdownLinks(readFileSync(file, 'utf8'))) {
      if (!isRelativeLink(target)) continue;
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const linked = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(ROOT, file)}:${line} → ${target}`;
      if (!relative(ROOT, linked) || relative(ROOT, linked).startsWith('..')) broken.push(`${where}: outside the repository`);
      else if (!existsSync(linked)) broken.push(`${where}: no such file`);
      else if (anchor !== undefined) {
        if (statSync(linked).isDirectory() || !linked.endsWith('.md')) broken.push(`${where}: an anchor into a file that is not Markdown`);
        else if (!anchorsOf(linked).includes(anchor)) broken.push(`${where}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every page of docs/ is reachable from README', () => {
    const reached = new Set<string>();
    const queue = [join(ROOT, 'README.md')];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const { target } of markdownLinks(readFileSync(file, 'utf8'))) {
        if (!isRelativeLink(target)) continue;
        const linked = resolve(dirname(file), decodeURIComponent(target.split('#')[0]));
        if (linked.endsWith('.md') && existsSync(linked) && linked.startsWith(join(ROOT, 'docs'))) queue.push(linked);
      }
    }
    expect(PAGES.filter((file) => !reached.has(file)).map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('names every option of HealthModuleOptions and HealthModuleExtras in docs/options.md', () => {
    const options = exportedTypeProperties(PUBLIC_BARREL, ['HealthModuleOptions', 'HealthModuleExtras']);
    // The parse found the interface and what it inherits (IndicatorExecutionOptions), not an empty list.
    expect(options).toEqual(
      expect.arrayContaining(['service', 'timeoutMs', 'slowCheckMs', 'microservices', 'rabbitmq', 'nats', 'mqtt', 'tls', 'bullmq', 'path', 'server']),
    );
    const documented = documentedOptions(readFileSync(OPTIONS_REFERENCE, 'utf8'));
    expect(options.filter((option) => !documented.has(option))).toEqual([]);
  });
});

describe('the packed README (prepack)', () => {
  it('links to the repository for every relative link, and each link names a file of the repository', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'libs/health/package.json'), 'utf8')) as { repository?: { url: string; directory?: string } };
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    expect(manifest.repository?.directory).toBe('libs/health');
    const web = manifest.repository!.url.replace(/^git\+/, '').replace(/\.git$/, '');

    const out = mkdtempSync(join(tmpdir(), 'nest-vitals-packed-docs-'));
    try {
      await execFileAsync(process.execPath, [join(ROOT, 'libs/health/scripts/copy-package-docs.js'), out]);
      const original = markdownLinks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      const packed = markdownLinks(readFileSync(join(out, 'README.md'), 'utf8'));
      expect(packed).toHaveLength(original.length);
      const relativeOnes = original.filter(({ target }) => isRelativeLink(target) && !target.startsWith('#'));
      expect(relativeOnes.length).toBeGreaterThan(5);
      const problems: string[] = [];
      packed.forEach(({ target }, index) => {
        const before = original[index].target;
        if (!isRelativeLink(before) || before.startsWith('#')) {
          if (target !== before) problems.push(`${before} changed to ${target}`);
          return;
        }
        const match = new RegExp(`^${web.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(blob|tree)/main/([^#]+)(#.*)?$`).exec(target);
        if (!match) problems.push(`${before} → ${target}: not a repository URL`);
        else if (!existsSync(join(ROOT, decodeURI(match[2])))) problems.push(`${before} → ${target}: no such file in the repository`);
        else if (match[1] === 'tree' && !statSync(join(ROOT, decodeURI(match[2]))).isDirectory())
          problems.push(`${before} → ${target}: a file linked as a folder`);
      });
      expect(problems).toEqual([]);
      // Code is left as it is.
      expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('npm install nest-vitals');
      expect(readFileSync(join(out, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
