import { toProject, type ProjectRecord } from './records.js';
import type { StoreContext } from './store-context.js';

/** DLRN notifies about a failing package at most once a day. */
export const NOTIFY_INTERVAL_SECONDS = 86_400;

/** The project row of a package, created when missing. */
export async function ensureProject(ctx: StoreContext, name: string): Promise<ProjectRecord> {
  await ctx.db
    .insertInto('projects')
    .values({ project_name: name })
    .onConflict((oc) => oc.column('project_name').doNothing())
    .execute();
  const row = await ctx.db
    .selectFrom('projects')
    .selectAll()
    .where('project_name', '=', name)
    .executeTakeFirstOrThrow();
  return toProject(row);
}

export async function getProject(ctx: StoreContext, name: string): Promise<ProjectRecord | undefined> {
  const row = await ctx.db
    .selectFrom('projects')
    .selectAll()
    .where('project_name', '=', name)
    .executeTakeFirst();
  return row && toProject(row);
}

export async function listProjects(ctx: StoreContext): Promise<ProjectRecord[]> {
  const rows = await ctx.db.selectFrom('projects').selectAll().orderBy('project_name').execute();
  return rows.map(toProject);
}

/**
 * Claims the right to notify about a package's failure: true (and the time is
 * recorded) when no notification went out in the last `interval` seconds.
 * One conditional UPDATE, so two chasers never both notify.
 */
export async function claimNotification(
  ctx: StoreContext,
  name: string,
  options: { readonly now?: number; readonly interval?: number } = {},
): Promise<boolean> {
  const now = options.now ?? ctx.clock();
  const interval = options.interval ?? NOTIFY_INTERVAL_SECONDS;
  await ensureProject(ctx, name);
  const result = await ctx.db
    .updateTable('projects')
    .set({ last_notified: now })
    .where('project_name', '=', name)
    .where('last_notified', '<=', now - interval)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
