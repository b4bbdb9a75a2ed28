/**
 * The package model shared by the .rpm reader, the repodata writer and reader,
 * and the closure index. It mirrors what repodata carries (createrepo_c's
 * cr_Package), so a package read from an .rpm file and the same package read
 * back from primary/filelists/other XML compare equal.
 */

export const DEPENDENCY_FLAGS = ['LT', 'LE', 'EQ', 'GE', 'GT'] as const;
/** Comparison of a versioned dependency, as repodata spells it. */
export type DependencyFlag = (typeof DEPENDENCY_FLAGS)[number];

export function isDependencyFlag(value: string): value is DependencyFlag {
  return (DEPENDENCY_FLAGS as readonly string[]).includes(value);
}

/**
 * One dependency entry (a require, provide, conflict, ...). For a rich
 * (boolean) dependency `name` holds the whole expression, e.g.
 * `(foo >= 1.0 or bar)`, and `flags` is absent, exactly as in repodata.
 */
export interface Dependency {
  readonly name: string;
  readonly flags?: DependencyFlag;
  /** Epoch as written in the header (`"0"` when the EVR carried none but a version was given). */
  readonly epoch?: string;
  readonly version?: string;
  readonly release?: string;
  /** Requires(pre), Requires(post), ... : repodata's `pre="1"`. Only meaningful on requires. */
  readonly pre?: boolean;
}

export const DEPENDENCY_KINDS = [
  'requires',
  'provides',
  'conflicts',
  'obsoletes',
  'recommends',
  'suggests',
  'supplements',
  'enhances',
] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export const FILE_TYPES = ['file', 'dir', 'ghost'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export interface PackageFile {
  readonly path: string;
  readonly type: FileType;
}

export interface ChangelogEntry {
  readonly author: string;
  /** Seconds since the epoch (RPMTAG_CHANGELOGTIME). */
  readonly date: number;
  readonly text: string;
}

export interface PackageChecksum {
  readonly type: 'sha256' | 'sha1' | 'sha512' | 'md5' | 'sha384' | 'sha224';
  readonly value: string;
}

/** A binary or source package as repodata describes it. */
export interface RpmPackage {
  readonly name: string;
  /** Numeric epoch; 0 when the package has none. */
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  /** `src` for source packages. */
  readonly arch: string;

  readonly summary: string;
  readonly description: string;
  readonly url: string;
  readonly license: string;
  readonly vendor: string;
  readonly group: string;
  readonly buildhost: string;
  /** Name of the source rpm this package was built from; empty for a source rpm. */
  readonly sourcerpm: string;
  readonly packager: string;

  /** RPMTAG_BUILDTIME, seconds. */
  readonly timeBuild: number;
  /** mtime of the .rpm file, seconds. */
  readonly timeFile: number;
  /** Size of the .rpm file in bytes. */
  readonly sizePackage: number;
  /** Sum of installed file sizes (RPMTAG_SIZE / LONGSIZE). */
  readonly sizeInstalled: number;
  /** Payload archive size (RPMTAG_ARCHIVESIZE / LONGARCHIVESIZE, or the signature's payload size). */
  readonly sizeArchive: number;
  /** Byte offsets of the main header in the file: start after the signature, end where the payload starts. */
  readonly headerStart: number;
  readonly headerEnd: number;

  readonly requires: readonly Dependency[];
  readonly provides: readonly Dependency[];
  readonly conflicts: readonly Dependency[];
  readonly obsoletes: readonly Dependency[];
  readonly recommends: readonly Dependency[];
  readonly suggests: readonly Dependency[];
  readonly supplements: readonly Dependency[];
  readonly enhances: readonly Dependency[];

  /** Every file, directory and ghost the package owns, in header order. */
  readonly files: readonly PackageFile[];
  /** Newest first, as in the header. */
  readonly changelogs: readonly ChangelogEntry[];

  /** Checksum of the whole .rpm file; its value is also the package id (pkgid). */
  readonly checksum: PackageChecksum;
  /** Path of the .rpm relative to the repository root (repodata's location href). */
  readonly locationHref: string;
  /** Optional xml:base of the location. */
  readonly locationBase?: string;
}
