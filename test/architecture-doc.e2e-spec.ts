import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** docs/architecture.md stays true to the code: every folder and file it names exists. */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'libs/health/src');
const PAGE = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** The paths the page names in code spans: folders (`execution/`) and files (`http/health-routes.ts`), placeholders left out. */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
  return [...new Set(spans.filter((span) => /^[a-z0-9._\-/]+$/.test(span) && (span.endsWith('/') || span.endsWith('.ts'))))];
}

function where(path: string): string {
  return /^(libs|test|docs|bench|apps)\//.test(path) ? join(ROOT, path) : join(SRC, path);
}

describe('docs/architecture.md', () => {
  it('names the folders and files of the library', () => {
    const paths = namedPaths(PAGE);
    expect(paths.length).toBeGreaterThan(30);
    expect(paths).toEqual(
      expect.arrayContaining(['http/health-routes.ts', 'handler/health-request.handler.ts', 'evaluation/probe-evaluator.ts', 'indicators/']),
    );
  });

  it('names only folders and files that exist', () => {
    expect(namedPaths(PAGE).filter((path) => !existsSync(where(path)))).toEqual([]);
  });

  it('names every folder of libs/health/src', () => {
    const named = new Set(namedPaths(PAGE).map((path) => path.split('/')[0]));
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !named.has(folder))).toEqual([]);
  });
});
