import { FerryError } from '../errors.js';
import { commitRow, sourceColumns, type BuildSource } from './commits.js';
import {
  toBuildJob,
  toCommit,
  type BuildJobRecord,
  type BuildStatus,
  type CommitRecord,
  type CommitType,
} from './records.js';
import { runInTransaction, type StoreContext } from './store-context.js';

/** A build about to start: what identifies it and what its commit row will carry. */
/** A build to run: its sources (a commit row is written when it finishes). */
export type NewBuild = BuildSource;

export interface StartBuildOptions {
  /** Who runs the build, e.g. `host:pid`. */
  readonly owner: string;
  /** Start time (unix seconds); default the store's clock. */
  readonly now?: number;
  /**
   * Take over a job of another owner whose heartbeat is older than this many
   * seconds. Default: never (another live chaser may be building it). A chaser
   * that holds the workspace lock passes 0 to redo what a killed run left.
   */
  readonly staleAfter?: number;
}

/** The outcome of a build, recorded by `finishBuild`. */
export interface BuildResult {
  readonly status: BuildStatus;
  readonly artifacts?: readonly string[] | null;
  readonly nvr?: string | null;
  readonly notes?: string | null;
  readonly versionsCsv?: string | null;
  readonly notified?: boolean;
}

/** The unique key of a build: one job per type, package and hash triple. */
export function buildKey(build: NewBuild): string {
  return [
    build.type ?? 'rpm',
    build.projectName,
    build.commitHash,
    build.distroHash,
    build.extendedHash ?? '',
  ].join(':');
}

/**
 * Registers a build as running and returns its job, or `undefined` when the
 * same build is already running under another owner (and is not stale). Call
 * it before building; `finishBuild` records the result. If the process dies
 * in between, the job stays and `pendingBuilds` lists it on restart, so the
 * build is redone rather than lost; the unique key means it is never run twice
 * at once nor recorded twice.
 */
export async function startBuild(
  ctx: StoreContext,
  build: NewBuild,
  options: StartBuildOptions,
): Promise<BuildJobRecord | undefined> {
  const now = options.now ?? ctx.clock();
  const key = buildKey(build);
  const inserted = await ctx.db
    .insertInto('build_jobs')
    .values({
      ...sourceColumns(build),
      build_key: key,
      type: build.type ?? 'rpm',
      dt_build: now,
      owner: options.owner,
      heartbeat: now,
    })
    .onConflict((oc) => oc.column('build_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return toBuildJob(inserted);

  // The build has a job already: take it over when it is ours (a restart of
  // the same owner) or its owner stopped beating long enough ago.
  const staleAfter = options.staleAfter ?? Number.POSITIVE_INFINITY;
  const takenOver = await ctx.db
    .updateTable('build_jobs')
    .set((eb) => ({ owner: options.owner, heartbeat: now, dt_build: now, attempt: eb('attempt', '+', 1) }))
    .where('build_key', '=', key)
    .where((eb) =>
      Number.isFinite(staleAfter)
        ? eb.or([eb('owner', '=', options.owner), eb('heartbeat', '<=', now - staleAfter)])
        : eb('owner', '=', options.owner),
    )
    .returningAll()
    .executeTakeFirst();
  return takenOver && toBuildJob(takenOver);
}

/** Tells the store the job's owner is alive; false when the job was taken over or is gone. */
export async function touchBuild(ctx: StoreContext, job: BuildJobRecord, now?: number): Promise<boolean> {
  const result = await ctx.db
    .updateTable('build_jobs')
    .set({ heartbeat: now ?? ctx.clock() })
    .where('id', '=', job.id)
    .where('owner', '=', job.owner)
    .where('attempt', '=', job.attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records the build's commit and ends its job, in one transaction: either the
 * commit exists and the job is gone, or neither changed. A job that was taken
 * over by another attempt, already finished or abandoned is FERRY_CONFLICT.
 */
export async function finishBuild(
  ctx: StoreContext,
  job: BuildJobRecord,
  result: BuildResult,
): Promise<CommitRecord> {
  return runInTransaction(ctx, async (tx) => {
    const ended = await tx.db
      .deleteFrom('build_jobs')
      .where('id', '=', job.id)
      .where('owner', '=', job.owner)
      .where('attempt', '=', job.attempt)
      .returningAll()
      .executeTakeFirst();
    if (!ended) {
      throw new FerryError(
        'FERRY_CONFLICT',
        `build of ${job.projectName} ${job.commitHash} (job ${job.id}, attempt ${job.attempt}) is no longer ours to record: it was finished, abandoned or taken over`,
      );
    }
    const row = await tx.db
      .insertInto('commits')
      .values(
        commitRow({
          projectName: ended.project_name,
          commitHash: ended.commit_hash,
          distroHash: ended.distro_hash,
          extendedHash: ended.extended_hash,
          commitBranch: ended.commit_branch,
          component: ended.component,
          type: ended.type as CommitType,
          dtCommit: ended.dt_commit,
          dtDistro: ended.dt_distro,
          dtExtended: ended.dt_extended,
          dtBuild: ended.dt_build,
          repoDir: ended.repo_dir,
          distgitDir: ended.distgit_dir,
          status: result.status,
          artifacts: result.artifacts ?? null,
          nvr: result.nvr ?? null,
          notes: result.notes ?? null,
          versionsCsv: result.versionsCsv ?? null,
          notified: result.notified ?? false,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCommit(row);
  });
}

/** Drops a job without recording anything (a graceful stop before the build ended); false when it was not ours. */
export async function abandonBuild(ctx: StoreContext, job: BuildJobRecord): Promise<boolean> {
  const result = await ctx.db
    .deleteFrom('build_jobs')
    .where('id', '=', job.id)
    .where('owner', '=', job.owner)
    .where('attempt', '=', job.attempt)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Builds started and not recorded, oldest first: running now, or left by a killed chaser. */
export async function pendingBuilds(
  ctx: StoreContext,
  filter: { readonly project?: string } = {},
): Promise<BuildJobRecord[]> {
  let query = ctx.db.selectFrom('build_jobs').selectAll();
  if (filter.project !== undefined) query = query.where('project_name', '=', filter.project);
  const rows = await query.orderBy('id').execute();
  return rows.map(toBuildJob);
}
