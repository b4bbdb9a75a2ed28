/**
 * Repodata this process wrote, kept in memory: the trunk chaser derives each
 * snapshot's metadata from the previous snapshot's, which it wrote itself a
 * moment before, so reading repomd.xml, the sidecar cache and the metadata
 * files back (and checking their checksums) is work already done.
 *
 * An entry is found by the identity of the repomd.xml and sidecar cache it
 * wrote (device, inode, size and mtime in nanoseconds), not by path: a
 * snapshot is written in a staging directory and then renamed, which keeps
 * the inodes. Anything that rewrites or removes either (another tool,
 * another ferry, a user) changes that identity, and the next update reads
 * the files as usual.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { CACHE_FILE_NAME, type EncodedCache, type LoadedCache } from './repodata-cache.js';
import type { MetadataKind } from './repodata-xml.js';
import type { Repomd } from './repomd.js';

/** What the writer hands over: the sidecar cache as it encoded it (the pieces it wrote). */
export interface WrittenFiles {
  readonly repomd: Repomd;
  readonly cache: EncodedCache;
  /** The compressed metadata files, as written (their checksums are in repomd). */
  readonly files: Readonly<Record<MetadataKind, Buffer>>;
}

export interface RememberedRepodata {
  readonly repomd: Repomd;
  /** The sidecar cache as it was written, loaded for the repository now at `repoDir` (no copies, no decoding). */
  loadCache(repoDir: string): LoadedCache;
  readonly files: Readonly<Record<MetadataKind, Buffer>>;
}

interface Entry extends RememberedRepodata {
  readonly identity: string;
  readonly bytes: number;
}

/** Memory the entries may hold: a few snapshots of a large repository. */
const BUDGET_BYTES = 256 * 1024 * 1024;
/** Entries kept: the chaser needs the newest snapshot of each component it publishes to. */
const MAX_ENTRIES = 8;
const recent: Entry[] = [];

function fileIdentity(path: string): string | undefined {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat && `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

/** repomd.xml and the sidecar cache as they are on disk now (undefined when either is missing). */
function identityOf(repoDir: string): string | undefined {
  const repomd = fileIdentity(join(repoDir, 'repodata', 'repomd.xml'));
  const cache = repomd && fileIdentity(join(repoDir, 'repodata', CACHE_FILE_NAME));
  return cache && `${repomd}/${cache}`;
}

/** Remembers what was just committed to `repoDir/repodata`. */
export function rememberWritten(repoDir: string, written: WrittenFiles): void {
  const identity = identityOf(repoDir);
  if (identity === undefined) return;
  const { repomd, cache, files } = written;
  const bytes = cache.size + files.primary.length + files.filelists.length + files.other.length;
  if (bytes > BUDGET_BYTES) return;
  const loadCache = (repoDir: string): LoadedCache => cache.load(repoDir, files, repomd);
  recent.unshift({ repomd, loadCache, files, identity, bytes });
  if (recent.length > MAX_ENTRIES) recent.length = MAX_ENTRIES;
  let total = 0;
  for (let i = 0; i < recent.length; i++) {
    total += recent[i]!.bytes;
    if (total > BUDGET_BYTES) {
      recent.length = i;
      break;
    }
  }
}

/** What this process wrote to `repoDir/repodata`, if its repomd.xml is still the one written. */
export function recallWritten(repoDir: string): RememberedRepodata | undefined {
  if (recent.length === 0) return undefined;
  const identity = identityOf(repoDir);
  return identity === undefined ? undefined : recent.find((entry) => entry.identity === identity);
}

/** Forgets everything (tests, and callers that want the files read back). */
export function forgetWritten(): void {
  recent.length = 0;
}
