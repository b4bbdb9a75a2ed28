import { rename, rm, writeFile } from 'node:fs/promises';

import { asidePath } from '../util/atomic-write.js';

/**
 * Replaces a file atomically for readers and for a killed process (written
 * aside, then renamed), without the fsync of writeFileAtomic: the chaser's
 * files are derived from the store, whose transaction is the durable record,
 * and recovery rewrites them from it. The fsync per file is what made a
 * publish slow on ordinary disks.
 */
export async function replaceFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = asidePath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
