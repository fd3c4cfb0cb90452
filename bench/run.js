// `npm run bench`: builds the package (libs/health/dist) and the benchmark apps (bench/dist), then runs the harness.
// Flags: --quick (short runs, for trying the harness), --indicators=user|builtin, --skip-lib-build,
// --only=throughput,slow,pings,hung,heap,bootstrap (a subset of the scenarios).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, '..');
const dist = join(benchDir, 'dist');
const args = process.argv.slice(2);

function run(command, commandArgs) {
  const result = spawnSync(process.execPath, [command, ...commandArgs], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!args.includes('--skip-lib-build')) run(join(root, 'libs/health/scripts/build.js'), []);
for (const entry of ['apps', 'node_modules']) rmSync(join(dist, entry), { recursive: true, force: true });
run(createRequire(import.meta.url).resolve('typescript/bin/tsc'), ['-p', join(benchDir, 'tsconfig.json')]);
// The servers import `nest-vitals` by its package name, resolved through libs/health/package.json
// `exports` to the built dist/ — what an installed package gives a user.
mkdirSync(join(dist, 'node_modules'), { recursive: true });
const link = join(dist, 'node_modules', 'nest-vitals');
symlinkSync(relative(dirname(link), join(root, 'libs/health')), link, 'dir');

process.argv = [process.argv[0], join(dist, 'run.js'), ...args.filter((arg) => arg !== '--skip-lib-build')];
await import(join(dist, 'run.js'));
