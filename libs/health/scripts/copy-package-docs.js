// `prepack`: the published package carries the repository's README, LICENSE and CHANGELOG.
// The copies in libs/health are git-ignored; the files at the repository root are the ones to edit.
// The tarball holds none of docs/, deploy/ or the sample app, so every relative link of README and CHANGELOG
// (`docs/options.md`, `deploy/kubernetes/deployment.yaml`) is rewritten to point at the repository
// (package.json `repository`); links within the page (`#install`) stay as they are.
// `node copy-package-docs.js [destination]` writes elsewhere than the package folder (the docs test does).
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = resolve(packageDir, '../..');
const destination = resolve(process.argv[2] ?? packageDir);
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

/** `git+https://github.com/o/r.git` → `https://github.com/o/r`. */
function repositoryWebUrl() {
  const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!url) throw new Error('libs/health/package.json has no "repository": the packed README could not link to the docs');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

const BRANCH = 'main';

/** The repository URL of a link relative to `fromFile` (a file at the repository root or below it). */
function absolute(target, fromFile) {
  const hash = target.indexOf('#');
  const path = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? '' : target.slice(hash);
  const onDisk = resolve(dirname(fromFile), decodeURI(path));
  const inRepository = relative(repositoryRoot, onDisk).split('\\').join(posix.sep);
  if (inRepository.startsWith('..')) throw new Error(`${relative(repositoryRoot, fromFile)}: link "${target}" leaves the repository`);
  const kind = existsSync(onDisk) && statSync(onDisk).isDirectory() ? 'tree' : 'blob';
  return `${repositoryWebUrl()}/${kind}/${BRANCH}/${encodeURI(inRepository)}${anchor}`;
}

/** Rewrites `[text](relative)` links outside fenced code and code spans. */
export function withRepositoryLinks(markdown, fromFile) {
  let fence;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (opening && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening) fence = undefined;
        return line;
      }
      if (opening) {
        fence = opening;
        return line;
      }
      // Code spans are kept verbatim: split them out, rewrite the prose between them.
      return line
        .split(/(`+[^`]*?`+)/)
        .map((part, index) =>
          index % 2 === 1
            ? part
            : part.replace(/\]\(\s*([^)\s]+)((?:\s+"[^"]*")?)\s*\)/g, (whole, target, title) =>
                /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//') ? whole : `](${absolute(target, fromFile)}${title})`,
              ),
        )
        .join('');
    })
    .join('\n');
}

for (const file of ['README.md', 'CHANGELOG.md']) {
  const source = join(repositoryRoot, file);
  writeFileSync(join(destination, file), withRepositoryLinks(readFileSync(source, 'utf8'), source));
}
copyFileSync(join(repositoryRoot, 'LICENSE'), join(destination, 'LICENSE'));
