import type { VersionsRow } from '../layout/index.js';

export const PACKAGE_CHANGES = ['changed', 'added', 'removed'] as const;
/** How a package differs between two snapshots. */
export type PackageChange = (typeof PACKAGE_CHANGES)[number];

/** A package's build in one snapshot, as its versions.csv line gives it. */
export interface SnapshotPackage {
  readonly sourceSha: string;
  readonly distSha: string | null;
  readonly nvr: string;
  readonly status: string;
  readonly sourceRepo: string;
  readonly distRepo: string;
}

/** One upstream or distgit commit of a range. */
export interface RangeCommit {
  readonly hash: string;
  readonly subject: string;
  readonly author: string;
  readonly commitTime: number;
}

/** A changelog entry added to the spec between the two snapshots. */
export interface ChangelogAddition {
  readonly heading: string;
  readonly text: string;
}

/** One changed package of `ferry diff` (docs/json-output.md). */
export interface PackageDiff {
  readonly name: string;
  readonly change: PackageChange;
  readonly from: SnapshotPackage | null;
  readonly to: SnapshotPackage | null;
  readonly upstreamChanged: boolean;
  readonly distgitChanged: boolean;
  /** Upstream commits in `to` and not in `from`, oldest first (first-parent); null when history is unavailable. */
  readonly upstreamCommits: readonly RangeCommit[] | null;
  /** True when `from`'s upstream commit is not an ancestor of `to`'s (a rollback or a rewritten branch). */
  readonly upstreamRollback: boolean;
  readonly distgitCommits: readonly RangeCommit[] | null;
  /** Entries of the spec's %changelog in `to` and not in `from`, newest first; null when the spec was not readable. */
  readonly changelog: readonly ChangelogAddition[] | null;
  /** Why part of the detail is missing (no mirror, commit not found, ...). */
  readonly notes: readonly string[];
}

function toPackage(row: VersionsRow): SnapshotPackage {
  return {
    sourceSha: row.sourceSha,
    distSha: row.distSha,
    nvr: row.nvr,
    status: row.status,
    sourceRepo: row.sourceRepo,
    distRepo: row.distRepo,
  };
}

/**
 * Which packages differ between two snapshots' versions.csv (pure): added,
 * removed, or built from another upstream or distgit commit. The detail
 * fields are empty here; `diffSnapshots` fills them from git.
 */
export function compareVersions(
  from: readonly VersionsRow[],
  to: readonly VersionsRow[],
): { readonly changes: PackageDiff[]; readonly unchanged: string[] } {
  const before = new Map(from.map((r) => [r.project, r]));
  const after = new Map(to.map((r) => [r.project, r]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: PackageDiff[] = [];
  const unchanged: string[] = [];
  for (const name of names) {
    const a = before.get(name);
    const b = after.get(name);
    const upstreamChanged = a !== undefined && b !== undefined && a.sourceSha !== b.sourceSha;
    const distgitChanged = a !== undefined && b !== undefined && a.distSha !== b.distSha;
    const change: PackageChange | null =
      a === undefined
        ? 'added'
        : b === undefined
          ? 'removed'
          : upstreamChanged || distgitChanged
            ? 'changed'
            : null;
    if (change === null) {
      unchanged.push(name);
      continue;
    }
    changes.push({
      name,
      change,
      from: a ? toPackage(a) : null,
      to: b ? toPackage(b) : null,
      upstreamChanged,
      distgitChanged,
      upstreamCommits: upstreamChanged ? null : [],
      upstreamRollback: false,
      distgitCommits: distgitChanged ? null : [],
      changelog: distgitChanged ? null : [],
      notes: [],
    });
  }
  return { changes, unchanged };
}

/** Changelog entries of `after` that `before` does not have, in `after`'s order (pure). */
export function addedChangelog(
  before: readonly ChangelogAddition[],
  after: readonly ChangelogAddition[],
): ChangelogAddition[] {
  const seen = new Set(before.map((e) => `${e.heading}\n${e.text}`));
  return after.filter((e) => !seen.has(`${e.heading}\n${e.text}`));
}
