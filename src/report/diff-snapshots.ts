import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { FerryError } from '../errors.js';
import {
  isValidLabelName,
  parseVersionsCsv,
  readLabel,
  snapshotDir,
  snapshotIdentity,
  type VersionsRow,
} from '../layout/index.js';
import {
  commitRange,
  listFilesAt,
  packageSourcePaths,
  readFileAt,
  type CommitSummary,
} from '../vcs/index.js';
import {
  addedChangelog,
  compareVersions,
  type ChangelogAddition,
  type PackageDiff,
  type RangeCommit,
} from './snapshot-diff.js';

/** A snapshot named on the command line, resolved. */
export interface ResolvedSnapshot {
  /** What the user gave: a label or a hash. */
  readonly ref: string;
  /** `label`, `aggregate` (a component label directory) or `hash`. */
  readonly kind: 'label' | 'aggregate' | 'hash';
  /** Snapshot directory relative to the workspace. */
  readonly snapshot: string;
  readonly commitHash: string | null;
  readonly project: string | null;
  readonly versions: readonly VersionsRow[];
}

/** `ferry diff --json`. */
export interface DiffReport {
  readonly from: Omit<ResolvedSnapshot, 'versions'>;
  readonly to: Omit<ResolvedSnapshot, 'versions'>;
  readonly packages: readonly PackageDiff[];
  readonly unchanged: readonly string[];
}

/** The commits the store holds for a hash (what `resolveSnapshot` needs from it). */
export interface DiffStore {
  findCommits(filter: { readonly commitHash?: string; readonly type?: null }): Promise<
    readonly {
      readonly commitHash: string;
      readonly distroHash: string;
      readonly extendedHash: string | null;
      readonly component: string | null;
      readonly projectName: string;
      readonly status: string;
    }[]
  >;
}

async function readVersions(dir: string, ref: string): Promise<VersionsRow[]> {
  const file = join(dir, 'versions.csv');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new FerryError(
      'FERRY_NOT_FOUND',
      `${ref}: no versions.csv in ${dir} (a failed or purged build has none)`,
    );
  }
  return parseVersionsCsv(text, file);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Resolves a label (`current`, `consistent`, a promotion name, or
 * `component/<c>/<label>`) or a hash (a full commit hash,
 * `<commit>_<distro8>[_<extended8>]`, or an aggregate hash with components)
 * to a snapshot and its versions.csv.
 */
export async function resolveSnapshot(
  workspaceRoot: string,
  reposDir: string,
  store: DiffStore,
  ref: string,
): Promise<ResolvedSnapshot> {
  const componentLabel = /^component\/([^/]+)\/([^/]+)$/.exec(ref);
  if (componentLabel || isValidLabelName(ref)) {
    const label = componentLabel ? componentLabel[2]! : ref;
    const component = componentLabel ? componentLabel[1]! : null;
    const target = await readLabel(reposDir, label, component);
    if (target) {
      // commit.yaml is informative here; versions.csv is what the diff needs.
      const { commitHash, project } = await snapshotIdentity(target.dir);
      return {
        ref,
        kind: 'label',
        snapshot: relative(workspaceRoot, target.dir),
        commitHash,
        project,
        versions: await readVersions(target.dir, ref),
      };
    }
    if (!componentLabel && (await isDirectory(join(reposDir, label)))) {
      const dir = join(reposDir, label);
      return {
        ref,
        kind: 'aggregate',
        snapshot: relative(workspaceRoot, dir),
        commitHash: null,
        project: null,
        versions: await readVersions(dir, ref),
      };
    }
  }
  if (/^[0-9a-f]{32}$/.test(ref)) {
    // An aggregate hash (components): its copy lives under the label directory that showed it.
    for (const entry of await readdir(reposDir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory() || entry.name === 'component' || entry.name.length === 2) continue;
      const dir = join(reposDir, entry.name, ref.slice(0, 2), ref.slice(2, 4), ref);
      if (await isDirectory(dir)) {
        return {
          ref,
          kind: 'aggregate',
          snapshot: relative(workspaceRoot, dir),
          commitHash: null,
          project: null,
          versions: await readVersions(dir, ref),
        };
      }
    }
    throw new FerryError('FERRY_NOT_FOUND', `no aggregate ${ref} under any label directory of ${reposDir}`);
  }
  const hash = /^([0-9a-f]{40})(?:_([0-9a-f]{8})(?:_([0-9A-Za-z]{1,8}))?)?$/.exec(ref);
  if (!hash) {
    throw new FerryError(
      'FERRY_NOT_FOUND',
      `${JSON.stringify(ref)} is neither a label nor a snapshot hash (<commit> or <commit>_<distro8>)`,
    );
  }
  const [, commitHash, distro8, extended8] = hash;
  const matches = (await store.findCommits({ commitHash: commitHash!, type: null })).filter(
    (c) =>
      c.status === 'SUCCESS' &&
      (distro8 === undefined || c.distroHash.startsWith(distro8)) &&
      (extended8 === undefined || (c.extendedHash ?? '').startsWith(extended8)),
  );
  const commit = matches[0];
  if (!commit) throw new FerryError('FERRY_NOT_FOUND', `no successful build of ${ref}`);
  const dir = snapshotDir(reposDir, commit);
  return {
    ref,
    kind: 'hash',
    snapshot: relative(workspaceRoot, dir),
    commitHash: commit.commitHash,
    project: commit.projectName,
    versions: await readVersions(dir, ref),
  };
}

