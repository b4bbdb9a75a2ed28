import { lstat, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import {
  readLabel,
  removeStaleAsideFiles,
  renderCommitYaml,
  snapshotDir,
  snapshotName,
  switchLabel,
  writeAggregateRepo,
  type SnapshotRef,
} from '../layout/index.js';
import { CONSISTENT_CI_NAME, type CommitRecord, type StoreApi } from '../store/index.js';
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
 * successful build, `consistent` on the build of the newest `consistent`
 * vote (per component with components). Returns the labels switched.
 */
export async function reconcileLabels(ctx: PublishContext): Promise<string[]> {
  const components: (string | null)[] = ctx.useComponents
    ? [...new Set(ctx.packages.map((p) => p.component).filter((c): c is string => c !== null))].sort()
    : [null];
  const fixed: string[] = [];
  for (const component of components) {
    const scope = component === null ? {} : { component };
    const [current] = await ctx.store.findCommits({ ...scope, status: 'SUCCESS', limit: 1 });
    const vote = await ctx.store.newestVote({ ...scope, ciName: CONSISTENT_CI_NAME });
    for (const [label, commit] of [
      ['current', current],
      ['consistent', vote?.commit],
    ] as const) {
      if (!commit) continue;
      const ref = refOf(commit, ctx.useComponents);
      const shown = await readLabel(ctx.reposDir, label, ref.component);
      if (shown?.name === snapshotName(ref) && shown.dir === snapshotDir(ctx.reposDir, ref)) continue;
      if (!(await exists(snapshotDir(ctx.reposDir, ref)))) continue;
      await switchLabel(ctx.reposDir, label, ref);
      fixed.push(component ? `component/${component}/${label}` : label);
    }
  }
  if (ctx.useComponents && fixed.length > 0) {
    const names = components.filter((c): c is string => c !== null);
    for (const label of ['current', 'consistent'])
      await writeAggregateRepo(ctx.reposDir, label, names, ctx.reponame);
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
 * (label links, atomic writes, build work directories), and puts every label
 * back on the snapshot the database says it should show.
 */
export async function recoverWorkspace(ctx: PublishContext): Promise<RecoveryReport> {
  const journal = await readJournal(ctx.stateDir);
  const interrupted = journal ? await settleJournal(ctx, journal) : null;
  await clearJournal(ctx.stateDir);
  await discardWorkDirs(ctx.stateDir);
  let removed = (await removeStaleAsideFiles(ctx.reposDir)).length;
  const components = [
    ...new Set(ctx.packages.map((p) => p.component).filter((c): c is string => c !== null)),
  ];
  for (const component of components) {
    removed += (await removeStaleAsideFiles(join(ctx.reposDir, 'component', component))).length;
    for (const label of ['current', 'consistent']) {
      removed += (await removeStaleAsideFiles(join(ctx.reposDir, label))).length;
    }
  }
  const labelsFixed = await reconcileLabels(ctx);
  return { interrupted, labelsFixed, removed };
}

/** For tests and `ferry status`: whether a snapshot directory has every file a consumer reads. */
export async function isCompleteSnapshot(dir: string, reponame = 'delorean'): Promise<boolean> {
  for (const name of ['commit.yaml', 'versions.csv', `${reponame}.repo`, 'repodata/repomd.xml']) {
    if (!(await exists(join(dir, name)))) return false;
  }
  const yaml = await readFile(join(dir, 'commit.yaml'), 'utf8').catch(() => '');
  return yaml.includes('status: SUCCESS');
}
