import { readFileSync } from 'node:fs';

/** The example payloads in `test/fixtures/remote/` (see its SOURCES.md), by file name without `.json`. */
export type RemoteFixtureName = 'spring-boot-health' | 'health-json-draft-example' | 'terminus-ok' | 'terminus-error' | 'nest-vitals-degraded';

const FIXTURES = new URL('../fixtures/remote/', import.meta.url);

/** A fixture's text exactly as the file holds it. */
export function remoteFixtureText(name: RemoteFixtureName): string {
  return readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8');
}

/** A fresh parsed copy of a fixture. */
export function remoteFixture(name: RemoteFixtureName): Record<string, unknown> {
  return JSON.parse(remoteFixtureText(name)) as Record<string, unknown>;
}

/**
 * A fixture with some values changed, each given by a dotted path (`'components.broker.components.us2.status'`;
 * array items by index: `'checks.cassandra:connections.0.status'`). The file itself is never changed. Throws when
 * a path does not lead to an existing field, so a typo cannot turn a DOWN variant silently into the original.
 */
export function remoteFixtureVariant(name: RemoteFixtureName, changes: Record<string, unknown>): Record<string, unknown> {
  const copy = remoteFixture(name);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let target: unknown = copy;
    for (const key of keys) {
      target = (target as Record<string, unknown> | undefined)?.[key];
      if (typeof target !== 'object' || target === null) throw new Error(`fixture ${name} has no object at "${path}" (stopped at "${key}")`);
    }
    if (!Object.hasOwn(target as object, last)) throw new Error(`fixture ${name} has no field "${path}"`);
    (target as Record<string, unknown>)[last] = value;
  }
  return copy;
}
