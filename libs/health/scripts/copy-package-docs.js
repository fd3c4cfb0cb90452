// `prepack`: the published package carries the repository's README, LICENSE and CHANGELOG.
// The copies in libs/health are git-ignored; the files at the repository root are the ones to edit.
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = resolve(packageDir, '../..');
for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) {
  copyFileSync(join(repositoryRoot, file), join(packageDir, file));
}
