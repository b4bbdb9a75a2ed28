/**
 * The chaser's own data: the packages it follows and the builds it plans.
 * Everything here is plain data; the decisions over it are in plan-*.ts.
 */

/** One package of the catalog release, with the settings the chaser uses (rdoinfo's effective fields). */
export interface ChasePackage {
  readonly name: string;
  readonly project: string;
  /** Upstream repository (URL or path). */
  readonly upstream: string;
  /** distgit repository holding the spec (rdoinfo's `master-distgit`, or `distgit`). */
  readonly distgit: string;
  /** Upstream branch or tag to follow (catalog `source-branch`, else the release's upstream branch). */
  readonly sourceBranch: string;
  /** distgit branch (catalog `distro-branch`, else the release's branch). */
  readonly distroBranch: string;
  /** Directory of the spec inside the distgit (rdoinfo `distgit-path`), '' for the top. */
  readonly distgitPath: string;
  readonly component: string | null;
  readonly maintainers: readonly string[];
  /** Build only tagged upstream commits (rdoinfo `build-tags-only`). */
  readonly tagsOnly: boolean;
}

export const CANDIDATE_REASONS = [
  'first-build',
  'new-commit',
  'distgit-change',
  'branch-switch',
  'retry',
] as const;
/** Why a build was queued: shown in `ferry chase` output and its JSON. */
export type CandidateReason = (typeof CANDIDATE_REASONS)[number];

/** One build to do: an upstream commit of a package with the distgit HEAD to build it with. */
export interface BuildCandidate {
  readonly packageName: string;
  readonly commitHash: string;
  /** Upstream commit time (DLRN's dt_commit): the queue order across packages. */
  readonly commitTime: number;
  readonly subject: string;
  readonly commitBranch: string;
  readonly distroHash: string;
  readonly dtDistro: number;
  readonly extendedHash: string | null;
  readonly component: string | null;
  readonly reason: CandidateReason;
}
