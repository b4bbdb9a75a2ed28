import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';

import {
  aggregateLabels,
  checkAggregateRepo,
  readLabel,
  removeStaleAsideFiles,
  renderCommitYaml,
  snapshotDir,
  snapshotName,
  sweepStaleAsideFiles,
  switchLabel,
  writeAggregateRepo,
  type SnapshotRef,
} from '../layout/index.js';
import { snapshotGaps } from '../report/index.js';
import type { CommitRecord, StoreApi } from '../store/index.js';
import { replaceFile } from './replace-file.js';
import { toSnapshotCommit, type PublishContext } from './publish-build.js';
import { clearJournal, readJournal, type PublishJournal } from './publish-journal.js';

/** What recovery found and did, for the chaser's output. */
export interface RecoveryReport {
  /** The interrupted publish, if there was one, and what became of it. */
  readonly interrupted: {
    readonly project: string;
    readonly commitHash: string;
    readonly outcome: 'rolled-back' | 'completed';
  } | null;
  /** Labels that did not match the database and were switched. */
  readonly labelsFixed: readonly string[];
  /**
   * Labels left where they are because the snapshot the database names is
   * incomplete (`<label>: <snapshot>: <what it lacks>`); `ferry status` shows them.
   */
  readonly labelsBlocked: readonly string[];
  /** Aggregate label directories (with components) rewritten because they disagreed with their components' labels. */
  readonly aggregatesFixed: readonly string[];
  /** Stale temporary files and directories removed. */
  readonly removed: number;
}

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

async function recordedCommit(store: StoreApi, journal: PublishJournal): Promise<CommitRecord | undefined> {
  const pending = await store.pendingBuilds({ project: journal.projectName });
  if (pending.some((job) => job.id === journal.jobId && job.attempt === journal.attempt)) return undefined;
  const [commit] = await store.findCommits({
    project: journal.projectName,
    commitHash: journal.commitHash,
    distroHash: journal.distroHash,
    type: null,
    limit: 1,
  });
  return commit;
}

/** Undoes or finishes the publish the journal describes. */
async function settleJournal(
  ctx: PublishContext,
  journal: PublishJournal,
): Promise<RecoveryReport['interrupted']> {
  const commit = await recordedCommit(ctx.store, journal);
  // Atomic writes inside the snapshot a killed process left (commit.yaml.<pid>...tmp).
  await removeStaleAsideFiles(journal.final);
  const stagingThere = await exists(journal.staging);
  const trashThere = await exists(journal.trash);
  if (commit === undefined) {
    // Not recorded: the build job is still pending and will be built again.
    // Remove what this publish put in place and restore what it displaced.
    if (stagingThere) await rm(journal.staging, { recursive: true, force: true });
    if (journal.phase === 'placing' && !stagingThere && (await exists(journal.final))) {
      await rm(journal.final, { recursive: true, force: true });
    }
    if (trashThere && !(await exists(journal.final))) await rename(journal.trash, journal.final);
    return { project: journal.projectName, commitHash: journal.commitHash, outcome: 'rolled-back' };
  }
  if (trashThere) await rm(journal.trash, { recursive: true, force: true });
  await replaceFile(join(journal.final, 'commit.yaml'), renderCommitYaml(toSnapshotCommit(commit)));
  return { project: journal.projectName, commitHash: journal.commitHash, outcome: 'completed' };
}

function refOf(commit: CommitRecord, useComponents: boolean): SnapshotRef {
  return { ...commit, component: useComponents ? commit.component : null };
}

/** Settles the publish in progress after it failed in this process (see settleJournal). */
export async function rollBackPublish(ctx: PublishContext): Promise<void> {
  const journal = await readJournal(ctx.stateDir);
  if (journal) await settleJournal(ctx, journal);
  await clearJournal(ctx.stateDir);
}

/**
 * Makes the labels say what the database says: `current` on the newest
 * successful build, `consistent` on the build the chaser last moved it to
 * (its newest label move; per component with components). Returns the
 * labels switched. `current` is never a build remote/import brought (its
 * snapshot holds that build alone), and no label is moved onto an incomplete
 * snapshot (see snapshotGaps): those are added to `blocked`.
 */
