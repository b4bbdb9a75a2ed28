import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** The RPM file names of a snapshot directory that has repodata/. */
export interface SnapshotFiles {
  readonly dir: string;
  readonly files: ReadonlySet<string>;
}

/**
 * The snapshot this process published last, by directory identity: the next
 * publish derives its repodata from it (it is `current`), and listing its
 * hundreds of entries again costs ten times a stat. Anything that adds or
 * removes an entry (purge, a user) changes the directory's mtime and ctime.
 */
let remembered: { readonly identity: string; readonly snapshot: SnapshotFiles } | undefined;

function identityOf(dir: string): string | undefined {
  const stat = statSync(dir, { bigint: true, throwIfNoEntry: false });
  return stat && `${stat.dev}:${stat.ino}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** Remembers a snapshot just published (call after its last file is written). */
export function rememberSnapshotFiles(dir: string, rpms: readonly string[]): void {
  const identity = identityOf(dir);
  remembered =
    identity === undefined ? undefined : { identity, snapshot: { dir: resolve(dir), files: new Set(rpms) } };
}

/** The RPM files of a snapshot directory, or null when it is gone or has no repodata/. */
export function snapshotFiles(dir: string): SnapshotFiles | null {
  if (remembered?.snapshot.dir === resolve(dir) && remembered.identity === identityOf(dir)) {
    return { dir, files: remembered.snapshot.files };
  }
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  if (!entries.includes('repodata')) return null;
  return { dir, files: new Set(entries.filter((f) => f.endsWith('.rpm'))) };
}
