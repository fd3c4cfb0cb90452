// `npm run bench`: builds the package and the benchmark apps into bench/dist, then runs the harness.
// Flags (see bench/README.md): --quick, --only <scenario,...>, --trials N, --refresh-ms R, --indicators builtin|user.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, '..');
const dist = join(benchDir, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The library gets its own build here, as an installed package: bench/dist/node_modules/nest-vitals with the
// package's package.json, so the servers import `nest-vitals` through its `exports`, as a user does — and other
// work rebuilding libs/health/dist meanwhile cannot pull it from under a running benchmark.
const installed = join(dist, 'node_modules', 'nest-vitals');
for (const entry of ['bench', 'test', 'node_modules']) rmSync(join(dist, entry), { recursive: true, force: true });
mkdirSync(installed, { recursive: true });
copyFileSync(join(root, 'libs/health/package.json'), join(installed, 'package.json'));
run([tsc, '-p', join(root, 'libs/health/tsconfig.lib.json'), '--outDir', join(installed, 'dist')]);
// bench/src and the test suite's helpers it shares (test/support) → bench/dist/bench/src, bench/dist/test/support.
run([tsc, '-p', join(benchDir, 'tsconfig.build.json')]);

const harness = join(dist, 'bench', 'src', 'run.js');
process.argv = [process.argv[0], harness, ...process.argv.slice(2)];
await import(harness);
