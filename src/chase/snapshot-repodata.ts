import { dependencyIndexExtension } from '../closure/index.js';
import { FerryError } from '../errors.js';
import { indexRepository, updateRepodata } from '../repo/index.js';
import type { RepodataPort } from './snapshot-stage.js';

/**
 * Repodata of a snapshot through the repo library: derived from the previous
 * snapshot's metadata (its sidecar cache) with only the published package's
 * RPMs read, or indexed from scratch for a first snapshot. The files of the
 * other packages are links to the same RPMs, so their metadata carries over.
 * Every snapshot carries the closure's dependency index, so checking it
 * (`ferry repo closure`, the CI gate) never parses its XML.
 */
const extensions = [dependencyIndexExtension()];

export const libraryRepodata: RepodataPort = {
  async write(dir, change) {
    if (change.previous === null) {
      const result = await indexRepository(dir, { extensions });
      if (!result.written) {
        throw new FerryError(
          'FERRY_RPM_INVALID',
          `cannot index ${dir}: ${result.broken.map((b) => `${b.href}: ${b.reason}`).join('; ')}`,
        );
      }
      return;
    }
    await updateRepodata({
      repoDir: dir,
      base: change.previous,
      add: change.added,
      remove: change.removed,
      extensions,
      // The staging directory is new (stageSnapshot made it).
      freshRepoDir: true,
    });
  },
};
