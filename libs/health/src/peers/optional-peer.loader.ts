import { OptionalPeerError, type OptionalPeerNeed } from '../errors/optional-peer.error.js';

/** Whether an import failed because the package itself is absent (not because something inside it failed). */
function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // "Cannot find package 'ioredis' imported from ...": a missing dependency of the package names another one.
  return new RegExp(`['"]${packageName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`).test(String((error as Error).message));
}

/**
 * The one way the library imports an optional peer. `load` is the caller's `() => import('pkg')`
 * (a literal import, so bundlers and types see it). Throws `OptionalPeerError` naming the option,
 * the package and the install command: `missing` when the package is absent, `broken` when it is
 * there but importing it throws anything else.
 */
export async function loadOptionalPeer<T>(need: OptionalPeerNeed, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new OptionalPeerError(need, isMissing(error, need.packageName) ? 'missing' : 'broken', error);
  }
}

/** Like `loadOptionalPeer`, for a peer that is used only when present: `undefined` when missing; a broken install still throws. */
export async function loadOptionalPeerIfInstalled<T>(need: OptionalPeerNeed, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await loadOptionalPeer(need, load);
  } catch (error) {
    if (error instanceof OptionalPeerError && error.problem === 'missing') return undefined;
    throw error;
  }
}
