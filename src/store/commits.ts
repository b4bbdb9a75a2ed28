import { sql, type Compilable, type Insertable, type Kysely } from 'kysely';

import { FerryError } from '../errors.js';
import {
  FLAG_IMPORTED,
  isBuildStatus,
  isCommitType,
  toCommit,
  type BuildStatus,
  type CommitRecord,
  type CommitType,
} from './records.js';
import type { CommitsTable, Database } from './schema.js';
import { runTemplate } from './query-template.js';
import type { StoreContext } from './store-context.js';

/** A finished build attempt to record (DLRN's Commit row). */
/** What identifies a build's sources: the package, its hashes, their times and where they came from. */
export interface BuildSource {
  readonly projectName: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash?: string | null;
  readonly commitBranch?: string | null;
  readonly component?: string | null;
  /** Default `rpm`. */
  readonly type?: CommitType;
  readonly dtCommit?: number | null;
  readonly dtDistro?: number | null;
  readonly dtExtended?: number | null;
  readonly repoDir?: string | null;
  readonly distgitDir?: string | null;
}

/** The columns of a build's sources, shared by commits and build jobs. */
export function sourceColumns(input: BuildSource) {
  return {
    project_name: input.projectName,
    commit_hash: input.commitHash,
    distro_hash: input.distroHash,
    extended_hash: input.extendedHash ?? null,
    commit_branch: input.commitBranch ?? null,
    component: input.component ?? null,
    dt_commit: input.dtCommit ?? null,
    dt_distro: input.dtDistro ?? null,
    dt_extended: input.dtExtended ?? null,
    repo_dir: input.repoDir ?? null,
    distgit_dir: input.distgitDir ?? null,
  };
}

export interface NewCommit extends BuildSource {
  readonly status: BuildStatus;
  readonly dtBuild?: number | null;
  /** Built files, relative to the workspace (`repos/xx/yy/<dir>/foo-1.0-1.el9.noarch.rpm`). */
  readonly artifacts?: readonly string[] | null;
  readonly nvr?: string | null;
  readonly notes?: string | null;
  readonly versionsCsv?: string | null;
  readonly flags?: number;
  readonly notified?: boolean;
}

/**
 * Filters of `findCommits`, DLRN's `getCommits` plus the GraphQL `commits`
 * query. Every given field narrows the result.
 */
export interface CommitFilter {
  readonly project?: string;
  readonly component?: string;
  readonly status?: BuildStatus;
  readonly withoutStatus?: BuildStatus;
  /** `false`: only ferry's own builds; `true`: only those remote/import brought (FLAG_IMPORTED). */
  readonly imported?: boolean;
  /** Default `rpm` (as DLRN); `null` for every type. */
  readonly type?: CommitType | null;
  /** Built strictly after (dt_build > since). */
  readonly since?: number;
  /** Built strictly before, or never stamped (legacy rows; what DLRN's purge means to select). */
  readonly before?: number;
  readonly commitHash?: string;
  readonly distroHash?: string;
  readonly extendedHash?: string;
  /**
   * SQL LIKE pattern on the extended hash (`%` and `_` wildcards), as DLRN's
   * GraphQL `commits(extendedHash:)` matches; case-insensitive on both dialects
   * (as on DLRN's MariaDB).
   */
  readonly extendedHashLike?: string;
  /** Newest first (`desc`, the default) or oldest first, by id. */
  readonly order?: 'asc' | 'desc';
  /** No limit when absent. */
  readonly limit?: number;
  readonly offset?: number;
}

/** The hashes that name one snapshot. */
export interface SnapshotHashes {
  readonly commitHash: string;
  readonly distroHash: string;
  /** When absent, any extended hash matches (DLRN's compatibility rule). */
  readonly extendedHash?: string | null;
}

export function commitRow(input: NewCommit): Insertable<CommitsTable> {
  const type = input.type ?? 'rpm';
  if (!isCommitType(type)) throw new FerryError('FERRY_USAGE', `unknown commit type ${JSON.stringify(type)}`);
  if (!isBuildStatus(input.status)) {
    throw new FerryError('FERRY_USAGE', `unknown build status ${JSON.stringify(input.status)}`);
  }
  return {
    ...sourceColumns(input),
    type,
    status: input.status,
    dt_build: input.dtBuild ?? null,
    artifacts: input.artifacts && input.artifacts.length > 0 ? input.artifacts.join(',') : null,
    nvr: input.nvr ?? null,
    notes: input.notes ?? null,
    versions_csv: input.versionsCsv ?? null,
    flags: input.flags ?? 0,
    notified: input.notified ? 1 : 0,
  };
}

/** Records a finished build attempt as is (imports, remote imports, tests); the chaser uses finishBuild. */
export async function recordCommit(ctx: StoreContext, input: NewCommit): Promise<CommitRecord> {
  const row = await ctx.db
    .insertInto('commits')
    .values(commitRow(input))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCommit(row);
}

