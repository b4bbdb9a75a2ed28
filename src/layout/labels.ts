import { lstatSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { lstat, readdir, readlink, rm } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';

import { FerryError } from '../errors.js';
import { asidePath } from '../util/atomic-write.js';
import { isSafeName, unsafeNameReason } from '../util/names.js';
import { labelBaseDir, snapshotDir, type SnapshotRef } from './snapshot-path.js';

/**
 * The labels the chaser maintains itself (`current`: the newest successful
 * build; `consistent`: the newest one where no package's latest build
 * fails). They are never promotion names, and never CI job names either.
 */
export const CHASER_LABELS = ['current', 'consistent'] as const;
export type ChaserLabel = (typeof CHASER_LABELS)[number];

/**
 * True when `name` is one of the chaser's labels. Case is ignored: ferry's
 * stores and Linux compare names exactly, but a workspace on a
 * case-insensitive file system would make `Current` the same link.
 */
export function isChaserLabel(name: string): boolean {
  const lower = name.toLowerCase();
  return CHASER_LABELS.some((label) => label === lower);
}

/**
 * Names that can never be labels: they are files or directories of the layout
 * itself (the report, the component tree), and would be overwritten or shadow
 * them.
 */
export const RESERVED_LABEL_NAMES: readonly string[] = [
  'component',
  'repodata',
  'report.html',
  'status_report.html',
  'status_report.csv',
  'queue.html',
  'styles.css',
  'skiplist.txt',
  'status.json',
  'delorean-deps.repo',
];

/** `xx` shard directories are the first two characters of a commit hash. */
const SHARD_LIKE = /^[0-9a-f]{2}$/i;

/** True when `name` can name a label: a safe path component, not a layout name, not a shard directory. */
export function isValidLabelName(name: string): boolean {
  return isSafeName(name) && !RESERVED_LABEL_NAMES.includes(name) && !SHARD_LIKE.test(name);
}

/** Throws FERRY_INVALID_NAME unless `name` can be a label (see isValidLabelName). */
export function assertLabelName(name: string): string {
  if (!isValidLabelName(name)) {
    const why = !isSafeName(name)
      ? unsafeNameReason(name)!
      : SHARD_LIKE.test(name)
        ? 'two hexadecimal characters name a shard directory of repos/'
        : 'the name is used by the repository layout';
    throw new FerryError('FERRY_INVALID_NAME', `invalid label name ${JSON.stringify(name)}: ${why}`);
  }
  return name;
}

/** Where a label's symlink lives: `repos/<label>` or `repos/component/<c>/<label>`. */
export function labelPath(reposDir: string, label: string, component?: string | null): string {
  return join(labelBaseDir(reposDir, component), assertLabelName(label));
}

/**
 * Points a label at a snapshot: a relative symlink (`xx/yy/<hash>`, as DLRN
 * makes them), created beside the old one and renamed over it, so readers see
 * the old snapshot or the new one and never a missing label. The label lives
 * in the snapshot's component directory when `ref.component` is set. A
 * process killed between the two steps leaves only a `.<label>.<pid>.*.tmp`
 * link, which removeStaleAsideFiles cleans.
 * Returns the symlink's path.
 */
export async function switchLabel(
  reposDir: string,
  label: string,
  ref: SnapshotRef,
  options: { readonly beforeRename?: () => void | Promise<void> } = {},
): Promise<string> {
  const link = labelPath(reposDir, label, ref.component);
  const target = snapshotDir(reposDir, ref);
  // Synchronous file-system calls: a few metadata operations, cheaper than thread-pool round trips.
  const info = statSync(target, { throwIfNoEntry: false });
  if (!info?.isDirectory()) {
    throw new FerryError('FERRY_NOT_FOUND', `cannot point label ${label} at ${target}: no such snapshot`);
  }
  const existing = lstatSync(link, { throwIfNoEntry: false });
  if (existing && !existing.isSymbolicLink()) {
    throw new FerryError(
      'FERRY_CONFLICT',
      `${link} is not a symlink: it cannot be switched as a label (an aggregate label directory?)`,
    );
  }
  const tmp = asidePath(link);
  symlinkSync(relative(labelBaseDir(reposDir, ref.component), target), tmp);
  try {
    // A hook between the new link and the rename: crash tests stop the process here.
    await options.beforeRename?.();
    renameSync(tmp, link);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return link;
}

/** Where a label points. */
export interface LabelTarget {
  readonly label: string;
  readonly component: string | null;
  /** The symlink's content, relative to its directory (`xx/yy/<hash>`). */
  readonly target: string;
  /** Absolute snapshot directory. */
  readonly dir: string;
  /** `<commit>_<distro8>[_<extended8>]`. */
  readonly name: string;
}

/** Reads a label; null when it does not exist or is not a symlink (an aggregate directory). */
export async function readLabel(
  reposDir: string,
  label: string,
  component?: string | null,
): Promise<LabelTarget | null> {
  const base = labelBaseDir(reposDir, component);
  const link = labelPath(reposDir, label, component);
  let target: string;
  try {
    target = await readlink(link);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return null;
    throw error;
  }
  const dir = resolve(base, target);
  return { label, component: component ?? null, target, dir, name: basename(dir) };
}

/** Every label of `repos/` (or of one component): symlinks pointing into the shard directories. */
export async function listLabels(reposDir: string, component?: string | null): Promise<LabelTarget[]> {
  const base = labelBaseDir(reposDir, component);
  const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
  const labels: LabelTarget[] = [];
  for (const entry of entries) {
    if (!entry.isSymbolicLink() || !isValidLabelName(entry.name)) continue;
    const found = await readLabel(reposDir, entry.name, component);
    if (found && /^[^/]{2}\/[^/]{2}\/[^/]+$/.test(found.target)) labels.push(found);
  }
  return labels.sort((a, b) => a.label.localeCompare(b.label));
}

/** Removes a label's symlink (not the snapshot). */
export async function removeLabel(reposDir: string, label: string, component?: string | null): Promise<void> {
  const link = labelPath(reposDir, label, component);
  const info = await lstat(link).catch(() => null);
  if (info?.isSymbolicLink()) await rm(link);
}
