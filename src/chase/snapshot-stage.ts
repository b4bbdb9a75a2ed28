import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { renderVersionsCsv } from '../layout/index.js';
import { asidePath } from '../util/atomic-write.js';
import { makeLinks } from './link-worker.js';
import type { SnapshotContents } from './snapshot-contents.js';

/**
 * Writes repodata/ for the RPMs of a snapshot directory. `previous` is the
 * snapshot this one derives from (its repodata is reused) and `added` /
 * `removed` the file names that differ from it; null previous means index
 * everything.
 */
export interface RepodataPort {
  write(
    dir: string,
    change: {
      readonly previous: string | null;
      readonly added: readonly string[];
      readonly removed: readonly string[];
    },
  ): Promise<void>;
}

/** What goes into a snapshot directory. */
export interface StageInput {
  /** The final snapshot directory (absolute); the staging directory is a hidden sibling. */
  readonly final: string;
  readonly workspaceRoot: string;
  /** Files to move in (built RPMs and SRPM, build logs): renamed, not copied. */
  readonly moveIn: readonly string[];
  /** Small files to write: name -> content (notes.log, delorean.repo, ...). */
  readonly write: Readonly<Record<string, string>>;
  /** Links and versions.csv of a successful build; absent for a failure. */
  readonly contents?: SnapshotContents;
  /** For repodata: the previous snapshot of the same component and its RPM file names. */
  readonly previous?: { readonly dir: string; readonly files: ReadonlySet<string> } | null;
  readonly repodata?: RepodataPort;
}

/** The staging directory of a snapshot: beside it, hidden, named after the process (removeStaleAsideFiles knows it). */
export function stagingPath(final: string): string {
  return asidePath(final);
}

/**
 * Builds a snapshot directory aside (`staging`): moves the build's files in,
 * writes versions.csv and the given files, then makes the links to every
 * other package's newest good RPMs (hard links, on another thread) while the
 * repodata is written, incrementally from the previous snapshot when there
 * is one. Nothing is visible at `final` yet.
 */
export async function stageSnapshot(input: StageInput, staging: string): Promise<{ rpms: string[] }> {
  // Synchronous directory operations: each async one is a round trip through the thread pool.
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const file of input.moveIn) renameSync(file, join(staging, basename(file)));
  // The small files first: written while the links below are being made, they waited for
  // the directory between links.
  if (input.contents) {
    writeFileSync(join(staging, 'versions.csv'), renderVersionsCsv(input.contents.versions));
  }
  // Nothing in staging is visible before the directory is renamed into place: plain writes.
  for (const [name, content] of Object.entries(input.write)) writeFileSync(join(staging, name), content);
  const own = new Set(input.moveIn.map((file) => basename(file)));
  const names = new Set(own);
  // Hard links, where DLRN makes symlinks: several times cheaper to create on common
  // filesystems, and the RPM stays readable whatever happens to its build's directory.
  // They are made on another thread while this one computes the repodata, which needs
  // only the previous snapshot's metadata and the RPMs moved in.
  const linked = input.contents?.links ?? [];
  for (const l of linked) names.add(l.name);
  const links = makeLinks({
    from: input.workspaceRoot,
    into: staging,
    existing: linked.map((l) => l.artifact),
    created: linked.map((l) => l.name),
  });
  try {
    const rpms = [...names].filter((f) => f.endsWith('.rpm')).sort();
    if (input.contents && input.repodata) {
      const previous = input.previous ?? null;
      const now = new Set(rpms);
      // The build's own files are always read, even under a name the previous snapshot
      // has (a rebuild of the same NVR): that name's metadata described another file.
      await input.repodata.write(staging, {
        previous: previous?.dir ?? null,
        added: previous ? rpms.filter((f) => own.has(f) || !previous.files.has(f)) : rpms,
        removed: previous ? [...previous.files].filter((f) => !now.has(f)) : [],
      });
    }
    await links;
    return { rpms };
  } finally {
    // Never leave the thread linking into a directory the caller is about to remove.
    await links.catch(() => undefined);
  }
}

/**
 * Moves the staged directory to `final`. An existing directory there (the
 * logs of an earlier RETRY or rechecked attempt of the same hashes) is moved
 * to `trash` first and removed after.
 */
export function placeSnapshot(staging: string, final: string, trash: string): Promise<void> {
  mkdirSync(dirname(final), { recursive: true });
  const existing = lstatSync(final, { throwIfNoEntry: false });
  if (existing) renameSync(final, trash);
  renameSync(staging, final);
  if (existing) rmSync(trash, { recursive: true, force: true });
  return Promise.resolve();
}