export async function getCommit(ctx: StoreContext, id: number): Promise<CommitRecord | undefined> {
  const row = await ctx.db.selectFrom('commits').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCommit(row);
}

/** The query of `findCommits` (exported so tests can EXPLAIN it). */
export function findCommitsQuery(db: Kysely<Database>, filter: CommitFilter) {
  let query = db.selectFrom('commits').selectAll();
  const type = filter.type === undefined ? 'rpm' : filter.type;
  if (type !== null) query = query.where('type', '=', type);
  if (filter.project !== undefined) query = query.where('project_name', '=', filter.project);
  if (filter.component !== undefined) query = query.where('component', '=', filter.component);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.withoutStatus !== undefined) query = query.where('status', '!=', filter.withoutStatus);
  if (filter.imported !== undefined) query = query.where(importedIs(filter.imported));
  if (filter.since !== undefined) query = query.where('dt_build', '>', filter.since);
  if (filter.before !== undefined) {
    const before = filter.before;
    query = query.where((eb) => eb.or([eb('dt_build', 'is', null), eb('dt_build', '<', before)]));
  }
  if (filter.commitHash !== undefined) query = query.where('commit_hash', '=', filter.commitHash);
  if (filter.distroHash !== undefined) query = query.where('distro_hash', '=', filter.distroHash);
  if (filter.extendedHash !== undefined) query = query.where('extended_hash', '=', filter.extendedHash);
  if (filter.extendedHashLike !== undefined) {
    const pattern = filter.extendedHashLike.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', ['extended_hash']), 'like', pattern));
  }
  query = query.orderBy('id', filter.order ?? 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  if (filter.offset !== undefined && filter.offset > 0) {
    // SQLite accepts OFFSET only after a LIMIT; this one is larger than any table.
    if (filter.limit === undefined) query = query.limit(Number.MAX_SAFE_INTEGER);
    query = query.offset(filter.offset);
  }
  return query;
}

/** A condition on the FLAG_IMPORTED bit (both dialects have `&` on integers). */
function importedIs(imported: boolean) {
  return sql<boolean>`(flags & ${sql.lit(FLAG_IMPORTED)}) ${sql.raw(imported ? '<>' : '=')} 0`;
}

/** Commits matching `filter`, newest first unless `order: 'asc'`. */
export async function findCommits(ctx: StoreContext, filter: CommitFilter = {}): Promise<CommitRecord[]> {
  const rows = await findCommitsQuery(ctx.db, filter).execute();
  return rows.map(toCommit);
}

/**
 * The newest successful build of a snapshot's hashes (DLRN's `_get_commit`):
 * what report_result, promote, repo_status and promotions look up.
 */
/**
 * The hashes a snapshot lookup template passes on: placeholders `p` for the
 * values, the extended hash only when the lookup has one (its shape).
 */
function hashPlaceholders(hashes: SnapshotHashes, p: SnapshotHashes): SnapshotHashes {
  return {
    commitHash: p.commitHash,
    distroHash: p.distroHash,
    ...(hashes.extendedHash ? { extendedHash: p.extendedHash } : {}),
  };
}

function newestSuccessful(db: Kysely<Database>, hashes: SnapshotHashes) {
  let query = db
    .selectFrom('commits')
    .where('commit_hash', '=', hashes.commitHash)
    .where('distro_hash', '=', hashes.distroHash)
    .where('status', '=', 'SUCCESS');
  if (hashes.extendedHash) query = query.where('extended_hash', '=', hashes.extendedHash);
  return query.orderBy('id', 'desc').limit(1);
}

export function successfulCommitQuery(db: Kysely<Database>, hashes: SnapshotHashes) {
  return newestSuccessful(db, hashes).selectAll();
}

/** What a CI vote needs of the commit it is on. */
export interface VotedCommit {
  readonly id: number;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly component: string | null;
}

/**
 * `findSuccessfulCommit` reduced to what report_result records and answers:
 * one narrow row instead of the whole record, on every vote.
 */
export async function findVotedCommit(
  ctx: StoreContext,
  hashes: SnapshotHashes,
): Promise<VotedCommit | undefined> {
  const [row] = await newestSuccessfulRows(ctx, 'votedCommit', hashes, (query) =>
    query.select(['id', 'commit_hash', 'distro_hash', 'extended_hash', 'component']),
  );
  return (
    row && {
      id: row.id,
      commitHash: row.commit_hash,
      distroHash: row.distro_hash,
      extendedHash: row.extended_hash,
      component: row.component,
    }
  );
}

export async function findSuccessfulCommit(
  ctx: StoreContext,
  hashes: SnapshotHashes,
): Promise<CommitRecord | undefined> {
  const [row] = await newestSuccessfulRows(ctx, 'successfulCommit', hashes, (query) => query.selectAll());
  return row && toCommit(row);
}

