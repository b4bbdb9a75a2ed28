/**
 * The sidecar cache written beside the metadata (repodata/ferry-cache.bin):
 * every package's reuse key (href, size, mtime), id, ready-made XML fragments
 * and extension parts, plus where each gzip block of the metadata files
 * starts. With it, an update reads one file and copies bytes; it never
 * parses XML. The cache names the metadata files it matches; a cache that
 * does not match repomd.xml is ignored (ferry then falls back to parsing the
 * XML).
 *
 * Layout: magic, header JSON, a table of per-package keys and fragment
 * lengths, then the fragments region by region (all primary fragments in
 * metadata order, then all filelists, all other, then each extension's
 * parts). A run of unchanged packages is thus one contiguous slice of each
 * region: updates hash and rewrite those slices without copying them apart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  fragmentAt,
  regionSlices,
  segmentedRegion,
  singleSegment,
  type CacheRegion,
} from './cache-region.js';
import { endsBlock } from './gzip-members.js';
import type { PackageRecord, RecordRules } from './package-record.js';
import { METADATA_KINDS, type MetadataKind } from './repodata-xml.js';
import type { Repomd } from './repomd.js';

export const CACHE_FILE_NAME = 'ferry-cache.bin';
const MAGIC = Buffer.from('FERRYRC2', 'latin1');

/** A gzip member of a previous metadata file: byte range in that file, per kind. */
export type MemberRange = readonly [offset: number, length: number];

export interface CachedBlock {
  /** Record index range [start, end) of the block. */
  readonly start: number;
  readonly end: number;
  readonly members: Readonly<Record<MetadataKind, MemberRange>>;
}

export interface CacheHeader {
  readonly format: 2;
  /** The rules the records were made under. */
  readonly rules: RecordRules;
  /** Extension part types stored with each record. */
  readonly partTypes: readonly string[];
  /** The metadata files this cache describes (href relative to the repository root, and checksum). */
  readonly files: Readonly<Record<MetadataKind, { readonly href: string; readonly checksum: string }>>;
  readonly blocks: readonly CachedBlock[];
  readonly count: number;
}

/** A cache read back from disk. Its records carry `origin` pointing at it. */
export interface LoadedCache {
  readonly header: CacheHeader;
  readonly records: readonly PackageRecord[];
  /** Repository root the cache (and the metadata files it names) belongs to. */
  readonly repoDir: string;
  readonly regions: Readonly<Record<string, CacheRegion>>;
  /** The table entries of the records (same layout a new cache uses), copied as-is for unchanged runs. */
  readonly table: CacheRegion;
  /** The metadata files the header names, when this process wrote them and still has them. */
  readonly files?: Readonly<Record<MetadataKind, Buffer>>;
  /** The repomd.xml the cache was found to match (its extension files are the same run's). */
  readonly repomd?: Repomd;
}

/** A record of a loaded cache: fragments are views of the cache's regions, made on demand. */
class CachedRecord implements PackageRecord {
  constructor(
    readonly href: string,
    readonly size: number,
    readonly mtimeMs: number,
    readonly pkgid: string,
    readonly blockEnd: boolean,
    readonly origin: { readonly cache: LoadedCache; readonly index: number },
  ) {}

  private slice(region: string): Uint8Array {
    return fragmentAt(this.origin.cache.regions[region]!, this.origin.index);
  }

  get primary(): Uint8Array {
    return this.slice('primary');
  }

  get filelists(): Uint8Array {
    return this.slice('filelists');
  }

  get other(): Uint8Array {
    return this.slice('other');
  }

  get parts(): Readonly<Record<string, Uint8Array>> {
    const parts: Record<string, Uint8Array> = {};
    for (const type of this.origin.cache.header.partTypes) parts[type] = this.slice(`part:${type}`);
    return parts;
  }
}

/** Region names in file order. */
function regionNames(partTypes: readonly string[]): string[] {
  return [...METADATA_KINDS, ...partTypes.map((type) => `part:${type}`)];
}

/** The bytes of one region for a record (fresh or cached). */
function fragmentOf(record: PackageRecord, region: string): Uint8Array {
  if (region === 'primary' || region === 'filelists' || region === 'other') return record[region];
  return record.parts[region.slice(5)] ?? new Uint8Array(0);
}

/**
 * Pieces of one region for `records` in order: runs of consecutive records
 * of one loaded cache become a single slice of that cache's region.
 */
export function regionPieces(records: readonly PackageRecord[], region: string): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (const run of cachedRuns(records, (cache) => cache.regions[region] !== undefined)) {
    if (!run.cache) {
      pieces.push(fragmentOf(records[run.start]!, region));
      continue;
    }
    const cached = run.cache.regions[region]!;
    regionSlices(cached, cached.starts[run.index]!, cached.starts[run.index + run.length]!, pieces);
  }
  return pieces;
}

