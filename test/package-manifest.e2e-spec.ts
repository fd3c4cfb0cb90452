import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../libs/health');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

type ImportKind = 'static' | 'dynamic' | 'type';

interface ImportSite {
  file: string;
  line: number;
  specifier: string;
  kind: ImportKind;
}

function filesUnder(dir: string, accept: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, accept);
    return accept(path) ? [path] : [];
  });
}

/** Every import in a file: `import`/`export … from`, `import()`, `require()`, and type-only forms. */
function importsOf(file: string): ImportSite[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, kind: ImportKind) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    sites.push({ file: relative(PACKAGE_DIR, file), line, specifier: literal.text, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((element) => element.isTypeOnly));
      add(node, node.moduleSpecifier, typeOnly ? 'type' : 'static');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, 'type');
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) add(node, node.arguments[0], 'dynamic');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

const sourceFiles = [
  ...filesUnder(join(PACKAGE_DIR, 'src'), (file) => file.endsWith('.ts') && !/\.spec\.ts$/.test(file)),
  ...filesUnder(join(PACKAGE_DIR, 'bin'), (file) => /\.(c|m)?js$/.test(file)),
];
const sites = sourceFiles.flatMap(importsOf);
const bareImports = sites.filter((site) => !site.specifier.startsWith('.') && !isBuiltin(site.specifier));
const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
const optionalPeers = new Set(
  Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([name]) => name),
);
const where = (site: ImportSite) => `${site.file}:${site.line} ${site.kind} import of "${site.specifier}"`;

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
    const escaping = sites.filter((site) => site.specifier.startsWith('.') && relative(PACKAGE_DIR, resolve(PACKAGE_DIR, dirname(site.file), site.specifier)).startsWith('..'));
    expect([...selfImports, ...escaping].map(where)).toEqual([]);
  });

  it('relative imports carry the .js suffix that Node ESM needs at runtime', () => {
    const bare = sites.filter((site) => site.specifier.startsWith('.') && site.kind !== 'type' && !/\.(c|m)?js$|\.json$/.test(site.specifier));
    expect(bare.map(where)).toEqual([]);
  });
});
