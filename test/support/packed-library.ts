import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The library packed as `npm pack` publishes it, shared by the suites that install it into fresh apps. Packing runs
 * the prepack script (a clean build with its checks, then README/LICENSE/CHANGELOG) in a staged copy of what it
 * needs, so the working tree other suites use is never touched. The tarball is kept in the temp folder under a hash
 * of everything that goes into it: the suites of one run (and later runs on unchanged sources) pack once.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PACKAGE_DIR = join(ROOT, 'libs/health');
const execFileAsync = promisify(execFile);

export interface PackedLibrary {
  tarball: string;
  /** Paths inside the tarball, relative to its `package/` folder. */
  files: string[];
}

const INPUTS_AT_ROOT = ['tsconfig.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
const SKIPPED_IN_PACKAGE = /^(dist|node_modules|README\.md|LICENSE|CHANGELOG\.md|.*\.tgz)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const packageFiles = filesUnder(PACKAGE_DIR)
    .filter((file) => !SKIPPED_IN_PACKAGE.test(relative(PACKAGE_DIR, file).split(sep)[0]))
    .sort();
  for (const file of [...packageFiles, ...INPUTS_AT_ROOT.map((name) => join(ROOT, name))]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(installedVersion('typescript'));
  return hash.digest('hex').slice(0, 16);
}

function stageRepository(into: string): string {
  cpSync(PACKAGE_DIR, join(into, 'libs/health'), {
    recursive: true,
    filter: (source) => !SKIPPED_IN_PACKAGE.test(relative(PACKAGE_DIR, source).split(sep)[0]),
  });
  for (const file of INPUTS_AT_ROOT) copyFileSync(join(ROOT, file), join(into, file));
  // The prepack script rewrites README links by what exists in the repository; docs/ is enough for that.
  if (existsSync(join(ROOT, 'docs'))) cpSync(join(ROOT, 'docs'), join(into, 'docs'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
  return join(into, 'libs/health');
}

/** Packs the library (or reuses the tarball of identical sources) and returns where it is. */
export async function packLibrary(): Promise<PackedLibrary> {
  const cacheDir = join(tmpdir(), `nest-vitals-packed-${inputsHash()}`);
  const manifestFile = join(cacheDir, 'packed.json');
  if (existsSync(manifestFile)) return JSON.parse(readFileSync(manifestFile, 'utf8')) as PackedLibrary;

  const work = mkdtempSync(join(tmpdir(), 'nest-vitals-pack-'));
  try {
    const { stdout } = await execFileAsync('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], {
      cwd: stageRepository(join(work, 'repository')),
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
    const ready = join(work, 'ready');
    mkdirSync(ready);
    renameSync(join(work, packed.filename), join(ready, packed.filename));
    const result: PackedLibrary = { tarball: join(cacheDir, packed.filename), files: packed.files.map((file) => file.path) };
    writeFileSync(join(ready, 'packed.json'), JSON.stringify(result));
    try {
      renameSync(ready, cacheDir); // atomic: a concurrent run either finds the whole folder or none
    } catch {
      if (!existsSync(manifestFile)) throw new Error(`could not store the packed library in ${cacheDir}`);
    }
    return JSON.parse(readFileSync(manifestFile, 'utf8')) as PackedLibrary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The version of a package installed in the repository (what its tests run against). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}
