/**
 * Loading one repository for the closure: repomd.xml, then ferry's
 * dependency index when the repodata has one that belongs to its current
 * primary file (same checksum), otherwise primary.xml (and, only when a
 * dependency names a file path, filelists.xml). Every file read is checked
 * against repomd.xml's checksum.
 */
import type { RepomdRecord } from '../repo/repomd.js';
// Deep import (not ../rpm/index.js): start-up time of `ferry repo closure`.
import { isPrimaryFile } from '../rpm/package-from-header.js';
import { decodeDependencyIndex, readIndexHeader } from './dependency-index-format.js';
import { DEPENDENCY_INDEX_TYPE } from './dependency-index-extension.js';
import {
  metadataSource,
  readRecord,
  readRepomdFrom,
  recordOf,
  verifyRecordChecksum,
  type MetadataSource,
} from './metadata-source.js';
import type { HttpLimits } from './http-get.js';
import { scanFilelists, scanPrimary } from './primary-scan.js';
import type { FileOwners, RepoPackages } from './repo-packages.js';
import type { RepoSpec } from './repo-spec.js';

export const LOAD_SOURCES = ['index', 'xml'] as const;
/** Where a repository's packages were read from. */
export type LoadSource = (typeof LOAD_SOURCES)[number];

/** A repository read for the closure. */
export interface LoadedRepo {
  readonly spec: RepoSpec;
  readonly packages: RepoPackages;
  readonly source: LoadSource;
  /** Why the dependency index was not used, when the repodata had one. */
  readonly notes: readonly string[];
}

export interface LoadRepoOptions {
  /** Use ferry's dependency index when present and current (default true). */
  readonly useIndex?: boolean;
  /** Timeout and size limit of reads over HTTP(S). */
  readonly http?: HttpLimits;
}

/**
 * File owners from the XML. Paths primary.xml covers (createrepo_c lists every
 * file under /etc/, with `bin/` in its path, and /usr/lib/sendmail there;
 * libsolv's filelist filter and dnf5 rely on the same rule) are answered from
 * primary; only other paths need filelists.xml, read on first use and kept
 * for later lookups.
 */
function xmlFileOwners(
  source: MetadataSource,
  record: RepomdRecord,
  pkgids: readonly string[],
  primaryFiles: ReadonlyMap<string, readonly number[]>,
): FileOwners {
  let text: Promise<string> | undefined;
  const known = new Map<string, readonly number[]>();
  const asked = new Set<string>();
  return {
    owners: async (paths) => {
      const fresh = paths.filter((path) => !isPrimaryFile(path) && !asked.has(path));
      if (fresh.length > 0) {
        text ??= readRecord(source, record).then((data) => data.toString('utf8'));
        const found = scanFilelists(await text, source.describe(record.href), pkgids, new Set(fresh));
        for (const path of fresh) asked.add(path);
        for (const [path, owners] of found) known.set(path, owners);
      }
      const out = new Map<string, readonly number[]>();
      for (const path of paths) {
        const owners = isPrimaryFile(path) ? primaryFiles.get(path) : known.get(path);
        if (owners) out.set(path, owners);
      }
      return out;
    },
  };
}

async function fromIndex(
  source: MetadataSource,
  record: RepomdRecord,
  primary: RepomdRecord,
  notes: string[],
): Promise<RepoPackages | undefined> {
  const file = source.describe(record.href);
  try {
    const data = await source.read(record.href, record.size);
    verifyRecordChecksum(data, record, file);
    const { header } = readIndexHeader(data, file);
    if (primary.checksum.type !== 'sha256' || header.primary !== primary.checksum.value) {
      notes.push(
        `${file}: dependency index ignored: it belongs to another primary file (the repodata was rewritten by another tool)`,
      );
      return undefined;
    }
    return decodeDependencyIndex(data, file).packages;
  } catch (error) {
    notes.push(`dependency index ignored: ${error instanceof Error ? error.toString() : String(error)}`);
    return undefined;
  }
}

/**
 * Reads a repository. Throws FERRY_REPODATA_INVALID (missing or corrupt
 * repodata) or FERRY_UNSUPPORTED (bzip2/zchunk-only metadata); an unusable
 * dependency index is not an error (the XML is read instead, with a note).
 */
export async function loadRepo(spec: RepoSpec, options: LoadRepoOptions = {}): Promise<LoadedRepo> {
  const source = metadataSource(spec.location, options.http);
  const repomd = await readRepomdFrom(source);
  const primary = recordOf(repomd, 'primary', source);
  const notes: string[] = [];
  const indexRecord = repomd.records.find((record) => record.type === DEPENDENCY_INDEX_TYPE);
  if (indexRecord && options.useIndex !== false) {
    const packages = await fromIndex(source, indexRecord, primary, notes);
    if (packages) return { spec, packages, source: 'index', notes };
  }
  const text = (await readRecord(source, primary)).toString('utf8');
  const { builder, pkgids, primaryFiles } = scanPrimary(text, source.describe(primary.href));
  const filelists = recordOf(repomd, 'filelists', source);
  const files = xmlFileOwners(source, filelists, pkgids, primaryFiles);
  return { spec, packages: builder.build(files), source: 'xml', notes };
}
