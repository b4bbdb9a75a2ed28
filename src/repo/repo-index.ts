/**
 * `ferry repo index DIR`: the metadata of a directory of RPMs, written as
 * createrepo_c would, fully or (`update`) reusing what the previous metadata
 * says about packages whose file did not change.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

import { FerryError } from '../errors.js';
import { recordRules, type PackageRecord, type PartBuilder, type RecordRules } from './package-record.js';
import { loadPreviousMetadata, stillCurrent, type PreviousSource } from './previous-metadata.js';
import { parseRecords } from './record-models.js';
import { scanRepository } from './repo-scan.js';
import { readRpms, type BrokenRpm, type PartSource, type ReadJob } from './rpm-read-pool.js';
import { writeRepodata, type RepodataExtension, type WrittenRepodata } from './repodata-writer.js';

export interface IndexOptions {
  /** Reuse the previous metadata of unchanged files (keyed by href, size and mtime). */
  readonly update?: boolean;
  /** With `update`: also recompute each reused file's checksum and re-read it when it differs. */
  readonly checksumVerify?: boolean;
  /** Write the metadata without the broken RPMs instead of failing. */
  readonly skipBroken?: boolean;
  /** Checksum type, changelog limit, pre-require rule (defaults: sha256, 10, createrepo_c >= 1.1.1). */
  readonly rules?: Partial<RecordRules>;
  readonly compressionLevel?: number;
  readonly extensions?: readonly RepodataExtension[];
  /** Worker threads reading RPMs beside the main thread (default: cores - 1 for 256 files or more, on three cores or more). */
  readonly workers?: number;
  /** Seconds since the epoch for repomd timestamps and revision (default: now). */
  readonly now?: number;
  readonly revision?: string;
  /** The process ends after this call (a command): keep nothing in memory (see WriteRepodataOptions). */
  readonly oneShot?: boolean;
}

export interface IndexResult {
  /** False when broken RPMs stopped the run (the old metadata is untouched). */
  readonly written: boolean;
  readonly packages: number;
  /** Packages whose metadata was reused / read from their file. */
  readonly reused: number;
  readonly read: number;
  /** RPMs that could not be read: fatal unless skipBroken (then left out of the metadata). */
  readonly broken: readonly BrokenRpm[];
  readonly previous: PreviousSource;
  readonly notes: readonly string[];
  readonly repodata?: WrittenRepodata;
}

/** Per-package part sources of the extensions that have one. */
export function partSourcesOf(extensions: readonly RepodataExtension[] = []): PartSource[] {
  const seen = new Set<string>(['primary', 'filelists', 'other']);
  const sources: PartSource[] = [];
  for (const extension of extensions) {
    if (seen.has(extension.type)) {
      throw new FerryError(
        'FERRY_USAGE',
        `repodata extension type "${extension.type}" is reserved or repeated`,
      );
    }
    seen.add(extension.type);
    if (!extension.packagePart) continue;
    const module = extension.packagePartModule;
    sources.push({ type: extension.type, build: extension.packagePart, ...(module ? { module } : {}) });
  }
  return sources;
}

/** The part builders by type (for records made on the main thread). */
export function partBuilders(sources: readonly PartSource[]): Record<string, PartBuilder> {
  return Object.fromEntries(sources.map((source) => [source.type, source.build]));
}

function fileChecksum(path: string, type: string): string {
  return createHash(type).update(readFileSync(path)).digest('hex');
}

/** Indexes `repoDir` (see IndexOptions). Throws FERRY_NOT_FOUND when the directory does not exist. */
export async function indexRepository(repoDir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const rules = recordRules(options.rules);
  const parts = partSourcesOf(options.extensions);
  try {
    if (!statSync(repoDir).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new FerryError('FERRY_NOT_FOUND', `${repoDir}: not a directory`, { cause: error });
  }
  const scanned = await scanRepository(repoDir);
  const previous = options.update
    ? await loadPreviousMetadata(repoDir, { rules, partBuilders: partBuilders(parts) })
    : undefined;
  const byHref = new Map<string, PackageRecord>();
  for (const record of previous?.records ?? []) byHref.set(record.href, record);

  const slots = new Array<PackageRecord | undefined>(scanned.length);
  const jobs: ReadJob[] = [];
  const jobSlots: number[] = [];
  for (let i = 0; i < scanned.length; i++) {
    const file = scanned[i]!;
    const old = byHref.get(file.href);
    if (old && previous) {
      const stat = statSync(file.path, { throwIfNoEntry: false });
      if (
        stat &&
        stillCurrent(old, stat, previous.mtimePrecision) &&
        (!options.checksumVerify || fileChecksum(file.path, rules.checksumType) === old.pkgid)
      ) {
        slots[i] = old;
        continue;
      }
    }
    jobs.push(file);
    jobSlots.push(i);
  }
  const { records: fresh, broken } = await readRpms(jobs, {
    rules,
    parts,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const brokenHrefs = new Set(broken.map((b) => b.href));
  let next = 0;
  for (const slot of jobSlots) {
    if (brokenHrefs.has(scanned[slot]!.href)) continue;
    slots[slot] = fresh[next++];
  }
  const base = {
    reused: scanned.length - jobs.length,
    read: fresh.length,
    broken,
    previous: previous?.source ?? 'none',
    notes: previous?.notes ?? [],
  } as const;
  if (broken.length > 0 && !options.skipBroken) return { written: false, packages: 0, ...base };

  const records = slots.filter((record): record is PackageRecord => record !== undefined);
  const repodata = await writeRepodata(repoDir, records, {
    rules,
    parseRecords,
    ...(options.extensions ? { extensions: options.extensions } : {}),
    ...(options.compressionLevel === undefined ? {} : { compressionLevel: options.compressionLevel }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.oneShot === undefined ? {} : { oneShot: options.oneShot }),
  });
  return { written: true, packages: records.length, ...base, repodata };
}
