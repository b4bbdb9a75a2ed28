import { basename, join } from 'node:path';

import {
  readLabel,
  renderCommitYaml,
  renderDeloreanRepo,
  shardedCommitDir,
  snapshotDir,
  switchLabel,
  writeAggregateRepo,
  type SnapshotCommit,
  type SnapshotRef,
} from '../layout/index.js';
import { CONSISTENT_CI_NAME, type BuildJobRecord, type CommitRecord, type StoreApi } from '../store/index.js';
import { asidePath } from '../util/atomic-write.js';
import { replaceFile } from './replace-file.js';
import type { ChasePackage } from './chase-model.js';
import { killPoint } from './kill-points.js';
import { clearJournal, writeJournal } from './publish-journal.js';
import { snapshotContents } from './snapshot-contents.js';
import { rememberSnapshotFiles, snapshotFiles, type SnapshotFiles } from './snapshot-files.js';
import { placeSnapshot, stageSnapshot, stagingPath, type RepodataPort } from './snapshot-stage.js';

/** What publishing needs to know about the workspace. */
export interface PublishContext {
  readonly store: StoreApi;
  readonly workspaceRoot: string;
  readonly reposDir: string;
  /** `<workspace>/.ferry`: lock, journal, work directories. */
  readonly stateDir: string;
  readonly baseurl: string;
  readonly reponame: string;
  /** Every package of the release, in catalog order. */
  readonly packages: readonly ChasePackage[];
  /** Packages are grouped by component: snapshots and labels under repos/component/<c>/. */
  readonly useComponents: boolean;
  readonly repodata: RepodataPort;
}

/** A finished build, ready to be published and recorded. */
export interface FinishedBuild {
  readonly job: BuildJobRecord;
  readonly pkg: ChasePackage;
  readonly status: 'SUCCESS' | 'FAILED' | 'RETRY';
  /** Built RPMs and SRPM (absolute paths), moved into the snapshot. */
  readonly files: readonly string[];
  /** Build logs (absolute paths), moved into the snapshot. */
  readonly logs: readonly string[];
  /** `OK`, or why it failed (the log tail): the commit's notes. */
  readonly notes: string;
}

export interface PublishResult {
  readonly commit: CommitRecord;
  /** The snapshot directory (absolute). */
  readonly dir: string;
  readonly consistent: boolean;
  /** Packages whose newest build fails: they kept the snapshot from being consistent. */
  readonly failing: readonly string[];
  /** Packages never built yet: they too keep it from being consistent. */
  readonly unbuilt: readonly string[];
  /** Labels moved (`current`, `consistent`; with components `component/<c>/current`...). */
  readonly labels: readonly string[];
}

/** The commit.yaml record of a store commit. */
export function toSnapshotCommit(commit: CommitRecord): SnapshotCommit {
  return {
    id: commit.id,
    type: commit.type,
    dtCommit: commit.dtCommit ?? 0,
    dtDistro: commit.dtDistro ?? 0,
    dtExtended: commit.dtExtended,
    dtBuild: commit.dtBuild,
    projectName: commit.projectName,
    repoDir: commit.repoDir,
    distgitDir: commit.distgitDir,
    commitHash: commit.commitHash,
    distroHash: commit.distroHash,
    extendedHash: commit.extendedHash,
    commitBranch: commit.commitBranch,
    status: commit.status,
    component: commit.component,
    artifacts: commit.artifacts,
    notes: commit.notes,
    flags: commit.flags,
    versionsCsv: commit.versionsCsv,
  };
}

function refOf(
  job: { commitHash: string; distroHash: string; extendedHash: string | null; component: string | null },
  useComponents: boolean,
): SnapshotRef {
  return {
    commitHash: job.commitHash,
    distroHash: job.distroHash,
    extendedHash: job.extendedHash,
    component: useComponents ? job.component : null,
  };
}

/** Files of the snapshot a label points at (the previous snapshot, for incremental repodata). */
async function labelSnapshot(
  reposDir: string,
  label: string,
  component: string | null,
): Promise<SnapshotFiles | null> {
  const target = await readLabel(reposDir, label, component);
  return target && snapshotFiles(target.dir);
}

/**
 * Publishes one finished build, in the order that keeps every label on a
 * complete snapshot whatever instant the process is killed at:
 *
 * 1. journal `staging`; the snapshot is built in a hidden sibling directory
 *    (RPMs moved in, links to every other package's newest good RPMs,
 *    versions.csv, delorean.repo, logs, repodata from the previous snapshot);
 * 2. journal `placing`; the directory is renamed into place;
 * 3. one transaction records the commit, ends the build job and, when no
 *    package's newest build fails, records the `consistent` vote and the
 *    label move recovery follows;
 * 4. commit.yaml is written (it carries the commit's id);
 * 5. `current` (and `consistent`) switch atomically; with components the
 *    aggregate label directories are rewritten;
 * 6. the journal is removed.
 *
 * Recovery (recovery.ts) undoes 1-2 when step 3 did not happen (the build
 * job is still pending, so the build is redone) and redoes 4-5 otherwise.
 */
