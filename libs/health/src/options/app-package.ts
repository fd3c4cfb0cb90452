import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../validation/option-rules.js';

/** Name and version of the app's package.json (in the working directory), for the service defaults. */
export function readAppPackage(): { name?: string; version?: string } {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
    return isPlainObject(pkg) ? { name: pkg.name as string | undefined, version: pkg.version as string | undefined } : {};
  } catch {
    return {};
  }
}
