import type { Selectable } from 'kysely';

import { toCommit, type CommitRecord, type LabelMoveRecord } from './records.js';
import type { LabelMovesTable } from './schema.js';
import type { StoreContext } from './store-context.js';

/** A label move to record (see LabelMovesTable). */
export interface NewLabelMove {
  readonly label: string;
  readonly commitId: number;
  readonly component?: string | null;
  /** Unix seconds; default the store's clock. */
  readonly movedAt?: number;
}

function toLabelMove(row: Selectable<LabelMovesTable>): LabelMoveRecord {
  return {
    id: row.id,
    label: row.label,
    component: row.component,
    commitId: row.commit_id,
    movedAt: row.moved_at,
  };
}

/**
 * Records that the chaser moved `label` to a build. Only the chaser calls
 * this, in the transaction that records the build; no API route does.
 */
export async function recordLabelMove(ctx: StoreContext, input: NewLabelMove): Promise<LabelMoveRecord> {
  const row = await ctx.db
    .insertInto('label_moves')
    .values({
      label: input.label,
      component: input.component ?? null,
      commit_id: input.commitId,
      moved_at: input.movedAt ?? ctx.clock(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLabelMove(row);
}

/**
 * The build a label the chaser maintains should point at: the build of its
 * newest move (in `component` when given, else over every component, as the
 * label of a workspace without components), provided it is still a
 * successful build. Undefined when the chaser never moved the label.
 */
export async function labelTarget(
  ctx: StoreContext,
  label: string,
  component?: string,
): Promise<CommitRecord | undefined> {
  let query = ctx.db
    .selectFrom('label_moves')
    .innerJoin('commits', 'commits.id', 'label_moves.commit_id')
    .selectAll('commits')
    .where('label_moves.label', '=', label)
    .where('commits.status', '=', 'SUCCESS');
  if (component !== undefined) query = query.where('label_moves.component', '=', component);
  const row = await query.orderBy('label_moves.id', 'desc').limit(1).executeTakeFirst();
  return row && toCommit(row);
}
