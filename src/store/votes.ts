import type { Kysely } from 'kysely';

import { CONSISTENT_CI_NAME, toCommit, toVote, type CiVoteRecord, type CommitRecord } from './records.js';
import type { Database } from './schema.js';
import { executeTemplate, queryTemplate, runTemplate } from './query-template.js';
import { runInTransaction, type StoreContext } from './store-context.js';

/** What every CI vote carries, on a commit's snapshot or on an aggregate hash. */
export interface VoteFields {
  /** The CI job's name (DLRN's `job_id` in the API). */
  readonly ciName: string;
  readonly ciUrl?: string | null;
  readonly ciVote: boolean;
  readonly ciInProgress?: boolean;
  /** Unix seconds; default the store's clock. */
  readonly timestamp?: number;
  readonly notes?: string | null;
  readonly user?: string | null;
}

/** A CI vote to record on a commit's snapshot. */
export interface NewVote extends VoteFields {
  readonly commitId: number;
  readonly component?: string | null;
}

/** A timestamp comparison, as DLRN's GraphQL `where: {timestamp: {gt, gte, lt, lte, eq}}`. */
export interface TimestampRange {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
}

/** Filters of `findVotes` (DLRN's GraphQL `civote` query). */
export interface VoteFilter {
  readonly commitId?: number;
  readonly ciName?: string;
  readonly ciVote?: boolean;
  readonly ciInProgress?: boolean;
  readonly timestamp?: TimestampRange;
  readonly user?: string;
  readonly component?: string;
  /** Default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Filters of `newestVote`: each given field narrows the search. */
export interface NewestVoteFilter {
  /** Only votes with timestamp > after (DLRN: now - max_age; 0 for any age). */
  readonly after?: number;
  readonly success?: boolean;
  readonly ciName?: string;
  readonly excludeCiName?: string;
  readonly component?: string;
  readonly inProgress?: boolean;
  /** Only votes no client wrote (no user: every API write records its user), as the chaser's. */
  readonly withoutUser?: boolean;
}

/** A vote with the successful commit it is on. */
export interface VoteWithCommit {
  readonly vote: CiVoteRecord;
  readonly commit: CommitRecord;
}

/** The columns every vote row has (civotes and civotes_agg), with DLRN's defaults. */
export function voteColumns(ctx: StoreContext, input: VoteFields) {
  return {
    ci_name: input.ciName,
    ci_url: input.ciUrl ?? '',
    ci_vote: input.ciVote ? 1 : 0,
    ci_in_progress: input.ciInProgress ? 1 : 0,
    timestamp: input.timestamp ?? ctx.clock(),
    notes: input.notes ?? '',
    user: input.user ?? null,
  };
}

function voteRow(ctx: StoreContext, input: NewVote) {
  return { commit_id: input.commitId, ...voteColumns(ctx, input), component: input.component ?? null };
}

/** The vote INSERT, compiled once, every column a parameter; RETURNING only the id (all columns doubled SQLite's cost). */
function insertVoteTemplate(ctx: StoreContext) {
  return queryTemplate(ctx, 'recordVote', (db, p: ReturnType<typeof voteRow>) =>
    db
      .insertInto('civotes')
      .values({
        commit_id: p.commit_id,
        ci_name: p.ci_name,
        ci_url: p.ci_url,
        ci_vote: p.ci_vote,
        ci_in_progress: p.ci_in_progress,
        timestamp: p.timestamp,
        notes: p.notes,
        user: p.user,
        component: p.component,
      })
      .returning('id'),
  );
}

export async function recordVote(ctx: StoreContext, input: NewVote): Promise<CiVoteRecord> {
  const values = voteRow(ctx, input);
  const [row] = await executeTemplate(ctx, insertVoteTemplate(ctx), values);
  return toVote({ ...values, id: row!.id });
}

/**
 * Records several votes in one transaction, all or none; returns them in
 * the order given. The API coalesces the votes that arrive together into
 * one call: one commit, and a fraction of the WAL pages, instead of one per
 * vote.
 */
export async function recordVotes(ctx: StoreContext, inputs: readonly NewVote[]): Promise<CiVoteRecord[]> {
  if (inputs.length === 0) return [];
  const template = insertVoteTemplate(ctx);
  // SQLite, connection idle (no transaction open, ours included): the whole transaction at once.
  const done = ctx.direct?.transaction((run) =>
    inputs.map((input) => {
      const values = voteRow(ctx, input);
      const [row] = run(template.compiled.sql, template.parameters(values)) as { id: number }[];
      return toVote({ ...values, id: row!.id });
    }),
  );
  if (done) return done.value;
  return runInTransaction(ctx, async (tx) => {
    const recorded: CiVoteRecord[] = [];
    for (const input of inputs) recorded.push(await recordVote(tx, input));
    return recorded;
  });
}

/** Votes the API's listings return at most (repo_status, agg_status): DLRN's answer is whole up to this. */
export const DEFAULT_VOTE_LIST_LIMIT = 1000;

/** Which votes of a listing: the `limit` newest after skipping the `offset` newest (no limit: all). */
export interface VoteListOptions {
  readonly success?: boolean;
  readonly offset?: number;
  readonly limit?: number;
}

export function votesForCommitQuery(
  db: Kysely<Database>,
  commitId: number,
  success?: boolean,
  page: { readonly offset?: number; readonly limit?: number } = {},
) {
  const offset = page.offset ?? 0;
  const limit = page.limit;
  if (limit === undefined && offset === 0) {
    let all = db.selectFrom('civotes').selectAll().where('commit_id', '=', commitId);
    if (success !== undefined) all = all.where('ci_vote', '=', success ? 1 : 0);
    return all.orderBy('id');
  }
  // The page is chosen on ids alone, then only its rows are read. civotes_commit is
  // (commit_id, ci_vote) and ends with the id: each vote value is one run of ids in order, so
  // the newest are the merge of two backward walks of at most offset + limit entries, not a
  // sort of every vote on the snapshot (70,000 of them took 25 ms, the merge 1).
  const newest = (vote: 0 | 1) =>
    db
      .selectFrom('civotes')
      .select('id')
      .where('commit_id', '=', commitId)
      .where('ci_vote', '=', vote)
      .orderBy('id', 'desc')
      .limit(offset + (limit ?? Number.MAX_SAFE_INTEGER - offset));
  const merged =
    success === undefined
      ? db
          .selectFrom(newest(0).as('page'))
          .select('id')
          .unionAll(db.selectFrom(newest(1).as('page')).select('id'))
          .orderBy('id', 'desc')
      : db
          .selectFrom(newest(success ? 1 : 0).as('page'))
          .select('id')
          .orderBy('id', 'desc');
  return db
    .selectFrom('civotes')
    .selectAll()
    .where('id', 'in', merged.limit(limit ?? Number.MAX_SAFE_INTEGER).offset(offset))
    .orderBy('id');
}

/**
 * The votes on one commit in the order they came (DLRN's `repo_status`),
 * optionally only (un)successful ones: the `limit` newest after skipping the
 * `offset` newest, oldest first; without a limit every vote (the API always
 * gives one, DEFAULT_VOTE_LIST_LIMIT at most).
 */
export async function votesForCommit(
  ctx: StoreContext,
  commitId: number,
  options: VoteListOptions = {},
): Promise<CiVoteRecord[]> {
  const rows = await votesForCommitQuery(ctx.db, commitId, options.success, options).execute();
  return rows.map(toVote);
}

export function findVotesQuery(db: Kysely<Database>, filter: VoteFilter) {
  let query = db.selectFrom('civotes').selectAll();
  if (filter.commitId !== undefined) query = query.where('commit_id', '=', filter.commitId);
  if (filter.ciName !== undefined) query = query.where('ci_name', '=', filter.ciName);
  if (filter.ciVote !== undefined) query = query.where('ci_vote', '=', filter.ciVote ? 1 : 0);
  if (filter.ciInProgress !== undefined)
    query = query.where('ci_in_progress', '=', filter.ciInProgress ? 1 : 0);
  if (filter.user !== undefined) query = query.where('user', '=', filter.user);
  if (filter.component !== undefined) query = query.where('component', '=', filter.component);
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

/** Votes matching `filter`, newest (highest id) first, one page (default 100). */
export async function findVotes(ctx: StoreContext, filter: VoteFilter = {}): Promise<CiVoteRecord[]> {
  const rows = await findVotesQuery(ctx.db, filter).execute();
  return rows.map(toVote);
}

export function newestVoteQuery(db: Kysely<Database>, filter: NewestVoteFilter) {
  // CROSS JOIN with the join condition in WHERE: SQLite then keeps civotes as the outer
  // loop and walks a timestamp index backwards, stopping at the first match; with an inner
  // join it may start from the successful commits and sort every vote (seconds, not ms).
  // PostgreSQL plans both forms alike.
  let query = db
    .selectFrom('civotes')
    .crossJoin('commits')
    .whereRef('commits.id', '=', 'civotes.commit_id')
    .selectAll('civotes')
    .select([
      'commits.type as c_type',
      'commits.project_name as c_project_name',
      'commits.commit_hash as c_commit_hash',
      'commits.distro_hash as c_distro_hash',
      'commits.extended_hash as c_extended_hash',
      'commits.commit_branch as c_commit_branch',
      'commits.component as c_component',
      'commits.status as c_status',
      'commits.dt_commit as c_dt_commit',
      'commits.dt_distro as c_dt_distro',
      'commits.dt_extended as c_dt_extended',
      'commits.dt_build as c_dt_build',
      'commits.repo_dir as c_repo_dir',
      'commits.distgit_dir as c_distgit_dir',
      'commits.artifacts as c_artifacts',
      'commits.nvr as c_nvr',
      'commits.notes as c_notes',
      'commits.flags as c_flags',
      'commits.versions_csv as c_versions_csv',
      'commits.notified as c_notified',
    ])
    .where('commits.status', '=', 'SUCCESS');
  if (filter.after !== undefined) query = query.where('civotes.timestamp', '>', filter.after);
  if (filter.success !== undefined) query = query.where('civotes.ci_vote', '=', filter.success ? 1 : 0);
  if (filter.ciName !== undefined) query = query.where('civotes.ci_name', '=', filter.ciName);
  if (filter.excludeCiName !== undefined) query = query.where('civotes.ci_name', '!=', filter.excludeCiName);
  if (filter.component !== undefined) query = query.where('civotes.component', '=', filter.component);
  if (filter.inProgress !== undefined) {
    query = query.where('civotes.ci_in_progress', '=', filter.inProgress ? 1 : 0);
  }
  if (filter.withoutUser) query = query.where('civotes.user', 'is', null);
  return query.orderBy('civotes.timestamp', 'desc').orderBy('civotes.id', 'desc').limit(1);
}

/**
 * The newest vote (by timestamp, then id) matching `filter` whose commit is a
 * successful build, with that commit. One indexed query.
 */
export async function newestVote(
  ctx: StoreContext,
  filter: NewestVoteFilter,
): Promise<VoteWithCommit | undefined> {
  // Compiled once per shape: building this 30-column query cost more than running it.
  const flag = (value: boolean | undefined, name: string) =>
    value === undefined ? '' : `${name}${Number(value)}`;
  const shape =
    `newestVote:${filter.after === undefined ? '' : 'a'}${filter.ciName === undefined ? '' : 'c'}` +
    `${filter.excludeCiName === undefined ? '' : 'x'}${filter.component === undefined ? '' : 'm'}` +
    `${flag(filter.success, 's')}${flag(filter.inProgress, 'p')}${filter.withoutUser ? 'u' : ''}`;
  const [row] = await runTemplate(
    ctx,
    shape,
    (db, p) =>
      newestVoteQuery(db, {
        ...(filter.after === undefined ? {} : { after: p.after }),
        ...(filter.ciName === undefined ? {} : { ciName: p.ciName }),
        ...(filter.excludeCiName === undefined ? {} : { excludeCiName: p.excludeCiName }),
        ...(filter.component === undefined ? {} : { component: p.component }),
        ...(filter.success === undefined ? {} : { success: filter.success }),
        ...(filter.inProgress === undefined ? {} : { inProgress: filter.inProgress }),
        ...(filter.withoutUser ? { withoutUser: true } : {}),
      }),
    filter,
  );
  if (!row) return undefined;
  const vote = toVote(row);
  const commit = toCommit({
    id: row.commit_id,
    type: row.c_type,
    project_name: row.c_project_name,
    commit_hash: row.c_commit_hash,
    distro_hash: row.c_distro_hash,
    extended_hash: row.c_extended_hash,
    commit_branch: row.c_commit_branch,
    component: row.c_component,
    status: row.c_status,
    dt_commit: row.c_dt_commit,
    dt_distro: row.c_dt_distro,
    dt_extended: row.c_dt_extended,
    dt_build: row.c_dt_build,
    repo_dir: row.c_repo_dir,
    distgit_dir: row.c_distgit_dir,
    artifacts: row.c_artifacts,
    nvr: row.c_nvr,
    notes: row.c_notes,
    flags: row.c_flags,
    versions_csv: row.c_versions_csv,
    notified: row.c_notified,
  });
  return { vote, commit };
}

/** The parameters of DLRN's `last_tested_repo` once parsed. */
export interface LastTestedQuery {
  /** Only votes newer than this (unix seconds; 0 = any age). */
  readonly after: number;
  readonly success?: boolean;
  /** Prefer votes of this CI job. */
  readonly jobId?: string;
  readonly component?: string;
  /** CI pipeline mode: only votes of `previousJobId`, no fallback. */
  readonly sequential?: boolean;
  readonly previousJobId?: string;
}

/**
 * DLRN's `getVote` with its fallbacks made to do what they say (DLRN builds
 * the filters of the second and third passes but never applies them):
 * 1. the newest vote of `jobId` (or of any CI when no job is given), never
 *    the chaser's own `consistent` vote;
 * 2. when `jobId` found nothing: the newest vote of any other CI, still not
 *    `consistent`;
 * 3. then the newest `consistent` vote the chaser wrote (ferry's, or DLRN's
 *    in an imported history: without a user; a client's is never taken).
 * Every pass keeps the age, success and component filters. In sequential mode
 * only `previousJobId`'s votes count and there is no fallback. Returns
 * undefined when nothing matches (the API answers 400 "No vote found").
 */
export async function lastTestedVote(
  ctx: StoreContext,
  query: LastTestedQuery,
): Promise<VoteWithCommit | undefined> {
  const common: NewestVoteFilter = {
    after: query.after,
    ...(query.success === undefined ? {} : { success: query.success }),
    ...(query.component === undefined ? {} : { component: query.component }),
  };
  // `consistent` is the chaser's vote, whichever pass asks for it.
  const ofJob = (ciName: string): NewestVoteFilter => ({
    ...common,
    ciName,
    ...(ciName === CONSISTENT_CI_NAME ? { withoutUser: true } : {}),
  });
  if (query.sequential) {
    if (query.previousJobId === undefined) return undefined;
    return newestVote(ctx, ofJob(query.previousJobId));
  }
  const first = await newestVote(
    ctx,
    query.jobId === undefined ? { ...common, excludeCiName: CONSISTENT_CI_NAME } : ofJob(query.jobId),
  );
  if (first) return first;
  if (query.jobId !== undefined && query.jobId !== CONSISTENT_CI_NAME) {
    const anyCi = await newestVote(ctx, { ...common, excludeCiName: CONSISTENT_CI_NAME });
    if (anyCi) return anyCi;
  }
  return newestVote(ctx, ofJob(CONSISTENT_CI_NAME));
}
