import { shardedCommitDir } from '../layout/index.js';
import type { BuildRef, StoreProblem } from '../store/index.js';
import type { WorkspaceProblem } from './workspace-checks.js';

/** The fields of a build record the reports show (the store's CommitRecord has them all). */
export interface ReportCommit extends BuildRef {
  readonly id: number;
  readonly dtCommit: number | null;
  readonly nvr: string | null;
  readonly notes: string | null;
  readonly purged?: boolean;
}

export const PACKAGE_STATES = ['SUCCESS', 'FAILED', 'RETRY', 'NO_BUILD'] as const;
/** A package's state in `ferry status`: its newest build's status, or NO_BUILD. */
export type PackageState = (typeof PACKAGE_STATES)[number];

/** One build as `ferry status --json` prints it (docs/json-output.md). */
export interface BuildSummary {
  readonly id: number;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly status: string;
  readonly dtCommit: number | null;
  readonly dtBuild: number | null;
  readonly nvr: string | null;
  /** Snapshot directory relative to the workspace, e.g. `repos/3a/93/3a93…_024e24f0`. */
  readonly snapshot: string;
  /** Build log path relative to the workspace. */
  readonly log: string;
  /** Files built, relative to the workspace (`repos/…/foo-1.0-0.2024….el9.noarch.rpm`); empty for a failure. */
  readonly artifacts: readonly string[];
}

/** One package's line of `ferry status`. */
export interface PackageStatus {
  readonly name: string;
  readonly component: string | null;
  readonly state: PackageState;
  readonly lastBuild: BuildSummary | null;
  readonly lastSuccess: BuildSummary | null;
  /** First failed build after the last success (or the first ever, when none succeeded). */
  readonly firstFailure: BuildSummary | null;
  /** Build time of `firstFailure`: since when the package fails; null when it does not. */
  readonly failingSince: number | null;
  /** Whole days since the last success while failing; null when not failing or never built successfully. */
  readonly daysSinceSuccess: number | null;
  /** Tail of the failing build's log, as recorded. */
  readonly notes: string | null;
}

export interface StatusSummary {
  readonly total: number;
  readonly success: number;
  readonly failed: number;
  readonly retry: number;
  readonly noBuild: number;
}

/** Where a label points, as status shows it. */
export interface LabelStatus {
  readonly label: string;
  readonly component: string | null;
  /** Snapshot directory relative to the workspace. */
  readonly snapshot: string;
  readonly commitHash: string | null;
  readonly project: string | null;
}

/** `ferry status --json`. */
export interface StatusReport {
  readonly generatedAt: number;
  readonly summary: StatusSummary;
  readonly labels: readonly LabelStatus[];
  readonly packages: readonly PackageStatus[];
  /** What in `repos/` disagrees with the labels (workspace-checks.ts); empty when all agree. */
  readonly problems: readonly WorkspaceProblem[];
  /** Rows of the store ferry refuses today and could not repair (see `storeProblems` in src/store); empty when none. */
  readonly storeProblems: readonly StoreProblem[];
}

export function summarizeBuild(commit: ReportCommit): BuildSummary {
  const snapshot = `repos/${shardedCommitDir(commit)}`;
  return {
    id: commit.id,
    commitHash: commit.commitHash,
    distroHash: commit.distroHash,
    extendedHash: commit.extendedHash,
    status: commit.status,
    dtCommit: commit.dtCommit,
    dtBuild: commit.dtBuild,
    nvr: commit.nvr,
    snapshot,
    log: `${snapshot}/rpmbuild.log`,
    artifacts: commit.artifacts ? commit.artifacts.split(',').filter((a) => a !== '') : [],
  };
}

/** What the store answered, for one package. */
export interface PackageBuilds {
  readonly name: string;
  readonly component: string | null;
  /** Newest build of any status. */
  readonly last: ReportCommit | undefined;
  readonly lastSuccess: ReportCommit | undefined;
  /** Oldest FAILED build after lastSuccess (or oldest FAILED when none succeeded). */
  readonly firstFailure: ReportCommit | undefined;
}

/**
 * Per-package status as DLRN's status report computes it (pure): the newest
 * build's status; for a failing package the first failure after the last
 * success and the days since that success.
 */
export function packageStatus(builds: PackageBuilds, now: number): PackageStatus {
  const { last, lastSuccess, firstFailure } = builds;
  const state: PackageState =
    last === undefined
      ? 'NO_BUILD'
      : last.status === 'SUCCESS' || last.status === 'RETRY'
        ? last.status
        : 'FAILED';
  const failing = state === 'FAILED';
  return {
    name: builds.name,
    component: builds.component,
    state,
    lastBuild: last ? summarizeBuild(last) : null,
    lastSuccess: lastSuccess ? summarizeBuild(lastSuccess) : null,
    firstFailure: failing && firstFailure ? summarizeBuild(firstFailure) : null,
    failingSince: failing && firstFailure ? firstFailure.dtBuild : null,
    daysSinceSuccess:
      failing && lastSuccess?.dtBuild != null ? Math.floor((now - lastSuccess.dtBuild) / 86_400) : null,
    notes: failing ? (last?.notes ?? null) : null,
  };
}

export function summarize(packages: readonly PackageStatus[]): StatusSummary {
  const count = (state: PackageState): number => packages.filter((p) => p.state === state).length;
  return {
    total: packages.length,
    success: count('SUCCESS'),
    failed: count('FAILED'),
    retry: count('RETRY'),
    noBuild: count('NO_BUILD'),
  };
}
