import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf, isNodeBuiltin, packageName, type ImportSite } from './support/module-imports.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../libs/health');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

function filesUnder(dir: string, accept: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, accept);
    return accept(path) ? [path] : [];
  });
}

const sourceFiles = [
  ...filesUnder(join(PACKAGE_DIR, 'src'), (file) => file.endsWith('.ts') && !/\.spec\.ts$/.test(file)),
  ...filesUnder(join(PACKAGE_DIR, 'bin'), (file) => /\.(c|m)?js$/.test(file)),
];
const sites = sourceFiles.flatMap(importsOf);
const bareImports = sites.filter((site) => !site.specifier.startsWith('.') && !isNodeBuiltin(site.specifier));
const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
const optionalPeers = new Set(
  Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([name]) => name),
);
const where = (site: ImportSite) => `${relative(PACKAGE_DIR, site.file)}:${site.line} ${site.kind} import of "${site.specifier}"`;

describe('libs/health/package.json declares what libs/health imports', () => {
  it('finds the sources and their imports', () => {
    expect(sourceFiles.length).toBeGreaterThan(10);
    expect(bareImports.map((site) => packageName(site.specifier))).toEqual(expect.arrayContaining(['@nestjs/common', '@nestjs/core', '@nestjs/terminus']));
  });

  it('every package imported under libs/health/src and libs/health/bin is a dependency or a peer', () => {
    const undeclared = bareImports.filter((site) => !declared.has(packageName(site.specifier)));
    expect(undeclared.map(where)).toEqual([]);
  });

  it('optional peers are imported only dynamically or as types, so an app without them still loads the package', () => {
    expect(optionalPeers.size).toBeGreaterThan(0);
    const eager = bareImports.filter((site) => optionalPeers.has(packageName(site.specifier)) && site.kind === 'static');
    expect(eager.map(where)).toEqual([]);
  });

  it('every optional peer is declared as a peer, and every peer with a range', () => {
    for (const name of optionalPeers) expect(manifest.peerDependencies).toHaveProperty([name]);
    for (const range of Object.values(manifest.peerDependencies ?? {})) expect(range).toMatch(/\d/);
  });

  it('nothing imports the package by its own name (a path alias) or reaches outside the package', () => {
    const selfImports = sites.filter((site) => packageName(site.specifier) === manifest.name);
    const escaping = sites.filter(
      (site) => site.specifier.startsWith('.') && relative(PACKAGE_DIR, resolve(dirname(site.file), site.specifier)).startsWith('..'),
    );
    expect([...selfImports, ...escaping].map(where)).toEqual([]);
  });

  it('relative imports carry the .js suffix that Node ESM needs at runtime', () => {
    const bare = sites.filter((site) => site.specifier.startsWith('.') && site.kind !== 'type' && !/\.(c|m)?js$|\.json$/.test(site.specifier));
    expect(bare.map(where)).toEqual([]);
  });
});
