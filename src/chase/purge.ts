import { lstat, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { listLabels, shardedCommitDir, snapshotDir } from '../layout/index.js';
import type { CommitRecord, StoreApi } from '../store/index.js';

/** The commit fields the purge plan looks at. */
export type PurgeCommit = Pick<
  CommitRecord,
  | 'id'
  | 'projectName'
  | 'commitHash'
  | 'distroHash'
  | 'extendedHash'
  | 'component'
  | 'status'
  | 'dtBuild'
  | 'purged'
>;

export const PURGE_MODES = ['removed', 'rpms-kept'] as const;
/**
 * `removed`: the snapshot directory is deleted. `rpms-kept`: its repodata,
 * links and logs are deleted but its own RPM files stay, because a snapshot
 * that is kept links to them.
 */
export type PurgeMode = (typeof PURGE_MODES)[number];

export interface PurgeAction {
  readonly commit: PurgeCommit;
  readonly mode: PurgeMode;
  /** The commit was purged before with its RPMs kept; now nothing links them any more. */
  readonly alreadyPurged: boolean;
}

export interface PurgePlan {
  readonly actions: readonly PurgeAction[];
  /** Old commits kept because a label or promotion shows their snapshot (or one sharing its directory). */
  readonly protectedCount: number;
}

/**
 * Decides what `ferry purge --older-than` removes (pure). Commits built
 * before `cutoff` (or never stamped) and not purged yet go, except:
 * - a snapshot a label or promotion references, and any commit sharing its
 *   directory (a RETRY then a SUCCESS of the same hashes), is kept whole;
 * - a successful build whose RPMs a kept snapshot links to keeps its RPM
 *   files (`rpms-kept`). A snapshot links, for every other package, the
 *   newest successful build published before it, so build B of package P is
 *   linked by a kept snapshot S (same component) iff B.id <= S.id < id of
 *   P's next successful build.
 */
export function planPurge(
  commits: readonly PurgeCommit[],
  options: {
    readonly cutoff: number;
    readonly protectedIds: ReadonlySet<number>;
    readonly useComponents: boolean;
  },
): PurgePlan {
  const dirOf = (c: PurgeCommit): string =>
    shardedCommitDir({ ...c, component: options.useComponents ? c.component : null });
  const old = (c: PurgeCommit): boolean => c.dtBuild === null || c.dtBuild < options.cutoff;
  const protectedDirs = new Set(commits.filter((c) => options.protectedIds.has(c.id)).map(dirOf));
  const keptDirs = new Set(
    commits.filter((c) => !c.purged && (!old(c) || protectedDirs.has(dirOf(c)))).map(dirOf),
  );
  // Kept snapshots (successful, not going away), by component, ids ascending.
  const groupOf = (c: PurgeCommit): string => (options.useComponents ? (c.component ?? '') : '');
  const keptSnapshots = new Map<string, number[]>();
  for (const c of commits) {
    if (c.status !== 'SUCCESS' || c.purged) continue;
    if (old(c) && !protectedDirs.has(dirOf(c))) continue;
    const list = keptSnapshots.get(groupOf(c)) ?? [];
    list.push(c.id);
    keptSnapshots.set(groupOf(c), list);
  }
  for (const list of keptSnapshots.values()) list.sort((a, b) => a - b);
  // Each successful build's successor (next success of the same package).
  const successes = commits.filter((c) => c.status === 'SUCCESS').sort((a, b) => a.id - b.id);
  const nextSuccess = new Map<number, number>();
  const lastOf = new Map<string, PurgeCommit>();
  for (const c of successes) {
    const previous = lastOf.get(c.projectName);
    if (previous) nextSuccess.set(previous.id, c.id);
    lastOf.set(c.projectName, c);
  }
  const linked = (c: PurgeCommit): boolean => {
    const kept = keptSnapshots.get(groupOf(c)) ?? [];
    const until = nextSuccess.get(c.id) ?? Number.POSITIVE_INFINITY;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (kept[mid]! < c.id) low = mid + 1;
      else high = mid;
    }
    return low < kept.length && kept[low]! < until;
  };

  const actions: PurgeAction[] = [];
  let protectedCount = 0;
  for (const c of commits) {
    if (!old(c)) continue;
    if (keptDirs.has(dirOf(c))) {
      // Shown by a label or promotion, or the directory of a newer commit of the same hashes.
      if (!c.purged && protectedDirs.has(dirOf(c))) protectedCount++;
      continue;
    }
    if (c.purged) {
      // RPMs kept by an earlier purge for snapshots that are gone now: remove them too.
      if (c.status === 'SUCCESS' && !linked(c))
        actions.push({ commit: c, mode: 'removed', alreadyPurged: true });
      continue;
    }
    actions.push({
      commit: c,
      mode: c.status === 'SUCCESS' && linked(c) ? 'rpms-kept' : 'removed',
      alreadyPurged: false,
    });
  }
  return { actions, protectedCount };
}

