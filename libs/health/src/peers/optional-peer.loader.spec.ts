import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionalPeerError } from '../errors/optional-peer.error.js';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { loadOptionalPeer, loadOptionalPeerIfInstalled } from './optional-peer.loader.js';

/** A real package on disk whose entry point runs `source`. */
function packageOnDisk(name: string, source: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nest-vitals-peer-')), 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type: 'module', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), source);
  return pathToFileURL(join(dir, 'index.js')).href;
}

const importOf = (specifier: string) => () => import(specifier) as Promise<unknown>;

describe('loadOptionalPeer', () => {
  it('returns the module when the package loads', async () => {
    const loaded = await loadOptionalPeer({ option: 'redis.url', packageName: 'ioredis' }, importOf('ioredis'));
    expect(typeof (loaded as { Redis?: unknown }).Redis).toBe('function');
  });

  it('names the option, the package and the install command when the package is not installed', async () => {
    const failure = loadOptionalPeer({ option: 'redis.url', packageName: 'nest-vitals-absent-peer' }, importOf('nest-vitals-absent-peer'));
    await expect(failure).rejects.toBeInstanceOf(OptionalPeerError);
    await expect(failure).rejects.toBeInstanceOf(HealthOptionsError);
    await expect(failure).rejects.toMatchObject({
      problem: 'missing',
      message:
        'Invalid HealthModule options:\n  - "redis.url" needs the "nest-vitals-absent-peer" package, which is not installed; install it: npm install nest-vitals-absent-peer',
    });
  });

  it('lists every package of the install command when the option needs several', async () => {
    const failure = loadOptionalPeer(
      { option: 'database', packageName: 'nest-vitals-absent-orm', install: ['nest-vitals-absent-orm', '@nestjs/absent'] },
      importOf('nest-vitals-absent-orm'),
    );
    await expect(failure).rejects.toThrow(
      '"database" needs the "nest-vitals-absent-orm" package, which is not installed; install it: npm install nest-vitals-absent-orm @nestjs/absent',
    );
  });

  it('tells a broken install apart: the package is there but importing it throws', async () => {
    const entry = packageOnDisk('nest-vitals-broken-peer', "throw new Error('native binding not built');\n");
    const failure = loadOptionalPeer({ option: 'redis.url', packageName: 'nest-vitals-broken-peer' }, importOf(entry));
    await expect(failure).rejects.toMatchObject({
      problem: 'broken',
      message:
        'Invalid HealthModule options:\n  - "redis.url" needs the "nest-vitals-broken-peer" package, which is installed but failed to load (native binding not built); reinstall it: npm install nest-vitals-broken-peer',
    });
  });

  it('counts a missing dependency of the package as a broken install, not a missing package', async () => {
    const entry = packageOnDisk('nest-vitals-half-peer', "import 'nest-vitals-lost-dependency';\n");
    await expect(loadOptionalPeer({ option: 'metrics', packageName: 'nest-vitals-half-peer' }, importOf(entry))).rejects.toMatchObject({ problem: 'broken' });
  });
});

describe('loadOptionalPeerIfInstalled', () => {
  it('is undefined when the package is not installed, and still throws for a broken install', async () => {
    expect(
      await loadOptionalPeerIfInstalled({ option: 'metrics', packageName: 'nest-vitals-absent-peer' }, importOf('nest-vitals-absent-peer')),
    ).toBeUndefined();
    const entry = packageOnDisk('nest-vitals-broken-peer', "throw new Error('corrupt');\n");
    await expect(loadOptionalPeerIfInstalled({ option: 'metrics', packageName: 'nest-vitals-broken-peer' }, importOf(entry))).rejects.toMatchObject({
      problem: 'broken',
    });
  });
});
