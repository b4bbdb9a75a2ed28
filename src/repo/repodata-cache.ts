/**
 * The sidecar cache written beside the metadata (repodata/ferry-cache.bin):
 * every package's reuse key (href, size, mtime), id, ready-made XML fragments
 * and extension parts, plus where each gzip block of the metadata files
 * starts. With it, an update reads one file and copies bytes; it never
 * parses XML. The cache names the metadata files it matches; a cache that
 * does not match repomd.xml is ignored (ferry then falls back to parsing the
 * XML).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MetadataKind } from './repodata-xml.js';
import type { PackageRecord, RecordRules } from './package-record.js';

export const CACHE_FILE_NAME = 'ferry-cache.bin';
const MAGIC = Buffer.from('FERRYRC1', 'latin1');

/** A gzip member of a previous metadata file: byte range in that file, per kind. */
export type MemberRange = readonly [offset: number, length: number];

export interface CachedBlock {
  /** Record index range [start, end) of the block. */
  readonly start: number;
  readonly end: number;
  readonly members: Readonly<Record<MetadataKind, MemberRange>>;
}

export interface CacheHeader {
  readonly format: 1;
  /** The rules the records were made under. */
  readonly rules: RecordRules;
  /** Extension part types stored with each record, in record order. */
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
}

/** Serializes the cache (one buffer: header JSON, then records). */
export function encodeCache(header: CacheHeader, records: readonly PackageRecord[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const hrefs = records.map((record) => Buffer.from(record.href, 'utf8'));
  let size = MAGIC.length + 4 + json.length;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    size += 4 + hrefs[i]!.length + 16 + 1 + record.pkgid.length + 12;
    size += record.primary.length + record.filelists.length + record.other.length;
    for (const type of header.partTypes) size += 4 + (record.parts[type]?.length ?? 0);
  }
  const out = Buffer.allocUnsafe(size);
  let at = MAGIC.copy(out, 0);
  at = out.writeUInt32BE(json.length, at);
  at += json.copy(out, at);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const href = hrefs[i]!;
    at = out.writeUInt32BE(href.length, at);
    at += href.copy(out, at);
    at = out.writeDoubleBE(record.size, at);
    at = out.writeDoubleBE(record.mtimeMs, at);
    at = out.writeUInt8(record.pkgid.length, at);
    at += out.write(record.pkgid, at, 'latin1');
    at = out.writeUInt32BE(record.primary.length, at);
    at = out.writeUInt32BE(record.filelists.length, at);
    at = out.writeUInt32BE(record.other.length, at);
    out.set(record.primary, at);
    at += record.primary.length;
    out.set(record.filelists, at);
    at += record.filelists.length;
    out.set(record.other, at);
    at += record.other.length;
    for (const type of header.partTypes) {
      const part = record.parts[type] ?? new Uint8Array(0);
      at = out.writeUInt32BE(part.length, at);
      out.set(part, at);
      at += part.length;
    }
  }
  return out;
}

/** Thrown inside decodeCache; callers treat any failure as "no usable cache". */
class CacheFormatError extends Error {}

function need(buf: Buffer, at: number, bytes: number): void {
  if (at + bytes > buf.length) throw new CacheFormatError('truncated cache');
}

/** Parses a cache; records are views into `buf` (no copies). Returns undefined when it is not a valid cache. */
export function decodeCache(buf: Buffer, repoDir: string): LoadedCache | undefined {
  try {
    if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    let at = MAGIC.length;
    const jsonLength = buf.readUInt32BE(at);
    at += 4;
    need(buf, at, jsonLength);
    const header = JSON.parse(buf.toString('utf8', at, at + jsonLength)) as CacheHeader;
    at += jsonLength;
    if (
      header.format !== 1 ||
      !header.rules ||
      !Array.isArray(header.partTypes) ||
      !Array.isArray(header.blocks)
    ) {
      return undefined;
    }
    const cache: { header: CacheHeader; records: PackageRecord[]; repoDir: string } = {
      header,
      records: new Array<PackageRecord>(header.count),
      repoDir,
    };
    for (let index = 0; index < header.count; index++) {
      need(buf, at, 4);
      const hrefLength = buf.readUInt32BE(at);
      at += 4;
      need(buf, at, hrefLength + 17);
      const href = buf.toString('utf8', at, at + hrefLength);
      at += hrefLength;
      const size = buf.readDoubleBE(at);
      const mtimeMs = buf.readDoubleBE(at + 8);
      const pkgidLength = buf[at + 16]!;
      at += 17;
      need(buf, at, pkgidLength + 12);
      const pkgid = buf.toString('latin1', at, at + pkgidLength);
      at += pkgidLength;
      const lengths = [buf.readUInt32BE(at), buf.readUInt32BE(at + 4), buf.readUInt32BE(at + 8)] as const;
      at += 12;
      need(buf, at, lengths[0] + lengths[1] + lengths[2]);
      const primary = buf.subarray(at, (at += lengths[0]));
      const filelists = buf.subarray(at, (at += lengths[1]));
      const other = buf.subarray(at, (at += lengths[2]));
      const parts: Record<string, Uint8Array> = {};
      for (const type of header.partTypes as readonly string[]) {
        need(buf, at, 4);
        const length = buf.readUInt32BE(at);
        at += 4;
        need(buf, at, length);
        parts[type] = buf.subarray(at, (at += length));
      }
      cache.records[index] = {
        href,
        size,
        mtimeMs,
        pkgid,
        primary,
        filelists,
        other,
        parts,
        origin: { cache, index },
      };
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
export async function loadCache(repoDir: string): Promise<LoadedCache | undefined> {
  const buf = await readFile(join(repoDir, 'repodata', CACHE_FILE_NAME)).catch(() => undefined);
  return buf === undefined ? undefined : decodeCache(buf, repoDir);
}
