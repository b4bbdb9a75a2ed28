/**
 * "A repository's metadata plus these added and minus these removed
 * packages": the trunk chaser's publish step. It never scans the directory
 * or looks at the other packages' files: the previous metadata (ideally its
 * sidecar cache) is taken as the truth for everything not named.
 */
import { join } from 'node:path';

import { FerryError } from '../errors.js';
import { recordRules, type PackageRecord, type RecordRules } from './package-record.js';
import { loadPreviousMetadata, type PreviousSource } from './previous-metadata.js';
import { parseRecords } from './record-models.js';
import { partBuilders, partSourcesOf } from './repo-index.js';
import { compareHrefs, sortByHref } from './repo-scan.js';
import { readRpms, type BrokenRpm } from './rpm-read-pool.js';
import { writeRepodata, type RepodataExtension, type WrittenRepodata } from './repodata-writer.js';

export interface UpdateRepodataOptions {
  /** Repository whose repodata/ is written; added hrefs are relative to it. */
  readonly repoDir: string;
  /**
   * Repository whose metadata is the starting point (default: `repoDir`). A
   * chaser snapshot passes the previous snapshot here: hrefs carry over, so
   * both directories must name the packages alike (links are fine).
   */
  readonly base?: string;
  /** Hrefs (relative to `repoDir`) of packages to add or refresh; their files are read. */
  readonly add?: readonly string[];
  /** Hrefs of packages to drop. Unknown hrefs are ignored (listed in `notes`). */
  readonly remove?: readonly string[];
  /** Must match the base metadata's for its records to be reused (see RecordRules). */
  readonly rules?: Partial<RecordRules>;
  readonly compressionLevel?: number;
  readonly extensions?: readonly RepodataExtension[];
  readonly now?: number;
  readonly revision?: string;
  /** repoDir was just made by the caller (a staged snapshot): see WriteRepodataOptions. */
  readonly freshRepoDir?: boolean;
  /** The process ends after this call: keep nothing in memory (see WriteRepodataOptions). */
  readonly oneShot?: boolean;
}

export interface UpdateRepodataResult {
  readonly packages: number;
  readonly added: number;
  readonly removed: number;
  readonly previous: PreviousSource;
  readonly notes: readonly string[];
  readonly repodata: WrittenRepodata;
}

/** Binary search: index of the first record not ordered before `href`. */
function insertionPoint(records: readonly PackageRecord[], href: string): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareHrefs(records[mid]!.href, href) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Writes `repoDir/repodata` from the base metadata with `add` and `remove`
 * applied. A broken added package is an error (FERRY_RPM_INVALID naming the
 * file); nothing is written then.
 */
export async function updateRepodata(options: UpdateRepodataOptions): Promise<UpdateRepodataResult> {
  const rules = recordRules(options.rules);
  const parts = partSourcesOf(options.extensions);
  const [previous, read] = await Promise.all([
    loadPreviousMetadata(options.base ?? options.repoDir, { rules, partBuilders: partBuilders(parts) }),
    readRpms(
      (options.add ?? []).map((href) => ({ href, path: join(options.repoDir, href) })),
      { rules, parts },
    ),
  ]);
  if (read.broken.length > 0) throw brokenError(read.broken);
  const notes = [...previous.notes];
  if (previous.source === 'none' && options.base !== undefined) {
    notes.push(`${options.base} has no usable metadata: starting from an empty repository`);
  }

  const drop = new Set([...(options.remove ?? []), ...(options.add ?? [])]);
  let removed = 0;
  const kept: PackageRecord[] = [];
  for (const record of previous.records) {
    if (drop.has(record.href)) {
      if (!read.records.some((r) => r.href === record.href)) removed++;
      continue;
    }
    kept.push(record);
  }
  const known = new Set(previous.records.map((record) => record.href));
  const unknown = (options.remove ?? []).filter((href) => !known.has(href));
  if (unknown.length > 0) notes.push(`not in the base metadata, so not removed: ${unknown.join(', ')}`);

  // The previous records are in metadata order already: insert the new ones where they belong.
  const added = sortByHref(read.records);
  const records: PackageRecord[] = [];
  let from = 0;
  for (const record of added) {
    const at = insertionPoint(kept, record.href);
    for (; from < at; from++) records.push(kept[from]!);
    records.push(record);
  }
  for (; from < kept.length; from++) records.push(kept[from]!);

  const repodata = await writeRepodata(options.repoDir, records, {
    rules,
    parseRecords,
    ...(options.extensions ? { extensions: options.extensions } : {}),
    ...(options.compressionLevel === undefined ? {} : { compressionLevel: options.compressionLevel }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.freshRepoDir === undefined ? {} : { freshRepoDir: options.freshRepoDir }),
    ...(options.oneShot === undefined ? {} : { oneShot: options.oneShot }),
  });
  return {
    packages: records.length,
    added: added.length,
    removed,
    previous: previous.source,
    notes,
    repodata,
  };
}

function brokenError(broken: readonly BrokenRpm[]): FerryError {
  const first = broken[0]!;
  const more =
    broken.length > 1
      ? ` (and ${broken.length - 1} more: ${broken
          .slice(1)
          .map((b) => b.href)
          .join(', ')})`
      : '';
  return new FerryError('FERRY_RPM_INVALID', `${first.reason}${more}`, { file: first.path });
}
