/**
 * A package as the repodata writer handles it: its location and file facts
 * (the cache key), its id, and its three XML fragments as ready-made UTF-8
 * bytes. Records come from reading an .rpm, from the sidecar cache of a
 * previous run, or from parsing previous repodata; the writer only
 * concatenates, compresses and hashes them.
 */
import type { PackageChecksum, RpmPackage } from '../rpm/package.js';
import { endsBlock } from './gzip-members.js';
import { renderFilelists, renderOther, renderPrimary } from './repodata-xml.js';

export interface PackageRecord {
  /** Location href relative to the repository root. */
  readonly href: string;
  /** File size in bytes and mtime in milliseconds when the record was made (the reuse key). */
  readonly size: number;
  readonly mtimeMs: number;
  /** Checksum of the .rpm (the package id). */
  readonly pkgid: string;
  readonly primary: Uint8Array;
  readonly filelists: Uint8Array;
  readonly other: Uint8Array;
  /** Per-package parts of repodata extensions, by extension type. */
  readonly parts: Readonly<Record<string, Uint8Array>>;
  /** Whether a gzip block ends after this package (remembered by the cache; computed when absent). */
  readonly blockEnd?: boolean;
  /** The model, when this run read the .rpm (absent for reused records). */
  readonly pkg?: RpmPackage;
  /** Where a reused record came from: lets the writer reuse compressed blocks of the previous files. */
  readonly origin?: RecordOrigin;
}

/** Position of a record in a loaded cache. */
export interface RecordOrigin {
  readonly cache: object;
  readonly index: number;
}

/**
 * Everything besides the package itself that shapes its metadata. Records
 * made under other rules are never reused.
 */
export interface RecordRules {
  /** Checksum of the .rpm, which is also the package id (default sha256). */
  readonly checksumType: PackageChecksum['type'];
  /** Newest changelog entries kept (default 10, createrepo_c's; -1 keeps all). */
  readonly changelogLimit: number;
  /** Requires(pretrans/posttrans) are `pre` (createrepo_c >= 1.1.1; default true). */
  readonly transactionRequiresArePre: boolean;
}

export const DEFAULT_RULES: RecordRules = {
  checksumType: 'sha256',
  changelogLimit: 10,
  transactionRequiresArePre: true,
};

/** Fills in defaults. */
export function recordRules(partial: Partial<RecordRules> = {}): RecordRules {
  return { ...DEFAULT_RULES, ...partial };
}

/** Whether two rule sets produce the same records. */
export function sameRules(a: RecordRules, b: RecordRules): boolean {
  return (
    a.checksumType === b.checksumType &&
    a.changelogLimit === b.changelogLimit &&
    a.transactionRequiresArePre === b.transactionRequiresArePre
  );
}

/** A per-package contribution to a repodata extension (see RepodataExtension in repodata-writer.ts). */
export type PartBuilder = (pkg: RpmPackage) => Uint8Array;

/** Where a worker thread can load a PartBuilder: a module URL and the name of the exported function. */
export interface PartModule {
  readonly url: string;
  readonly exportName: string;
}

const encoder = new TextEncoder();

/** Renders a freshly read package into a record. */
export function recordFromPackage(
  pkg: RpmPackage,
  mtimeMs: number,
  partBuilders: Readonly<Record<string, PartBuilder>> = {},
): PackageRecord {
  const parts: Record<string, Uint8Array> = {};
  for (const [type, build] of Object.entries(partBuilders)) parts[type] = build(pkg);
  return {
    href: pkg.locationHref,
    size: pkg.sizePackage,
    mtimeMs,
    pkgid: pkg.checksum.value,
    blockEnd: endsBlock(pkg.checksum.value, pkg.locationHref),
    primary: encoder.encode(renderPrimary(pkg)),
    filelists: encoder.encode(renderFilelists(pkg)),
    other: encoder.encode(renderOther(pkg)),
    parts,
    pkg,
  };
}