/**
 * Splits records into runs to copy as one slice: consecutive records read
 * from consecutive entries of one usable cache, or single records without
 * one (`cache` undefined).
 */
function* cachedRuns(
  records: readonly PackageRecord[],
  usable: (cache: LoadedCache) => boolean,
): Generator<{ start: number; length: number; cache?: LoadedCache; index: number }> {
  for (let i = 0; i < records.length;) {
    const origin = records[i]!.origin as { cache: LoadedCache; index: number } | undefined;
    if (!origin || !usable(origin.cache)) {
      yield { start: i, length: 1, index: -1 };
      i++;
      continue;
    }
    let j = i + 1;
    while (j < records.length) {
      const next = records[j]!.origin as { cache: LoadedCache; index: number } | undefined;
      if (next?.cache !== origin.cache || next.index !== origin.index + (j - i)) break;
      j++;
    }
    yield { start: i, length: j - i, cache: origin.cache, index: origin.index };
    i = j;
  }
}

/** One record's table entry: key, id, block flag and fragment lengths. */
function tableEntry(record: PackageRecord, regions: readonly string[]): Buffer {
  const href = Buffer.from(record.href, 'utf8');
  const entry = Buffer.allocUnsafe(2 + href.length + 18 + record.pkgid.length + 4 * regions.length);
  let at = entry.writeUInt16BE(href.length, 0);
  at += href.copy(entry, at);
  at = entry.writeDoubleBE(record.size, at);
  at = entry.writeDoubleBE(record.mtimeMs, at);
  at = entry.writeUInt8((record.blockEnd ?? endsBlock(record.pkgid, record.href)) ? 1 : 0, at);
  at = entry.writeUInt8(record.pkgid.length, at);
  at += entry.write(record.pkgid, at, 'latin1');
  for (const region of regions) at = entry.writeUInt32BE(fragmentOf(record, region).length, at);
  return entry;
}

/** The cache of a write: the file as pieces, and the same cache in memory for a next update. */
export interface EncodedCache {
  /** The file's bytes as buffers to write one after another. */
  readonly pieces: readonly Uint8Array[];
  readonly size: number;
  /**
   * The cache as decodeCache would read it back from the file, made from
   * the pieces without copying them (its records point at it, `repoDir` is
   * where the repository is now).
   */
  load(repoDir: string, files?: Readonly<Record<MetadataKind, Buffer>>, repomd?: Repomd): LoadedCache;
}

/**
 * The cache as a list of buffers to write one after another. Neither the
 * fragments nor the table entries of unchanged runs are copied in memory:
 * they are slices of the cache they were read from (when its part types are
 * the same).
 */
export function encodeCache(header: CacheHeader, records: readonly PackageRecord[]): EncodedCache {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const regions = regionNames(header.partTypes);
  const sameLayout = (cache: LoadedCache): boolean =>
    cache.header.partTypes.length === header.partTypes.length &&
    cache.header.partTypes.every((type, i) => type === header.partTypes[i]);
  const table: Uint8Array[] = [];
  const entryStarts = new Float64Array(records.length + 1);
  for (const run of cachedRuns(records, sameLayout)) {
    if (!run.cache) {
      const entry = tableEntry(records[run.start]!, regions);
      table.push(entry);
      entryStarts[run.start + 1] = entryStarts[run.start]! + entry.length;
      continue;
    }
    const old = run.cache.table.starts;
    regionSlices(run.cache.table, old[run.index]!, old[run.index + run.length]!, table);
    for (let k = 1; k <= run.length; k++) {
      entryStarts[run.start + k] = entryStarts[run.start]! + (old[run.index + k]! - old[run.index]!);
    }
  }
  const tableSize = entryStarts[records.length]!;
  const head = Buffer.allocUnsafe(MAGIC.length + 8 + json.length);
  let at = MAGIC.copy(head, 0);
  at = head.writeUInt32BE(json.length, at);
  at += json.copy(head, at);
  head.writeUInt32BE(tableSize, at);
  const regionPieceLists = regions.map((region) => regionPieces(records, region));
  const pieces: Uint8Array[] = [head, ...table];
  for (const list of regionPieceLists) pieces.push(...list);
  return {
    pieces,
    size: pieces.reduce((sum, piece) => sum + piece.length, 0),
    load: (repoDir, files, repomd) => {
      const loadedRecords = new Array<PackageRecord>(records.length);
      const loaded: LoadedCache = {
        header,
        records: loadedRecords,
        repoDir,
        regions: Object.fromEntries(
          regions.map((region, r) => [
            region,
            segmentedRegion(regionPieceLists[r]!, fragmentStarts(records, region)),
          ]),
        ),
        table: segmentedRegion(table, entryStarts),
        ...(files ? { files } : {}),
        ...(repomd ? { repomd } : {}),
      };
      records.forEach((record, index) => {
        const blockEnd = record.blockEnd ?? endsBlock(record.pkgid, record.href);
        const origin = { cache: loaded, index };
        loadedRecords[index] = new CachedRecord(
          record.href,
          record.size,
          record.mtimeMs,
          record.pkgid,
          blockEnd,
          origin,
        );
      });
      return loaded;
    },
  };
}

