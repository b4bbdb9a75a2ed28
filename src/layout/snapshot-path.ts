import { join } from 'node:path';

import { FerryError } from '../errors.js';
import { assertSafeName } from '../util/names.js';

/** What names a snapshot directory: the hashes of one build, and its component when the catalog groups packages. */
export interface SnapshotRef {
  /** Upstream commit hash (full). */
  readonly commitHash: string;
  /** distgit HEAD at build time; may be empty for packages without a distgit. */
  readonly distroHash?: string | null;
  /** Optional extended hash (DLRN's pkginfo drivers may use one, or two joined by `_`). */
  readonly extendedHash?: string | null;
  /** Component of the package, when components are in use. */
  readonly component?: string | null;
}

const HASH = /^[0-9A-Za-z][0-9A-Za-z_.-]*$/;

/**
 * The longest commit hash a snapshot directory is named after: DLRN's column
 * (a SHA-256 in hex). The directory name then has at most 91 bytes, so its
 * staging and trash siblings (`.<name>.<pid>.<8 hex>.tmp`) fit NAME_MAX too;
 * the other hashes contribute 8 characters each whatever their length.
 */
export const MAX_COMMIT_HASH_LENGTH = 64;

/**
 * The snapshot directory of a build relative to `repos/`, exactly as DLRN's
 * `Commit.getshardedcommitdir()`: `[component/<c>/]xx/yy/<commit>_<distro8>[_<extended8>]`.
 * An extended hash of 49 characters or more is two hashes joined by `_`: both
 * eight-character prefixes are used, as DLRN does.
 *
 * @example
 *   shardedCommitDir({ commitHash: '3a9326f2...', distroHash: '024e24f0cf...' })
 *   // => '3a/93/3a9326f2..._024e24f0'
 */
export function shardedCommitDir(ref: SnapshotRef): string {
  const commit = ref.commitHash;
  if (commit.length < 4 || commit.length > MAX_COMMIT_HASH_LENGTH || !HASH.test(commit)) {
    throw new FerryError('FERRY_INVALID_NAME', `invalid commit hash ${JSON.stringify(commit)}`);
  }
  for (const [what, value] of [
    ['distro hash', ref.distroHash],
    ['extended hash', ref.extendedHash],
  ] as const) {
    if (value && !HASH.test(value)) {
      throw new FerryError('FERRY_INVALID_NAME', `invalid ${what} ${JSON.stringify(value)}`);
    }
  }
  const distro = ref.distroHash ? `_${ref.distroHash.slice(0, 8)}` : '';
  let extended = '';
  if (ref.extendedHash) {
    extended =
      ref.extendedHash.length < 49
        ? `_${ref.extendedHash.slice(0, 8)}`
        : `_${ref.extendedHash.slice(0, 8)}_${ref.extendedHash.slice(41, 49)}`;
  }
  const prefix = componentPrefix(ref.component);
  return `${prefix}${commit.slice(0, 2)}/${commit.slice(2, 4)}/${commit}${distro}${extended}`;
}

/** `component/<c>/` or the empty string; DLRN treats the string `None` as no component. */
export function componentPrefix(component: string | null | undefined): string {
  if (component === null || component === undefined || component === '' || component === 'None') return '';
  return `component/${assertSafeName(component, 'component name')}/`;
}

/** Absolute snapshot directory of a build under `reposDir`. */
export function snapshotDir(reposDir: string, ref: SnapshotRef): string {
  return join(reposDir, shardedCommitDir(ref));
}

/** The directory labels of a component live in (`repos/component/<c>`), or `repos` itself without components. */
export function labelBaseDir(reposDir: string, component?: string | null): string {
  const prefix = componentPrefix(component);
  return prefix === '' ? reposDir : join(reposDir, prefix);
}

/** The last path component of the snapshot directory: `<commit>_<distro8>[_<extended8>]`. */
export function snapshotName(ref: SnapshotRef): string {
  const dir = shardedCommitDir({ ...ref, component: null });
  return dir.slice(dir.lastIndexOf('/') + 1);
}