export async function publishBuild(ctx: PublishContext, build: FinishedBuild): Promise<PublishResult> {
  const { job, pkg } = build;
  const ref = refOf(job, ctx.useComponents);
  const sharded = shardedCommitDir(ref);
  const final = snapshotDir(ctx.reposDir, ref);
  const staging = stagingPath(final);
  const trash = asidePath(final);
  const journal = {
    jobId: job.id,
    attempt: job.attempt,
    projectName: job.projectName,
    commitHash: job.commitHash,
    distroHash: job.distroHash,
    extendedHash: job.extendedHash,
    component: ref.component ?? null,
    staging,
    final,
    trash,
  };
  await writeJournal(ctx.stateDir, { ...journal, phase: 'staging' });

  const success = build.status === 'SUCCESS';
  const artifacts = success ? build.files.map((f) => `repos/${sharded}/${basename(f)}`).sort() : [];
  let consistent = false;
  let failing: readonly string[] = [];
  let unbuilt: readonly string[] = [];
  let staged: { rpms: string[] } | undefined;
  if (success) {
    const { success: lastSuccess, processed } = await ctx.store.newestBuildRefs();
    const contents = snapshotContents({
      build: {
        pkg,
        commitHash: job.commitHash,
        distroHash: job.distroHash,
        extendedHash: job.extendedHash,
        component: ref.component ?? null,
        dtBuild: job.dtBuild,
        artifacts,
      },
      packages: ctx.packages,
      useComponents: ctx.useComponents,
      lastSuccess,
      lastProcessed: processed,
    });
    consistent = contents.failures === 0;
    failing = contents.failing;
    unbuilt = contents.unbuilt;
    const previous = await labelSnapshot(ctx.reposDir, 'current', ref.component ?? null);
    staged = await stageSnapshot(
      {
        final,
        workspaceRoot: ctx.workspaceRoot,
        moveIn: [...build.files, ...build.logs],
        write: {
          [`${ctx.reponame}.repo`]: renderDeloreanRepo({
            reponame: ctx.reponame,
            projectName: pkg.name,
            commitHash: job.commitHash,
            baseurl: ctx.baseurl,
            shardedDir: sharded,
            component: ref.component ?? null,
          }),
        },
        contents,
        previous,
        repodata: ctx.repodata,
      },
      staging,
    );
  } else {
    await stageSnapshot(
      { final, workspaceRoot: ctx.workspaceRoot, moveIn: build.logs, write: { 'notes.log': build.notes } },
      staging,
    );
  }
  killPoint('after-stage');
  await writeJournal(ctx.stateDir, { ...journal, phase: 'placing' });
  await placeSnapshot(staging, final, trash);
  killPoint('after-place');

  const nvr =
    artifacts
      .map((a) => basename(a))
      .find((f) => f.endsWith('.src.rpm'))
      ?.replace(/\.src\.rpm$/, '') ?? null;
  const commit = await ctx.store.transaction(async (tx) => {
    const recorded = await tx.finishBuild(job, { status: build.status, artifacts, nvr, notes: build.notes });
    if (success && consistent) {
      await tx.recordVote({
        commitId: recorded.id,
        ciName: CONSISTENT_CI_NAME,
        ciUrl: '',
        ciVote: true,
        ciInProgress: false,
        timestamp: job.dtBuild,
        notes: '',
        component: recorded.component,
      });
      // Where recovery puts `consistent` back: the vote above is for DLRN's API, and
      // clients may write votes; only the chaser writes label moves.
      await tx.recordLabelMove({
        label: 'consistent',
        commitId: recorded.id,
        component: ref.component ?? null,
      });
    }
    return recorded;
  });
  killPoint('after-record');

  await replaceFile(join(final, 'commit.yaml'), renderCommitYaml(toSnapshotCommit(commit)));
  // The snapshot is complete: the next publish derives from it.
  if (staged) rememberSnapshotFiles(final, staged.rpms);
  const labels = success ? await moveLabels(ctx, ref, consistent) : [];
  killPoint('after-labels');
  await clearJournal(ctx.stateDir);
  return { commit, dir: final, consistent, failing, unbuilt, labels };
}

/** Switches `current` (and `consistent`) to a snapshot; with components, rewrites the aggregate label directories. */
export async function moveLabels(
  ctx: PublishContext,
  ref: SnapshotRef,
  consistent: boolean,
): Promise<string[]> {
  const names = consistent ? ['current', 'consistent'] : ['current'];
  const moved: string[] = [];
  for (const label of names) {
    await switchLabel(ctx.reposDir, label, ref, { beforeRename: () => killPoint('label-switch') });
    moved.push(ref.component ? `component/${ref.component}/${label}` : label);
  }
  if (ctx.useComponents) {
    const components = [
      ...new Set(ctx.packages.map((p) => p.component).filter((c): c is string => c !== null)),
    ];
    // Killed here, the component labels are moved and the aggregates still show the old
    // ones: recovery's repairAggregates rewrites them at the next start.
    killPoint('before-aggregate');
    for (const label of names) await writeAggregateRepo(ctx.reposDir, label, components, ctx.reponame);
  }
  return moved;
}
