// Builds the package: a clean `dist/` from `src/` (tsconfig.lib.json), then checks what was emitted.
// Run from anywhere: `node libs/health/scripts/build.js` (root `npm run build:lib`) or `npm run build` here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(packageDir, 'dist');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

rmSync(distDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.lib.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

const problems = [];
const files = filesUnder(distDir);
const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
for (const file of files) {
  const name = relative(packageDir, file);
  if (/\.spec\./.test(name)) problems.push(`${name}: spec files must not be built into the package`);
  if (!file.endsWith('.js')) continue;
  if (!files.includes(`${file}.map`)) problems.push(`${name}: no source map`);
  if (!files.includes(file.replace(/\.js$/, '.d.ts'))) problems.push(`${name}: no declaration file`);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(specifierPattern)) {
    if (specifier === manifest.name || specifier.startsWith(`${manifest.name}/`)) {
      problems.push(`${name}: imports its own package name "${specifier}" (a path alias leaked)`);
    } else if (specifier.startsWith('.') && !resolve(dirname(file), specifier).startsWith(distDir)) {
      problems.push(`${name}: imports "${specifier}", outside dist/`);
    }
  }
}
for (const entry of Object.values(manifest.exports).flatMap((target) => (typeof target === 'object' ? [target.types, target.default] : []))) {
  if (!existsSync(join(packageDir, entry))) problems.push(`package.json exports ${entry}, which the build did not emit`);
}
if (problems.length > 0) {
  console.error(`nest-vitals build: ${problems.length} problem(s) in dist/\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`nest-vitals build: ${files.length} files in ${relative(process.cwd(), distDir) || '.'} (declarations and source maps checked)`);
