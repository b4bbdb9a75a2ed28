import { sql } from 'kysely';

import { FerryError } from '../errors.js';
import { FLAG_PURGED, isBuildStatus, type BuildStatus } from './records.js';
import type { StoreContext } from './store-context.js';

/** Changes a recorded build's status (DLRN marks a build FAILED when syncing its repo fails afterwards). */
export async function setCommitStatus(
  ctx: StoreContext,
  id: number,
  status: BuildStatus,
  notes?: string | null,
): Promise<void> {
  if (!isBuildStatus(status))
    throw new FerryError('FERRY_USAGE', `unknown build status ${JSON.stringify(status)}`);
  const result = await ctx.db
    .updateTable('commits')
    .set(notes === undefined ? { status } : { status, notes })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new FerryError('FERRY_NOT_FOUND', `no commit with id ${id}`);
}

/** Marks that a failure notification went out for this build. */
export async function markNotified(ctx: StoreContext, id: number): Promise<void> {
  await ctx.db.updateTable('commits').set({ notified: 1 }).where('id', '=', id).execute();
}

/** Sets the purged flag on these commits (their snapshot files were removed); returns how many changed. */
export async function markPurged(ctx: StoreContext, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  let changed = 0;
  // Chunks keep the parameter count far below both dialects' limits.
  for (let i = 0; i < ids.length; i += 500) {
    const result = await ctx.db
      .updateTable('commits')
      .set({ flags: sql<number>`flags | ${FLAG_PURGED}` })
      .where('id', 'in', ids.slice(i, i + 500))
      .where(sql<boolean>`(flags & ${FLAG_PURGED}) = 0`)
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}

/**
 * Deletes a build record: how DLRN rechecks a failed package (the chaser then
 * builds its commit again). A commit that votes or promotions refer to is not
 * deleted (FERRY_CONFLICT): history is never dropped silently.
 */
export async function deleteCommit(ctx: StoreContext, id: number): Promise<void> {
  const referenced = await ctx.db
    .selectFrom('civotes')
    .select('id')
    .where('commit_id', '=', id)
    .union(ctx.db.selectFrom('promotions').select('id').where('commit_id', '=', id))
    .limit(1)
    .executeTakeFirst();
  if (referenced) {
    throw new FerryError('FERRY_CONFLICT', `commit ${id} has votes or promotions; it cannot be deleted`);
  }
  const result = await ctx.db.deleteFrom('commits').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new FerryError('FERRY_NOT_FOUND', `no commit with id ${id}`);
}
