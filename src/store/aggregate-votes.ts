import type { Kysely } from 'kysely';

import { toAggregateVote, type AggregateVoteRecord } from './records.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';
import { voteColumns, type TimestampRange, type VoteFields, type VoteListOptions } from './votes.js';

/** A CI vote to record on an aggregate hash (components). */
export interface NewAggregateVote extends VoteFields {
  readonly refHash: string;
}

/** Filters of `findAggregateVotes` (DLRN's GraphQL `civoteAgg` query). */
export interface AggregateVoteFilter {
  readonly refHash?: string;
  readonly ciName?: string;
  readonly ciVote?: boolean;
  readonly ciInProgress?: boolean;
  readonly timestamp?: TimestampRange;
  readonly user?: string;
  /** Only the votes on the aggregate hash that received the newest vote. */
  readonly lastRefHash?: boolean;
  /** Default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

export async function recordAggregateVote(
  ctx: StoreContext,
  input: NewAggregateVote,
): Promise<AggregateVoteRecord> {
  const row = await ctx.db
    .insertInto('civotes_agg')
    .values({ ref_hash: input.refHash, ...voteColumns(ctx, input) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAggregateVote(row);
}

export function aggregateVotesQuery(db: Kysely<Database>, refHash: string, options: VoteListOptions = {}) {
  const offset = options.offset ?? 0;
  const limit = options.limit;
  if (limit === undefined && offset === 0) {
    let all = db.selectFrom('civotes_agg').selectAll().where('ref_hash', '=', refHash);
    if (options.success !== undefined) all = all.where('ci_vote', '=', options.success ? 1 : 0);
    return all.orderBy('id');
  }
  // As votesForCommitQuery: two backward walks of civotes_agg_ref (ref_hash, ci_vote, id) merged.
  const newest = (vote: 0 | 1) =>
    db
      .selectFrom('civotes_agg')
      .select('id')
      .where('ref_hash', '=', refHash)
      .where('ci_vote', '=', vote)
      .orderBy('id', 'desc')
      .limit(offset + (limit ?? Number.MAX_SAFE_INTEGER - offset));
  const merged =
    options.success === undefined
      ? db
          .selectFrom(newest(0).as('page'))
          .select('id')
          .unionAll(db.selectFrom(newest(1).as('page')).select('id'))
          .orderBy('id', 'desc')
      : db
          .selectFrom(newest(options.success ? 1 : 0).as('page'))
          .select('id')
          .orderBy('id', 'desc');
  return db
    .selectFrom('civotes_agg')
    .selectAll()
    .where('id', 'in', merged.limit(limit ?? Number.MAX_SAFE_INTEGER).offset(offset))
    .orderBy('id');
}

/**
 * The votes on one aggregate hash in the order they came (DLRN's
 * `agg_status`): the `limit` newest after skipping the `offset` newest,
 * oldest first; without a limit every vote.
 */
export async function aggregateVotes(
  ctx: StoreContext,
  refHash: string,
  options: VoteListOptions = {},
): Promise<AggregateVoteRecord[]> {
  const rows = await aggregateVotesQuery(ctx.db, refHash, options).execute();
  return rows.map(toAggregateVote);
}

export function findAggregateVotesQuery(db: Kysely<Database>, filter: AggregateVoteFilter, refHash?: string) {
  let query = db.selectFrom('civotes_agg').selectAll();
  const hash = refHash ?? filter.refHash;
  if (hash !== undefined) query = query.where('ref_hash', '=', hash);
  if (filter.ciName !== undefined) query = query.where('ci_name', '=', filter.ciName);
  if (filter.ciVote !== undefined) query = query.where('ci_vote', '=', filter.ciVote ? 1 : 0);
  if (filter.ciInProgress !== undefined)
    query = query.where('ci_in_progress', '=', filter.ciInProgress ? 1 : 0);
  if (filter.user !== undefined) query = query.where('user', '=', filter.user);
  const range = filter.timestamp;
  if (range?.gt !== undefined) query = query.where('timestamp', '>', range.gt);
  if (range?.gte !== undefined) query = query.where('timestamp', '>=', range.gte);
  if (range?.lt !== undefined) query = query.where('timestamp', '<', range.lt);
  if (range?.lte !== undefined) query = query.where('timestamp', '<=', range.lte);
  if (range?.eq !== undefined) query = query.where('timestamp', '=', range.eq);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0);
}

/**
 * Aggregate votes matching `filter`, newest (highest id) first, one page.
 * With `lastRefHash`, the hash of the newest vote (by timestamp) replaces any
 * `refHash`; the API rejects combining the two as DLRN does.
 */
export async function findAggregateVotes(
  ctx: StoreContext,
  filter: AggregateVoteFilter = {},
): Promise<AggregateVoteRecord[]> {
  let refHash: string | undefined;
  if (filter.lastRefHash) {
    const newest = await ctx.db
      .selectFrom('civotes_agg')
      .select('ref_hash')
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!newest) return [];
    refHash = newest.ref_hash;
  }
  const rows = await findAggregateVotesQuery(ctx.db, filter, refHash).execute();
  return rows.map(toAggregateVote);
}
