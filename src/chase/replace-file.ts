import { renameSync, rmSync, writeFileSync } from 'node:fs';

import { asidePath } from '../util/atomic-write.js';

/**
 * Replaces a file atomically for readers and for a killed process (written
 * aside, then renamed), without the fsync of writeFileAtomic: the chaser's
 * files are derived from the store, whose transaction is the durable record,
 * and recovery rewrites them from it. The fsync per file is what made a
 * publish slow on ordinary disks. The calls are synchronous: small files,
 * and an async call is a round trip through the thread pool (a publish made
 * some twenty of those in a row).
 */
export function replaceFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = asidePath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return Promise.resolve();
}