/** `ferry purge --json`. */
export interface PurgeReport {
  readonly cutoff: number;
  readonly dryRun: boolean;
  readonly purged: readonly {
    readonly id: number;
    readonly project: string;
    readonly commitHash: string;
    readonly status: string;
    readonly snapshot: string;
    readonly mode: PurgeMode;
  }[];
  readonly protected: number;
}

async function allPromotionCommitIds(store: StoreApi): Promise<Set<number>> {
  const ids = new Set<number>();
  for (let offset = 0; ; offset += 1000) {
    const page = await store.findPromotions({ limit: 1000, offset });
    for (const p of page) ids.add(p.commitId);
    if (page.length < 1000) return ids;
  }
}

/** Every commit a label on disk points at (top-level and per-component labels). */
async function labelledCommitIds(
  reposDir: string,
  commits: readonly PurgeCommit[],
  components: readonly string[],
  useComponents: boolean,
): Promise<Set<number>> {
  const byDir = new Map<string, number[]>();
  for (const c of commits) {
    const dir = snapshotDir(reposDir, { ...c, component: useComponents ? c.component : null });
    byDir.set(dir, [...(byDir.get(dir) ?? []), c.id]);
  }
  const ids = new Set<number>();
  const labels = [...(await listLabels(reposDir))];
  for (const component of components) labels.push(...(await listLabels(reposDir, component)));
  for (const label of labels) for (const id of byDir.get(label.dir) ?? []) ids.add(id);
  return ids;
}

async function purgeDirectory(dir: string, mode: PurgeMode): Promise<void> {
  if (mode === 'removed') {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (info?.isFile() && name.endsWith('.rpm')) continue;
    await rm(path, { recursive: true, force: true });
  }
}

/**
 * Removes old snapshots (see planPurge) and marks their commits purged.
 * Commits are marked after their files are gone, so a crash in between
 * leaves them to be purged again, never a purged mark on files still there.
 */
export async function purgeOldSnapshots(
  store: StoreApi,
  paths: { readonly workspaceRoot: string; readonly reposDir: string },
  options: {
    readonly olderThanDays: number;
    readonly now: number;
    readonly useComponents: boolean;
    readonly components: readonly string[];
    readonly dryRun?: boolean;
  },
): Promise<PurgeReport> {
  const cutoff = options.now - Math.round(options.olderThanDays * 86_400);
  const commits = await store.findCommits({ type: null, order: 'asc' });
  const protectedIds = new Set([
    ...(await allPromotionCommitIds(store)),
    ...(await labelledCommitIds(paths.reposDir, commits, options.components, options.useComponents)),
  ]);
  const plan = planPurge(commits, { cutoff, protectedIds, useComponents: options.useComponents });
  const purged: PurgeReport['purged'][number][] = [];
  for (const action of plan.actions) {
    const dir = snapshotDir(paths.reposDir, {
      ...action.commit,
      component: options.useComponents ? action.commit.component : null,
    });
    if (action.alreadyPurged && !(await lstat(dir).catch(() => null))) continue;
    if (!options.dryRun) await purgeDirectory(dir, action.mode);
    purged.push({
      id: action.commit.id,
      project: action.commit.projectName,
      commitHash: action.commit.commitHash,
      status: action.commit.status,
      snapshot: relative(paths.workspaceRoot, dir),
      mode: action.mode,
    });
  }
  if (!options.dryRun)
    await store.markPurged(plan.actions.filter((a) => !a.alreadyPurged).map((a) => a.commit.id));
  return { cutoff, dryRun: options.dryRun ?? false, purged, protected: plan.protectedCount };
}