function toRange(commits: readonly CommitSummary[]): RangeCommit[] {
  return commits.map((c) => ({
    hash: c.hash,
    subject: c.subject,
    author: c.author,
    commitTime: c.commitTime,
  }));
}

/** Entries of a spec's %changelog section: `* heading` lines and the lines under them. */
export function specChangelog(text: string): ChangelogAddition[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^%changelog\s*$/.test(l));
  if (start < 0) return [];
  const entries: ChangelogAddition[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^%[a-z]/.test(line) && !line.startsWith('%%')) break;
    if (line.startsWith('* ')) entries.push({ heading: line.slice(2).trim(), text: '' });
    else if (entries.length > 0) {
      const last = entries[entries.length - 1]!;
      entries[entries.length - 1] = {
        heading: last.heading,
        text: last.text === '' ? line : `${last.text}\n${line}`,
      };
    }
  }
  return entries.map((e) => ({ heading: e.heading, text: e.text.replace(/\s+$/, '') }));
}

async function specAt(distgit: string, commit: string, subdir: string): Promise<string | undefined> {
  const files = await listFilesAt(distgit, commit, subdir === '' ? undefined : subdir);
  const spec = files.find((f) => f.type === 'blob' && f.path.endsWith('.spec'));
  return spec ? readFileAt(distgit, commit, spec.path) : undefined;
}

async function enrich(diff: PackageDiff, sourcesDir: string, distgitPath: string): Promise<PackageDiff> {
  if (diff.change !== 'changed' || !diff.from || !diff.to) return diff;
  const notes: string[] = [];
  const paths = packageSourcePaths(sourcesDir, diff.name);
  let upstreamCommits = diff.upstreamCommits;
  let upstreamRollback = false;
  if (diff.upstreamChanged) {
    try {
      const range = await commitRange(paths.upstream, diff.from.sourceSha, diff.to.sourceSha, {
        firstParent: true,
      });
      upstreamCommits = toRange(range.commits);
      upstreamRollback = !range.fromIsAncestor;
    } catch (error) {
      notes.push(`upstream history not available: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  let distgitCommits = diff.distgitCommits;
  let changelog = diff.changelog;
  if (diff.distgitChanged && diff.from.distSha && diff.to.distSha) {
    try {
      distgitCommits = toRange(
        (await commitRange(paths.distgit, diff.from.distSha, diff.to.distSha)).commits,
      );
      const [before, after] = await Promise.all([
        specAt(paths.distgit, diff.from.distSha, distgitPath),
        specAt(paths.distgit, diff.to.distSha, distgitPath),
      ]);
      if (after !== undefined) changelog = addedChangelog(specChangelog(before ?? ''), specChangelog(after));
      else notes.push('no spec file found in the distgit');
    } catch (error) {
      notes.push(`distgit history not available: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { ...diff, upstreamCommits, upstreamRollback, distgitCommits, changelog, notes };
}

/**
 * `ferry diff A B`: the packages whose build differs between two snapshots,
 * with the upstream commits (subjects) between the two builds, the distgit
 * commits and the spec changelog entries added, read from the workspace's
 * mirrors under sources/.
 */
export async function diffSnapshots(
  paths: { readonly workspaceRoot: string; readonly reposDir: string; readonly sourcesDir: string },
  store: DiffStore,
  refA: string,
  refB: string,
  distgitPaths: ReadonlyMap<string, string> = new Map(),
): Promise<DiffReport> {
  const [a, b] = await Promise.all([
    resolveSnapshot(paths.workspaceRoot, paths.reposDir, store, refA),
    resolveSnapshot(paths.workspaceRoot, paths.reposDir, store, refB),
  ]);
  const { changes, unchanged } = compareVersions(a.versions, b.versions);
  const packages = await Promise.all(
    changes.map((d) => enrich(d, paths.sourcesDir, distgitPaths.get(d.name) ?? '')),
  );
  const { versions: _a, ...from } = a;
  const { versions: _b, ...to } = b;
  return { from, to, packages, unchanged };
}
