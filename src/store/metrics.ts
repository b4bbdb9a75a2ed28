import { sql, type Kysely } from 'kysely';

import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/** Builds by outcome over a period (DLRN's metrics/builds). */
export interface BuildMetrics {
  readonly succeeded: number;
  readonly failed: number;
  /** succeeded + failed, as DLRN counts it (RETRY attempts are not builds that ended). */
  readonly total: number;
}

/** Totals over the whole store, for /metrics. */
export interface StoreCounts {
  readonly succeeded: number;
  readonly failed: number;
  readonly retry: number;
  readonly builds: number;
  readonly votes: number;
  readonly aggregateVotes: number;
  readonly promotions: number;
}

/**
 * Successful and failed builds whose build started in [start, end) (unix
 * seconds), optionally of one package. DLRN counted failures up to `end`
 * inclusive and successes before it; ferry uses the half-open range for both.
 */
export function buildMetricsQuery(
  db: Kysely<Database>,
  range: { readonly start: number; readonly end: number; readonly project?: string },
) {
  let query = db
    .selectFrom('commits')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['SUCCESS', 'FAILED'])
    .where('dt_build', '>=', range.start)
    .where('dt_build', '<', range.end);
  if (range.project !== undefined) query = query.where('project_name', '=', range.project);
  return query.groupBy('status');
}

export async function buildMetrics(
  ctx: StoreContext,
  range: { readonly start: number; readonly end: number; readonly project?: string },
): Promise<BuildMetrics> {
  const rows = await buildMetricsQuery(ctx.db, range).execute();
  const count = (status: string): number => Number(rows.find((row) => row.status === status)?.count ?? 0);
  const succeeded = count('SUCCESS');
  const failed = count('FAILED');
  return { succeeded, failed, total: succeeded + failed };
}

/** Counts of builds by status and of votes and promotions, in one query (index-only counts). */
export async function storeCounts(ctx: StoreContext): Promise<StoreCounts> {
  const row = await ctx.db
    .selectNoFrom([
      sql<number>`(select count(*) from commits where status = 'SUCCESS')`.as('succeeded'),
      sql<number>`(select count(*) from commits where status = 'FAILED')`.as('failed'),
      sql<number>`(select count(*) from commits where status = 'RETRY')`.as('retry'),
      sql<number>`(select count(*) from commits)`.as('builds'),
      sql<number>`(select count(*) from civotes)`.as('votes'),
      sql<number>`(select count(*) from civotes_agg)`.as('aggregate_votes'),
      sql<number>`(select count(*) from promotions)`.as('promotions'),
    ])
    .executeTakeFirstOrThrow();
  return {
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    retry: Number(row.retry),
    builds: Number(row.builds),
    votes: Number(row.votes),
    aggregateVotes: Number(row.aggregate_votes),
    promotions: Number(row.promotions),
  };
}
