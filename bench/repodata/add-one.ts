/**
 * Times the chaser's library call: updateRepodata() adding one package to a
 * repository whose metadata (and sidecar cache) is already written, with the
 * repodata extension the chaser and `ferry repo index` write (the dependency
 * index; without it the cache's layout would not match and every table entry
 * would be rebuilt, which the chaser never does). The first call runs in a
 * fresh process (cold); further calls first drop the package again
 * (untimed), pause as a chaser does while its next package builds, and then
 * re-add it (timed), as a long-running chaser would. Prints {"times": [ms, ...]}.
 *
 * usage: node --import tsx bench/repodata/add-one.ts REPO_DIR HREF [CALLS]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as DependencyIndex from '../../src/closure/dependency-index-extension.js';
import type * as RepoLibrary from '../../src/repo/index.js';

// The compiled library, as ferry runs it (npm run build).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { updateRepodata } = (await import(join(ROOT, 'dist/repo/index.js'))) as typeof RepoLibrary;
const { dependencyIndexExtension } = (await import(
  join(ROOT, 'dist/closure/dependency-index-extension.js')
)) as typeof DependencyIndex;
const extensions = [dependencyIndexExtension()];

const [repoDir, href, calls = '1'] = process.argv.slice(2);
if (!repoDir || !href) throw new Error('usage: add-one.ts REPO_DIR HREF [CALLS]');
const times: number[] = [];
for (let i = 0; i < Number(calls); i++) {
  if (i > 0) {
    await updateRepodata({ repoDir, remove: [href], extensions });
    // A chaser waits for its next build between publishes: the extension prepares its parts then.
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const start = performance.now();
  const result = await updateRepodata({ repoDir, add: [href], extensions });
  times.push(performance.now() - start);
  if (result.previous !== 'cache' || result.added !== 1) {
    throw new Error(`expected an add from the cache, got ${JSON.stringify(result)}`);
  }
}
console.log(JSON.stringify({ times }));
