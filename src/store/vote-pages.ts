import { sql, type Kysely } from 'kysely';

import { CONSISTENT_CI_NAME } from './records.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/** DLRN's page size for the civotes pages. */
export const VOTE_PAGE_SIZE = 100;

/** One snapshot's line on the civotes page: its votes within the page. */
export interface RepoVoteSummary {
  readonly commitId: number;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly component: string | null;
  /** Successful votes on it within the page. */
  readonly success: number;
  readonly failure: number;
  /** Its newest vote's timestamp within the page. */
  readonly timestamp: number;
}

/** One aggregate hash's line on the civotes_agg page. */
export interface AggregateVoteSummary {
  readonly refHash: string;
  readonly success: number;
  readonly failure: number;
  readonly timestamp: number;
}

export interface VotePage<T> {
  readonly rows: readonly T[];
  /** Votes in the page (DLRN's `count`: at most the page size). */
  readonly count: number;
}

export function repoVotePageQuery(db: Kysely<Database>, offset: number, limit: number) {
  const page = db
    .selectFrom('civotes')
    .select(['commit_id', 'ci_vote', 'timestamp'])
    .where('ci_name', '!=', CONSISTENT_CI_NAME)
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset);
  return db
    .selectFrom(page.as('page'))
    .innerJoin('commits', 'commits.id', 'page.commit_id')
    .select([
      'page.commit_id as commit_id',
      'commits.commit_hash as commit_hash',
      'commits.distro_hash as distro_hash',
      'commits.component as component',
      sql<number>`sum(case when page.ci_vote = 1 then 1 else 0 end)`.as('success'),
      sql<number>`sum(case when page.ci_vote = 1 then 0 else 1 end)`.as('failure'),
      sql<number>`max(page.timestamp)`.as('timestamp'),
    ])
    .groupBy(['page.commit_id', 'commits.commit_hash', 'commits.distro_hash', 'commits.component'])
    .orderBy('timestamp', 'desc')
    .orderBy('commit_id', 'desc');
}

/**
 * The civotes page (DLRN's civotes.html): the `limit` newest votes after
 * `offset`, `consistent` excluded, grouped by snapshot, newest snapshot first.
 */
export async function repoVotePage(
  ctx: StoreContext,
  options: { readonly offset?: number; readonly limit?: number } = {},
): Promise<VotePage<RepoVoteSummary>> {
  const rows = await repoVotePageQuery(
    ctx.db,
    options.offset ?? 0,
    options.limit ?? VOTE_PAGE_SIZE,
  ).execute();
  const summaries = rows.map((row) => ({
    commitId: row.commit_id,
    commitHash: row.commit_hash,
    distroHash: row.distro_hash,
    component: row.component,
    success: Number(row.success),
    failure: Number(row.failure),
    timestamp: Number(row.timestamp),
  }));
  return { rows: summaries, count: summaries.reduce((n, s) => n + s.success + s.failure, 0) };
}

/** The civotes_agg page: the same over aggregate votes, grouped by aggregate hash. */
export async function aggregateVotePage(
  ctx: StoreContext,
  options: { readonly offset?: number; readonly limit?: number } = {},
): Promise<VotePage<AggregateVoteSummary>> {
  const page = ctx.db
    .selectFrom('civotes_agg')
    .select(['ref_hash', 'ci_vote', 'timestamp'])
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? VOTE_PAGE_SIZE)
    .offset(options.offset ?? 0);
  const rows = await ctx.db
    .selectFrom(page.as('page'))
    .select([
      'page.ref_hash as ref_hash',
      sql<number>`sum(case when page.ci_vote = 1 then 1 else 0 end)`.as('success'),
      sql<number>`sum(case when page.ci_vote = 1 then 0 else 1 end)`.as('failure'),
      sql<number>`max(page.timestamp)`.as('timestamp'),
    ])
    .groupBy('page.ref_hash')
    .orderBy('timestamp', 'desc')
    .orderBy('ref_hash')
    .execute();
  const summaries = rows.map((row) => ({
    refHash: row.ref_hash,
    success: Number(row.success),
    failure: Number(row.failure),
    timestamp: Number(row.timestamp),
  }));
  return { rows: summaries, count: summaries.reduce((n, s) => n + s.success + s.failure, 0) };
}