/** Offsets of every record's fragment in a region made of the records' fragments in order. */
function fragmentStarts(records: readonly PackageRecord[], region: string): Float64Array {
  const starts = new Float64Array(records.length + 1);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const origin = record.origin as { cache: LoadedCache; index: number } | undefined;
    const cached = origin?.cache.regions[region];
    const length = cached
      ? cached.starts[origin.index + 1]! - cached.starts[origin.index]!
      : fragmentOf(record, region).length;
    starts[i + 1] = starts[i]! + length;
  }
  return starts;
}

/** Thrown inside decodeCache; callers treat any failure as "no usable cache". */
class CacheFormatError extends Error {}

function need(buf: Buffer, at: number, bytes: number): void {
  if (at + bytes > buf.length) throw new CacheFormatError('truncated cache');
}

/** Parses a cache; fragments stay in `buf` (no copies). Returns undefined when it is not a valid cache. */
export function decodeCache(
  buf: Buffer,
  repoDir: string,
  files?: Readonly<Record<MetadataKind, Buffer>>,
  repomd?: Repomd,
): LoadedCache | undefined {
  try {
    if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    let at = MAGIC.length;
    const jsonLength = buf.readUInt32BE(at);
    at += 4;
    need(buf, at, jsonLength + 4);
    const header = JSON.parse(buf.toString('utf8', at, at + jsonLength)) as CacheHeader;
    at += jsonLength;
    if (
      header.format !== 2 ||
      !header.rules ||
      !Array.isArray(header.partTypes) ||
      !Array.isArray(header.blocks)
    ) {
      return undefined;
    }
    const tableSize = buf.readUInt32BE(at);
    at += 4;
    need(buf, at, tableSize);
    const names = regionNames(header.partTypes);
    const count = header.count;
    const starts = names.map(() => new Float64Array(count + 1));
    const records = new Array<PackageRecord>(count);
    const regions: Record<string, CacheRegion> = {};
    const tableStart = at;
    const tableEnd = at + tableSize;
    const entryStarts = new Float64Array(count + 1);
    const cache: LoadedCache = {
      header,
      records,
      repoDir,
      regions,
      table: singleSegment(buf.subarray(tableStart, tableEnd), entryStarts),
      ...(files ? { files } : {}),
      ...(repomd ? { repomd } : {}),
    };
    for (let index = 0; index < count; index++) {
      entryStarts[index] = at - tableStart;
      need(buf, at, 2);
      const hrefLength = buf.readUInt16BE(at);
      at += 2;
      need(buf, at, hrefLength + 18);
      const href = buf.toString('utf8', at, at + hrefLength);
      at += hrefLength;
      const size = buf.readDoubleBE(at);
      const mtimeMs = buf.readDoubleBE(at + 8);
      const blockEnd = buf[at + 16] === 1;
      const pkgidLength = buf[at + 17]!;
      at += 18;
      need(buf, at, pkgidLength + 4 * names.length);
      const pkgid = buf.toString('latin1', at, at + pkgidLength);
      at += pkgidLength;
      for (let r = 0; r < names.length; r++) {
        const region = starts[r]!;
        region[index + 1] = region[index]! + buf.readUInt32BE(at);
        at += 4;
      }
      records[index] = new CachedRecord(href, size, mtimeMs, pkgid, blockEnd, { cache, index });
    }
    if (at !== tableEnd) return undefined;
    entryStarts[count] = at - tableStart;
    for (let r = 0; r < names.length; r++) {
      const length = starts[r]![count]!;
      need(buf, at, length);
      regions[names[r]!] = singleSegment(buf.subarray(at, at + length), starts[r]!);
      at += length;
    }
    return at === buf.length ? cache : undefined;
  } catch (error) {
    if (error instanceof CacheFormatError || error instanceof SyntaxError || error instanceof RangeError) {
      return undefined;
    }
    throw error;
  }
}

/** Reads `repodata/ferry-cache.bin` of a repository; undefined when absent or unusable. */
export async function loadCache(repoDir: string, repomd?: Repomd): Promise<LoadedCache | undefined> {
  const buf = await readFile(join(repoDir, 'repodata', CACHE_FILE_NAME)).catch(() => undefined);
  return buf === undefined ? undefined : decodeCache(buf, repoDir, undefined, repomd);
}
