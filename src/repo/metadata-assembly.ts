/**
 * The compressed metadata files of a write, assembled block by block: each
 * block of packages is one gzip member, compressed on the thread pool when
 * it changed, copied from the previous file when all its packages come
 * unchanged and in order from it; plus the checksums and sizes repomd.xml
 * lists (of the files and of their uncompressed content).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { gzipMember, storedGzipMember } from './gzip-members.js';
import type { PackageRecord } from './package-record.js';
import { regionPieces, type CachedBlock, type LoadedCache } from './repodata-cache.js';
import { METADATA_KINDS, metadataHead, metadataTail, type MetadataKind } from './repodata-xml.js';

const encoder = new TextEncoder();

export interface AssembledFile {
  readonly members: Buffer[];
  readonly checksum: string;
  readonly openChecksum: string;
  readonly size: number;
  readonly openSize: number;
  /** Byte range of each block's member in the file. */
  readonly ranges: [number, number][];
}

/** Previous compressed files of a cache, loaded and verified once per run. */
export class PreviousFiles {
  private readonly files = new Map<LoadedCache, Promise<Record<MetadataKind, Buffer> | undefined>>();
  private readonly blockIndex = new Map<LoadedCache, Map<number, CachedBlock>>();

  get(cache: LoadedCache): Promise<Record<MetadataKind, Buffer> | undefined> {
    let files = this.files.get(cache);
    if (!files) {
      files = loadVerified(cache);
      this.files.set(cache, files);
    }
    return files;
  }

  block(cache: LoadedCache, start: number): CachedBlock | undefined {
    let index = this.blockIndex.get(cache);
    if (!index) {
      index = new Map(cache.header.blocks.map((block) => [block.start, block]));
      this.blockIndex.set(cache, index);
    }
    return index.get(start);
  }
}

async function loadVerified(cache: LoadedCache): Promise<Record<MetadataKind, Buffer> | undefined> {
  if (cache.files) return cache.files;
  const out: Partial<Record<MetadataKind, Buffer>> = {};
  for (const kind of METADATA_KINDS) {
    const file = cache.header.files[kind];
    const data = await readFile(join(cache.repoDir, file.href)).catch(() => undefined);
    if (!data || createHash('sha256').update(data).digest('hex') !== file.checksum) return undefined;
    out[kind] = data;
  }
  return out as Record<MetadataKind, Buffer>;
}

/** The previous block this block can reuse, when all its records come unchanged and in order from one. */
function reusableBlock(
  records: readonly PackageRecord[],
  start: number,
  end: number,
  previous: PreviousFiles,
): { cache: LoadedCache; block: CachedBlock } | undefined {
  const origin = records[start]!.origin;
  if (!origin) return undefined;
  const cache = origin.cache as LoadedCache;
  const block = previous.block(cache, origin.index);
  if (!block || block.end - block.start !== end - start) return undefined;
  for (let i = start + 1; i < end; i++) {
    const o = records[i]!.origin;
    if (!o || o.cache !== cache || o.index !== origin.index + (i - start)) return undefined;
  }
  return { cache, block };
}

export async function assemble(
  records: readonly PackageRecord[],
  blocks: readonly [number, number][],
  level: number,
  previous: PreviousFiles,
  stats: { compressed: number; reused: number },
): Promise<Record<MetadataKind, AssembledFile>> {
  const pending: Promise<void>[] = [];
  const members: Record<MetadataKind, (Buffer | undefined)[]> = { primary: [], filelists: [], other: [] };
  const opens: Record<MetadataKind, ReturnType<typeof createHash>> = {
    primary: createHash('sha256'),
    filelists: createHash('sha256'),
    other: createHash('sha256'),
  };
  const openSizes: Record<MetadataKind, number> = { primary: 0, filelists: 0, other: 0 };
  const heads = {} as Record<MetadataKind, Uint8Array>;
  for (const kind of METADATA_KINDS) {
    heads[kind] = encoder.encode(metadataHead(kind, records.length));
    opens[kind].update(heads[kind]);
    openSizes[kind] += heads[kind].length;
    members[kind][0] = storedGzipMember(heads[kind]);
  }
  // The blocks to compress go to the thread pool first (synchronously, before anything else
  // gets a turn), so compressing them overlaps with the rest: reused members, hashing the whole
  // uncompressed content for the open checksums, and the caller's extensions.
  const pieces: Record<MetadataKind, Uint8Array[]>[] = [];
  const compress = (b: number): void => {
    stats.compressed += METADATA_KINDS.length;
    for (const kind of METADATA_KINDS) {
      const kindPieces = pieces[b]![kind];
      const data = kindPieces.length === 1 ? kindPieces[0]! : Buffer.concat(kindPieces);
      pending.push(gzipMember(data, level).then((m) => void (members[kind][b + 1] = m)));
    }
  };
  const reusable: { b: number; cache: LoadedCache; block: CachedBlock }[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const [start, end] = blocks[b]!;
    const blockRecords = records.slice(start, end);
    const blockPieces = {} as Record<MetadataKind, Uint8Array[]>;
    // Runs of unchanged packages are single slices of the previous cache: no copies.
    for (const kind of METADATA_KINDS) blockPieces[kind] = regionPieces(blockRecords, kind);
    pieces.push(blockPieces);
    const reuse = reusableBlock(records, start, end, previous);
    if (reuse) reusable.push({ b, ...reuse });
    else compress(b);
  }
  for (const { b, cache, block } of reusable) {
    const files = await previous.get(cache);
    if (!files) {
      compress(b); // the previous files are gone or changed: compress after all
      continue;
    }
    for (const kind of METADATA_KINDS) {
      const [offset, length] = block.members[kind];
      members[kind][b + 1] = files[kind].subarray(offset, offset + length);
    }
    stats.reused += METADATA_KINDS.length;
  }
  for (const blockPieces of pieces) {
    for (const kind of METADATA_KINDS) {
      for (const piece of blockPieces[kind]) {
        opens[kind].update(piece);
        openSizes[kind] += piece.length;
      }
    }
  }
  const tails = {} as Record<MetadataKind, Uint8Array>;
  for (const kind of METADATA_KINDS) {
    tails[kind] = encoder.encode(metadataTail(kind));
    opens[kind].update(tails[kind]);
    openSizes[kind] += tails[kind].length;
    members[kind][blocks.length + 1] = storedGzipMember(tails[kind]);
  }
  await Promise.all(pending);
  const out = {} as Record<MetadataKind, AssembledFile>;
  for (const kind of METADATA_KINDS) {
    const list = members[kind] as Buffer[];
    const hash = createHash('sha256');
    const ranges: [number, number][] = [];
    let size = 0;
    for (let i = 0; i < list.length; i++) {
      hash.update(list[i]!);
      if (i > 0 && i <= blocks.length) ranges.push([size, list[i]!.length]);
      size += list[i]!.length;
    }
    out[kind] = {
      members: list,
      checksum: hash.digest('hex'),
      openChecksum: opens[kind].digest('hex'),
      size,
      openSize: openSizes[kind],
      ranges,
    };
  }
  return out;
}
