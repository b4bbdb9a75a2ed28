/** A repodata extension part for tests: the package name and its number of files, as text. */
import { isMainThread } from 'node:worker_threads';

import type { RpmPackage } from '../../src/rpm/package.js';

export function namePart(pkg: RpmPackage): Uint8Array {
  return new TextEncoder().encode(`${pkg.name} ${pkg.files.length}\n`);
}

/** Which thread built the part: shows that worker threads really built it. */
export function threadPart(): Uint8Array {
  return new TextEncoder().encode(isMainThread ? 'main\n' : 'worker\n');
}
