import { FerryError } from '../errors.js';
import type { CommitRecord, StoreApi } from '../store/index.js';

/** What `ferry recheck` did. */
export interface RecheckResult {
  readonly package: string;
  /** The build that was dropped so the chaser builds its commit again. */
  readonly commit: Pick<CommitRecord, 'id' | 'commitHash' | 'distroHash' | 'status'>;
  /** `rechecked`, or `already-retrying` for a build in RETRY (the chaser retries it anyway). */
  readonly outcome: 'rechecked' | 'already-retrying';
}

/**
 * Asks for a package's last build to be done again, as DLRN's `--recheck`:
 * the newest build record of a failed package is deleted, so the next chase
 * builds that commit again. A package whose last build succeeded is
 * FERRY_CONFLICT (exit 1, HTTP 409), one without builds FERRY_NOT_FOUND.
 */
export async function recheckPackage(store: StoreApi, name: string): Promise<RecheckResult> {
  const last = await store.lastProcessedCommit(name, { excludeStatus: null });
  if (!last) throw new FerryError('FERRY_NOT_FOUND', `no builds of ${name} to recheck`);
  if (last.status === 'RETRY') {
    return { package: name, commit: last, outcome: 'already-retrying' };
  }
  if (last.status === 'SUCCESS') {
    throw new FerryError(
      'FERRY_CONFLICT',
      `the last build of ${name} (${last.commitHash.slice(0, 7)}) succeeded: there is nothing to recheck`,
    );
  }
  await store.deleteCommit(last.id);
  return { package: name, commit: last, outcome: 'rechecked' };
}