/** Runs the newest-successful-build lookup, compiled once per shape (with or without the extended hash). */
function newestSuccessfulRows<R>(
  ctx: StoreContext,
  shape: string,
  hashes: SnapshotHashes,
  select: (query: ReturnType<typeof newestSuccessful>) => Compilable<R>,
): Promise<R[]> {
  return runTemplate(
    ctx,
    hashes.extendedHash ? `${shape}:e` : shape,
    (db, p) => select(newestSuccessful(db, hashPlaceholders(hashes, p))),
    hashes,
  );
}

/**
 * The newest build of a package that is not in `excludeStatus` (default
 * RETRY: those are retried), DLRN's `getLastProcessedCommit`. The chaser
 * continues from its upstream commit; `ownOnly` leaves out the builds
 * remote/import brought (see FLAG_IMPORTED).
 */
export async function lastProcessedCommit(
  ctx: StoreContext,
  project: string,
  options: {
    readonly type?: CommitType;
    readonly excludeStatus?: BuildStatus | null;
    readonly ownOnly?: boolean;
  } = {},
): Promise<CommitRecord | undefined> {
  let query = ctx.db
    .selectFrom('commits')
    .selectAll()
    .where('project_name', '=', project)
    .where('type', '=', options.type ?? 'rpm');
  const exclude = options.excludeStatus === undefined ? 'RETRY' : options.excludeStatus;
  if (exclude !== null) query = query.where('status', '!=', exclude);
  if (options.ownOnly) query = query.where(importedIs(false));
  const row = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row && toCommit(row);
}

/**
 * The newest build (by build time) of a package on a source branch, RETRY
 * excluded (DLRN's `getLastBuiltCommit`); `ownOnly` as lastProcessedCommit.
 */
export async function lastBuiltCommit(
  ctx: StoreContext,
  project: string,
  branch: string,
  options: { readonly type?: CommitType; readonly ownOnly?: boolean } = {},
): Promise<CommitRecord | undefined> {
  let query = ctx.db.selectFrom('commits');
  if (options.ownOnly) query = query.where(importedIs(false));
  const row = await query
    .selectAll()
    .where('project_name', '=', project)
    .where('commit_branch', '=', branch)
    .where('type', '=', options.type ?? 'rpm')
    .where('status', '!=', 'RETRY')
    .orderBy('dt_build', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toCommit(row);
}

/** The newest successful build of a package: the RPMs every snapshot links to. */
export async function latestSuccessfulBuild(
  ctx: StoreContext,
  project: string,
  options: { readonly type?: CommitType; readonly component?: string } = {},
): Promise<CommitRecord | undefined> {
  const [commit] = await findCommits(ctx, {
    project,
    status: 'SUCCESS',
    type: options.type ?? 'rpm',
    ...(options.component === undefined ? {} : { component: options.component }),
    limit: 1,
  });
  return commit;
}

/**
 * DLRN's "already handled" test before queueing a candidate: a non-RETRY build
 * of the same hashes exists, or one of the same commit time with the same
 * distro and extended hashes (two upstream commits with one timestamp). Only
 * ferry's own builds count for the commit time: an imported one's is only
 * what the other instance's commit.yaml claims, and must not hide a commit.
 */
export async function isAlreadyBuilt(
  ctx: StoreContext,
  candidate: {
    readonly commitHash: string;
    readonly distroHash: string;
    readonly extendedHash?: string | null;
    readonly dtCommit?: number | null;
    readonly type?: CommitType;
  },
): Promise<boolean> {
  const extended = candidate.extendedHash ?? null;
  const row = await ctx.db
    .selectFrom('commits')
    .select('id')
    .where('type', '=', candidate.type ?? 'rpm')
    .where('status', '!=', 'RETRY')
    .where('distro_hash', '=', candidate.distroHash)
    .where((eb) => (extended === null ? eb('extended_hash', 'is', null) : eb('extended_hash', '=', extended)))
    .where((eb) => {
      const sameCommit = eb('commit_hash', '=', candidate.commitHash);
      const dtCommit = candidate.dtCommit;
      return dtCommit === undefined || dtCommit === null
        ? sameCommit
        : eb.or([sameCommit, eb.and([eb('dt_commit', '=', dtCommit), importedIs(false)])]);
    })
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many RETRY attempts a package's commit already had (DLRN's `timesretried`). */
export async function countRetries(
  ctx: StoreContext,
  project: string,
  commitHash: string,
  distroHash: string,
): Promise<number> {
  const row = await ctx.db
    .selectFrom('commits')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_name', '=', project)
    .where('commit_hash', '=', commitHash)
    .where('distro_hash', '=', distroHash)
    .where('status', '=', 'RETRY')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every component that has builds, sorted (DLRN's `get_component_list`). */
export async function commitComponents(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('commits')
    .select('component')
    .distinct()
    .where('component', 'is not', null)
    .orderBy('component')
    .execute();
  return rows.map((row) => row.component).filter((c): c is string => c !== null);
}
