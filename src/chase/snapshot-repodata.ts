import { FerryError } from '../errors.js';
import { indexRepository, updateRepodata } from '../repo/index.js';
import type { RepodataPort } from './snapshot-stage.js';

/**
 * Repodata of a snapshot through the repo library: derived from the previous
 * snapshot's metadata (its sidecar cache) with only the published package's
 * RPMs read, or indexed from scratch for a first snapshot. The files of the
 * other packages are links to the same RPMs, so their metadata carries over.
 */
export const libraryRepodata: RepodataPort = {
  async write(dir, change) {
    if (change.previous === null) {
      const result = await indexRepository(dir);
      if (!result.written) {
        throw new FerryError(
          'FERRY_RPM_INVALID',
          `cannot index ${dir}: ${result.broken.map((b) => `${b.href}: ${b.reason}`).join('; ')}`,
        );
      }
      return;
    }
    await updateRepodata({ repoDir: dir, base: change.previous, add: change.added, remove: change.removed });
  },
};
