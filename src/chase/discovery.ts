import {
  commitInfo,
  isAncestor,
  isCommitHash,
  listNewCommits,
  packageSourcePaths,
  refreshMirror,
  resolveBranch,
  type LastProcessed,
} from '../vcs/index.js';
import { isImportedBuild, type CommitRecord, type StoreApi } from '../store/index.js';
import type { BuildCandidate, ChasePackage } from './chase-model.js';
import { planPackageCandidates, type LastBuildInfo, type PackageScan } from './plan-candidates.js';

/** Fallback distgit branches when the release's branch does not exist yet (DLRN's `rpm-master`). */
export const DISTGIT_FALLBACKS: readonly string[] = ['rpm-master', 'master', 'main'];

export interface DiscoveryOptions {
  readonly sourcesDir: string;
  readonly headOnly: boolean;
  /** Skip fetching (tests, or a run right after another). */
  readonly fetch?: boolean;
  /** Git operations in flight at once. */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** What discovery found for one package. */
export interface PackageDiscovery {
  readonly pkg: ChasePackage;
  readonly candidates: readonly BuildCandidate[];
  /** The upstream branch actually followed and whether it is a fallback. */
  readonly branch: string | null;
  readonly fellBack: boolean;
  /** Set when the package was skipped (clone or branch problem): the reason. */
  readonly error: string | null;
}

/**
 * The build the chaser continues from, among what `lookup` finds (the newest
 * of any origin, else the newest ferry built itself). A build remote/import
 * brought counts only when its commit is in the followed branch's history
 * (and it was built from that branch): then git lists what came after it,
 * whatever time its commit.yaml claimed. Any other imported build (another
 * branch, a commit this upstream does not have, a commit time in the future)
 * would make the chaser skip or miss new commits, so the chaser continues
 * from its own newest build instead.
 */
async function continueFrom(
  lookup: (ownOnly: boolean) => Promise<CommitRecord | undefined>,
  upstreamDir: string,
  ref: string,
  branch: string,
): Promise<CommitRecord | undefined> {
  const newest = await lookup(false);
  if (!newest || !isImportedBuild(newest)) return newest;
  const onBranch = newest.commitBranch === null || newest.commitBranch === branch;
  const inHistory = onBranch && (await isAncestor(upstreamDir, newest.commitHash, ref).catch(() => false));
  return inHistory ? newest : lookup(true);
}

async function scanPackage(
  store: StoreApi,
  pkg: ChasePackage,
  options: DiscoveryOptions,
): Promise<PackageDiscovery> {
  const paths = packageSourcePaths(options.sourcesDir, pkg.name);
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  if (options.fetch !== false) {
    await Promise.all([
      refreshMirror({ url: pkg.upstream, dir: paths.upstream, ...timeout }),
      refreshMirror({ url: pkg.distgit, dir: paths.distgit, ...timeout }),
    ]);
  }
  const distgit = await resolveBranch(paths.distgit, pkg.distroBranch, { fallbacks: DISTGIT_FALLBACKS });
  const distgitHead = await commitInfo(paths.distgit, distgit.commit);

  // A source branch may pin a commit (rdoinfo tags do: `source-branch: <hash>`).
  const pinned = isCommitHash(pkg.sourceBranch);
  const upstream = pinned ? null : await resolveBranch(paths.upstream, pkg.sourceBranch);
  const ref = pinned ? pkg.sourceBranch : upstream!.fullRef;
  const branch = pinned ? pkg.sourceBranch : upstream!.name;
  const head = await commitInfo(paths.upstream, pinned ? pkg.sourceBranch : upstream!.commit);

  let last = await continueFrom(
    (ownOnly) => store.lastProcessedCommit(pkg.name, { ownOnly }),
    paths.upstream,
    ref,
    branch,
  );
  let headOnly = options.headOnly;
  let branchSwitched = false;
  if (last && last.commitBranch !== null && last.commitBranch !== branch) {
    // DLRN: a switched source branch behaves as a first build on it, unless that branch was built before.
    branchSwitched = true;
    last = await continueFrom(
      (ownOnly) => store.lastBuiltCommit(pkg.name, branch, { ownOnly }),
      paths.upstream,
      ref,
      branch,
    );
    headOnly = true;
  }
  const since: LastProcessed | undefined =
    last && last.dtCommit !== null ? { hash: last.commitHash, commitTime: last.dtCommit } : undefined;
  const listed = await listNewCommits(paths.upstream, {
    ref,
    ...(since ? { since } : {}),
    headOnly,
    tagsOnly: pkg.tagsOnly,
  });
  const lastInfo: LastBuildInfo | undefined = last
    ? {
        commitHash: last.commitHash,
        distroHash: last.distroHash,
        extendedHash: last.extendedHash,
        commitBranch: last.commitBranch,
        dtCommit: last.dtCommit,
        status: last.status,
      }
    : undefined;
  const scan: PackageScan = {
    pkg,
    branch,
    upstream: listed.commits.map((c) => ({ hash: c.hash, commitTime: c.commitTime, subject: c.subject })),
    head: { hash: head.hash, commitTime: head.commitTime, subject: head.subject },
    distroHash: distgit.commit,
    dtDistro: distgitHead.commitTime,
    // A switched branch never built before is a first build on it.
    lastProcessed: branchSwitched && last === undefined ? undefined : lastInfo,
    branchSwitched: branchSwitched && last !== undefined,
    headOnly,
  };
  const planned = planPackageCandidates(scan);
  const candidates: BuildCandidate[] = [];
  for (const candidate of planned) {
    const built = await store.isAlreadyBuilt({
      commitHash: candidate.commitHash,
      distroHash: candidate.distroHash,
      extendedHash: candidate.extendedHash,
      dtCommit: candidate.commitTime,
    });
    if (built) continue;
    const retried = await store.countRetries(pkg.name, candidate.commitHash, candidate.distroHash);
    candidates.push(
      retried > 0
        ? { ...candidate, reason: 'retry' }
        : branchSwitched && last === undefined
          ? { ...candidate, reason: 'branch-switch' }
          : candidate,
    );
  }
  return { pkg, candidates, branch, fellBack: upstream?.fellBack ?? false, error: null };
}

/**
 * Refreshes every package's upstream and distgit mirrors and lists the builds
 * to do (a few packages at a time). A package whose repositories cannot be
 * read is skipped with its reason, as DLRN skips it, and the others go on.
 */
export async function discoverBuilds(
  store: StoreApi,
  packages: readonly ChasePackage[],
  options: DiscoveryOptions,
): Promise<PackageDiscovery[]> {
  const results: PackageDiscovery[] = new Array<PackageDiscovery>(packages.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < packages.length; i = next++) {
      const pkg = packages[i]!;
      try {
        results[i] = await scanPackage(store, pkg, options);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        results[i] = { pkg, candidates: [], branch: null, fellBack: false, error: message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, packages.length) }, worker));
  return results;
}