export async function reconcileLabels(ctx: PublishContext, blocked: string[] = []): Promise<string[]> {
  const components: (string | null)[] = ctx.useComponents
    ? [...new Set(ctx.packages.map((p) => p.component).filter((c): c is string => c !== null))].sort()
    : [null];
  const fixed: string[] = [];
  for (const component of components) {
    const scope = component === null ? {} : { component };
    const [current] = await ctx.store.findCommits({ ...scope, status: 'SUCCESS', imported: false, limit: 1 });
    // The chaser's own record of its moves, never a vote: clients write votes.
    const consistent = await ctx.store.labelTarget('consistent', component ?? undefined);
    for (const [label, commit] of [
      ['current', current],
      ['consistent', consistent],
    ] as const) {
      if (!commit) continue;
      const ref = refOf(commit, ctx.useComponents);
      const shown = await readLabel(ctx.reposDir, label, ref.component);
      if (shown?.name === snapshotName(ref) && shown.dir === snapshotDir(ctx.reposDir, ref)) continue;
      if (!(await exists(snapshotDir(ctx.reposDir, ref)))) continue;
      const name = component ? `component/${component}/${label}` : label;
      const gaps = await snapshotGaps(snapshotDir(ctx.reposDir, ref), ctx.reponame);
      if (gaps.length > 0) {
        blocked.push(
          `${name}: ${relative(ctx.workspaceRoot, snapshotDir(ctx.reposDir, ref))}: ${gaps.join('; ')}`,
        );
        continue;
      }
      await switchLabel(ctx.reposDir, label, ref);
      fixed.push(name);
    }
  }
  return fixed;
}

/** How many times an aggregate is rewritten when it keeps disagreeing (a promotion moving its labels meanwhile). */
const AGGREGATE_ATTEMPTS = 3;

/**
 * With components, recomputes the aggregate of every label that has one
 * (`current`, `consistent`, promotion names: see aggregateLabels) from the
 * components' labels as they are, and rewrites those that differ in any way
 * (the joined `.repo`, its md5, versions.csv, the links to the hashed copy).
 * Run at every recovery, whatever else was repaired: a chaser killed between
 * a component label switch and the aggregate rewrite leaves the labels right
 * and only the aggregate stale. A promotion may move component labels while
 * this runs (ferry serve does not take the chaser's lock), so each aggregate
 * is checked again after it is written. Returns the labels rewritten.
 */
export async function repairAggregates(ctx: PublishContext): Promise<string[]> {
  if (!ctx.useComponents) return [];
  const components = [
    ...new Set(ctx.packages.map((p) => p.component).filter((c): c is string => c !== null)),
  ].sort();
  const fixed: string[] = [];
  for (const label of await aggregateLabels(ctx.reposDir, components, ctx.reponame)) {
    for (let attempt = 0; attempt < AGGREGATE_ATTEMPTS; attempt++) {
      const check = await checkAggregateRepo(ctx.reposDir, label, components, ctx.reponame);
      // A label symlink where the aggregate directory should be: `ferry status` reports it.
      if (check.problems.length === 0 || check.conflict) break;
      await writeAggregateRepo(ctx.reposDir, label, components, ctx.reponame);
      if (!fixed.includes(label)) fixed.push(label);
    }
  }
  return fixed;
}

/**
 * Removes the build work directories a previous run left. A build process
 * orphaned by a killed chaser may still be writing there, so the directory is
 * renamed aside first (new builds get a fresh one) and removed best-effort.
 */
async function discardWorkDirs(stateDir: string): Promise<void> {
  const entries = await readdir(stateDir).catch(() => [] as string[]);
  const stale: string[] = [];
  if (entries.includes('work')) {
    const aside = `work.stale.${process.pid}.${Date.now()}`;
    await rename(join(stateDir, 'work'), join(stateDir, aside)).catch(() => undefined);
    stale.push(aside);
  }
  stale.push(...entries.filter((e) => e.startsWith('work.stale.')));
  for (const name of stale)
    await rm(join(stateDir, name), { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Run by the chaser before anything else, holding the workspace lock: settles
 * an interrupted publish, removes temporary files a killed process left
 * (label links, atomic writes, staging directories, build work directories,
 * at every depth ferry writes them), puts every label back on the snapshot
 * the database says it should show, and rewrites every aggregate that is not
 * the join of its components' labels.
 */
export async function recoverWorkspace(ctx: PublishContext): Promise<RecoveryReport> {
  const journal = await readJournal(ctx.stateDir);
  const interrupted = journal ? await settleJournal(ctx, journal) : null;
  await clearJournal(ctx.stateDir);
  await discardWorkDirs(ctx.stateDir);
  // Every depth ferry writes temporaries at (labels, aggregates and their hashed copies,
  // staging beside snapshots), and the journal's own aside file.
  const removed =
    (await sweepStaleAsideFiles(ctx.reposDir)).length + (await removeStaleAsideFiles(ctx.stateDir)).length;
  const labelsBlocked: string[] = [];
  const labelsFixed = await reconcileLabels(ctx, labelsBlocked);
  // Always, not only when a label was fixed: the labels may be right and their aggregate stale.
  const aggregatesFixed = await repairAggregates(ctx);
  return { interrupted, labelsFixed, labelsBlocked, aggregatesFixed, removed };
}

/** For tests: whether a snapshot directory has every file a consumer reads (see snapshotGaps). */
export async function isCompleteSnapshot(dir: string, reponame = 'delorean'): Promise<boolean> {
  return (await snapshotGaps(dir, reponame)).length === 0;
}
