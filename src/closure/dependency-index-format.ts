/**
 * The dependency index file ferry writes beside the repodata it generates
 * (repomd type `ferry_depindex`): everything the closure needs from primary
 * and filelists, laid out so loading is a file read plus typed-array views.
 *
 * Layout (little-endian, every section 4-byte aligned):
 *
 *   "FERRYDX1"  u32 headerLength  header JSON  (pad)
 *   strings     UTF-8, each string followed by NUL (names, EVRs, archs)
 *   name/arch/evr             Int32[N]   string ids per package
 *   provStart                 Int32[N+1] provides of package i: [provStart[i], provStart[i+1])
 *   provName/provEvr          Int32[P]   (EVR -1: unversioned)
 *   provFlags                 Uint8[P]   libsolv REL_* bits
 *   reqStart/reqName/reqEvr/reqFlags     the same for requires
 *   whatStart                 Int32[S+1] providers by name: provide entries of string s are
 *   whatEntry                 Int32[P]   whatEntry[whatStart[s] .. whatStart[s+1]] (prebuilt, so a
 *                                        one-repository check builds nothing)
 *   fileBlob                  UTF-8 paths, each followed by NUL
 *   fileTable                 Uint32[3F] (FNV-1a hash of the path, package, blob offset), sorted
 *
 * The header names the sha256 of the primary file written in the same run:
 * a reader compares it with repomd.xml's primary checksum and ignores the
 * index when they differ (another tool rewrote the repodata).
 */
import { endianness } from 'node:os';

import { FerryError } from '../errors.js';
import { groupBy } from './closure-pool.js';
import type { FileOwners, RepoPackages } from './repo-packages.js';

const MAGIC = Buffer.from('FERRYDX1', 'latin1');
export const DEPENDENCY_INDEX_FORMAT = 1;

/** What the header records. */
export interface DependencyIndexHeader {
  readonly format: typeof DEPENDENCY_INDEX_FORMAT;
  /** sha256 of the compressed primary file this index was written with. */
  readonly primary: string;
  readonly packages: number;
  readonly strings: number;
  readonly provides: number;
  readonly requires: number;
  readonly files: number;
  readonly fileBlobBytes: number;
  readonly stringBytes: number;
}

/** Every owned path of an index, in package order, ready to be laid out. */
export interface IndexFiles {
  /** The paths, UTF-8, each followed by NUL. */
  readonly blob: Buffer;
  /** Byte offset of path f in `blob` (length F + 1: the last is the blob's length). */
  readonly offsets: Int32Array;
  /** FNV-1a of each path's bytes. */
  readonly hashes: Uint32Array;
}

/** The content of an index: package tables plus every owned path per package. */
export interface IndexContent extends Omit<RepoPackages, 'files' | 'whatStart' | 'whatEntry' | 'ids'> {
  /** Paths of package i: path `fileStart[i]` to path `fileStart[i + 1] - 1` of `files`. */
  readonly fileStart: Int32Array;
  readonly files: IndexFiles;
}

/** Totals of an index about to be filled in. */
export interface ContentSizes {
  readonly packages: number;
  readonly provides: number;
  readonly requires: number;
  readonly files: number;
  readonly blobBytes: number;
}

/** Index content with every table allocated for `sizes`, and no strings yet: filled in package order by its maker. */
export function allocateContent(sizes: ContentSizes): IndexContent & { readonly strings: string[] } {
  const n = sizes.packages;
  return {
    strings: [],
    count: n,
    name: new Int32Array(n),
    arch: new Int32Array(n),
    evr: new Int32Array(n),
    provStart: new Int32Array(n + 1),
    provName: new Int32Array(sizes.provides),
    provFlags: new Uint8Array(sizes.provides),
    provEvr: new Int32Array(sizes.provides),
    reqStart: new Int32Array(n + 1),
    reqName: new Int32Array(sizes.requires),
    reqFlags: new Uint8Array(sizes.requires),
    reqEvr: new Int32Array(sizes.requires),
    fileStart: new Int32Array(n + 1),
    files: {
      blob: Buffer.allocUnsafe(sizes.blobBytes),
      offsets: new Int32Array(sizes.files + 1),
      hashes: new Uint32Array(sizes.files),
    },
  };
}

/** Copies one package's paths into `into` at path `f` and byte `byte`; returns the byte position after them. */
export function appendFiles(into: IndexFiles, f: number, byte: number, files: IndexFiles): number {
  files.blob.copy(into.blob, byte);
  into.hashes.set(files.hashes, f);
  for (let k = 0; k < files.hashes.length; k++) into.offsets[f + k] = byte + files.offsets[k]!;
  return byte + files.blob.length;
}

/** 32-bit FNV-1a over bytes. */
export function fnv1a(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function nulJoined(strings: readonly string[]): { bytes: Buffer; offsets: Int32Array } {
  const offsets = new Int32Array(strings.length + 1);
  const joined = strings.length === 0 ? '' : `${strings.join('\0')}\0`;
  const bytes = Buffer.from(joined, 'utf8');
  if (bytes.length === joined.length) {
    // ASCII only (the usual case): byte offsets are character offsets.
    for (let i = 0; i < strings.length; i++) offsets[i + 1] = offsets[i]! + strings[i]!.length + 1;
  } else {
    for (let i = 0; i < strings.length; i++)
      offsets[i + 1] = offsets[i]! + Buffer.byteLength(strings[i]!, 'utf8') + 1;
  }
  return { bytes, offsets };
}

/** Lays out paths for an index (hashing each once). */
export function indexFiles(paths: readonly string[]): IndexFiles {
  const { bytes, offsets } = nulJoined(paths);
  const hashes = new Uint32Array(paths.length);
  for (let f = 0; f < paths.length; f++) hashes[f] = fnv1a(bytes, offsets[f], offsets[f + 1]! - 1);
  return { blob: bytes, offsets, hashes };
}

/**
 * The order of `keys` (indexes into it), by key and then by index: a stable
 * radix sort, without comparisons or allocations per element. Large inputs
 * take two passes of 16-bit digits; small ones three of 11 bits, where
 * summing 65,536 counters twice would cost more than the elements (an
 * update's index, in a process whose code is not compiled yet).
 */
export function radixOrder(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const bits = n >= 1 << 17 ? 16 : 11;
  const mask = (1 << bits) - 1;
  const counts = new Uint32Array(mask + 2);
  for (let shift = 0; shift < 32; shift += bits) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((keys[i]! >>> shift) & mask) + 1]!++;
    for (let d = 1; d <= mask + 1; d++) counts[d]! += counts[d - 1]!;
    for (let i = 0; i < n; i++) {
      const index = order[i]!;
      next[counts[(keys[index]! >>> shift) & mask]!++] = index;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** Everything of an index but its header: the expensive part, which needs no checksum. */
export interface IndexBody {
  readonly sections: readonly Uint8Array[];
  readonly counts: Omit<DependencyIndexHeader, 'format' | 'primary'>;
}

/** Serializes an index. */
export function encodeDependencyIndex(content: IndexContent, primaryChecksum: string): Buffer {
  return layoutIndex(indexBody(content), primaryChecksum);
}

/** Builds the sections of an index (sorting its file table). */
export function indexBody(content: IndexContent): IndexBody {
  const strings = nulJoined(content.strings);
  const { blob, offsets, hashes } = content.files;
  // Owner lookups: (hash of path, package, path offset) sorted by hash, then package and offset
  // (file f's package and offset both grow with f, so a stable sort by hash keeps that order).
  const fileCount = hashes.length;
  const owner = new Uint32Array(fileCount);
  for (let pkg = 0; pkg < content.count; pkg++) {
    owner.fill(pkg, content.fileStart[pkg], content.fileStart[pkg + 1]);
  }
  const fileTable = new Uint32Array(fileCount * 3);
  const order = radixOrder(hashes);
  for (let i = 0; i < fileCount; i++) {
    const f = order[i]!;
    fileTable[i * 3] = hashes[f]!;
    fileTable[i * 3 + 1] = owner[f]!;
    fileTable[i * 3 + 2] = offsets[f]!;
  }

  const counts = {
    packages: content.count,
    strings: content.strings.length,
    provides: content.provName.length,
    requires: content.reqName.length,
    files: fileCount,
    fileBlobBytes: blob.length,
    stringBytes: strings.bytes.length,
  };
  const [whatStart, whatEntry] = groupBy(content.provName, content.strings.length);
  const sections: Uint8Array[] = [
    strings.bytes,
    content.name,
    content.arch,
    content.evr,
    content.provStart,
    content.provName,
    content.provEvr,
    content.provFlags,
    content.reqStart,
    content.reqName,
    content.reqEvr,
    content.reqFlags,
    whatStart,
    whatEntry,
    blob,
    fileTable,
  ].map((s) => (s instanceof Buffer ? s : new Uint8Array(s.buffer, s.byteOffset, s.byteLength)));
  return { sections, counts };
}

/** Lays out an index: header (naming the primary file it goes with), then the sections. */
export function layoutIndex(body: IndexBody, primaryChecksum: string): Buffer {
  const header: DependencyIndexHeader = {
    format: DEPENDENCY_INDEX_FORMAT,
    primary: primaryChecksum,
    ...body.counts,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const { sections } = body;
  let size = align4(MAGIC.length + 4 + json.length);
  for (const section of sections) size += align4(section.byteLength);
  const out = Buffer.alloc(size);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = align4(MAGIC.length + 4 + json.length);
  const littleEndian = endianness() === 'LE';
  for (const section of sections) {
    if (littleEndian || section instanceof Buffer) out.set(section, at);
    else writeLittleEndian(out, at, section);
    at += align4(section.byteLength);
  }
  return out;
}

/** Byte-swaps 32-bit words on big-endian hosts (the file is little-endian everywhere). */
function writeLittleEndian(out: Buffer, at: number, section: Uint8Array): void {
  if (section.byteLength % 4 !== 0) {
    out.set(section, at);
    return;
  }
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  for (let i = 0; i < section.byteLength; i += 4) out.writeUInt32LE(view.getUint32(i, false), at + i);
}

function invalid(file: string, reason: string): FerryError {
  return new FerryError('FERRY_REPODATA_INVALID', `dependency index: ${reason}`, { file });
}

/** Reads just the header (to check the primary checksum before decoding anything else). */
export function readIndexHeader(
  data: Buffer,
  file: string,
): { header: DependencyIndexHeader; bodyStart: number } {
  if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw invalid(file, 'not a ferry dependency index');
  }
  const length = data.readUInt32LE(MAGIC.length);
  if (MAGIC.length + 4 + length > data.length) throw invalid(file, 'truncated header');
  let header: DependencyIndexHeader;
  try {
    header = JSON.parse(
      data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + length),
    ) as DependencyIndexHeader;
  } catch (error) {
    throw invalid(file, `bad header: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (header.format !== DEPENDENCY_INDEX_FORMAT)
    throw invalid(file, `unknown format ${String(header.format)}`);
  return { header, bodyStart: align4(MAGIC.length + 4 + length) };
}

class Reader {
  private at: number;
  private readonly little = endianness() === 'LE';

  constructor(
    private readonly data: Buffer,
    start: number,
    private readonly file: string,
  ) {
    this.at = start;
  }

  private take(bytes: number): number {
    const start = this.at;
    if (start + bytes > this.data.length) throw invalid(this.file, 'truncated');
    this.at = start + align4(bytes);
    return start;
  }

  bytes(length: number): Buffer {
    const start = this.take(length);
    return this.data.subarray(start, start + length);
  }

  int32(count: number): Int32Array {
    const start = this.take(count * 4);
    const offset = this.data.byteOffset + start;
    if (this.little && offset % 4 === 0) return new Int32Array(this.data.buffer, offset, count);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.data.readInt32LE(start + i * 4);
    return out;
  }

  uint32(count: number): Uint32Array {
    const signed = this.int32(count);
    return new Uint32Array(signed.buffer, signed.byteOffset, count);
  }

  uint8(count: number): Uint8Array {
    const start = this.take(count);
    return new Uint8Array(this.data.buffer, this.data.byteOffset + start, count);
  }

  end(): number {
    return this.at;
  }
}

/** File owners answered from the index's hash table, decoding only the paths looked up. */
function tableOwners(blob: Buffer, table: Uint32Array): FileOwners {
  const entries = table.length / 3;
  return {
    owners: (paths) => {
      const out = new Map<string, number[]>();
      for (const path of paths) {
        const key = Buffer.from(path, 'utf8');
        const hash = fnv1a(key);
        let low = 0;
        let high = entries;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (table[mid * 3]! < hash) low = mid + 1;
          else high = mid;
        }
        for (let i = low; i < entries && table[i * 3] === hash; i++) {
          const offset = table[i * 3 + 2]!;
          if (
            blob[offset + key.length] === 0 &&
            blob.compare(key, 0, key.length, offset, offset + key.length) === 0
          ) {
            const pkg = table[i * 3 + 1]!;
            const list = out.get(path);
            if (list === undefined) out.set(path, [pkg]);
            else if (list[list.length - 1] !== pkg) list.push(pkg);
          }
        }
      }
      return Promise.resolve(out);
    },
  };
}

/** An index's sections as stored (the file owners as its raw path blob and hash table). */
export interface IndexTables extends Omit<RepoPackages, 'files' | 'ids' | 'whatStart' | 'whatEntry'> {
  readonly whatStart: Int32Array;
  readonly whatEntry: Int32Array;
  /** Owned paths in package order, each followed by NUL. */
  readonly fileBlob: Buffer;
  /** (FNV-1a hash, package, offset in fileBlob) per path, sorted by hash. */
  readonly fileTable: Uint32Array;
}

/** Decodes an index's sections (string table decoded, arrays viewed in place). */
export function decodeIndexTables(
  data: Buffer,
  file: string,
): { header: DependencyIndexHeader; tables: IndexTables } {
  const { header, bodyStart } = readIndexHeader(data, file);
  const r = new Reader(data, bodyStart, file);
  const stringBytes = r.bytes(header.stringBytes);
  const strings =
    header.strings === 0 ? [] : stringBytes.toString('utf8', 0, stringBytes.length - 1).split('\u0000');
  if (strings.length !== header.strings) throw invalid(file, 'string table does not match its header');
  const n = header.packages;
  const name = r.int32(n);
  const arch = r.int32(n);
  const evr = r.int32(n);
  const provStart = r.int32(n + 1);
  const provName = r.int32(header.provides);
  const provEvr = r.int32(header.provides);
  const provFlags = r.uint8(header.provides);
  const reqStart = r.int32(n + 1);
  const reqName = r.int32(header.requires);
  const reqEvr = r.int32(header.requires);
  const reqFlags = r.uint8(header.requires);
  const whatStart = r.int32(header.strings + 1);
  const whatEntry = r.int32(header.provides);
  const fileBlob = r.bytes(header.fileBlobBytes);
  const fileTable = r.uint32(header.files * 3);
  if (r.end() !== data.length) throw invalid(file, 'unexpected trailing data');
  if (
    provStart[n] !== header.provides ||
    reqStart[n] !== header.requires ||
    whatStart[header.strings] !== header.provides
  ) {
    throw invalid(file, 'dependency ranges do not match the header');
  }
  const tables = {
    strings,
    count: n,
    name,
    arch,
    evr,
    provStart,
    provName,
    provFlags,
    provEvr,
    reqStart,
    reqName,
    reqFlags,
    reqEvr,
    whatStart,
    whatEntry,
    fileBlob,
    fileTable,
  };
  return { header, tables };
}

/** Decodes an index into the closure's repository view (string table decoded, arrays viewed in place). */
export function decodeDependencyIndex(
  data: Buffer,
  file: string,
): { header: DependencyIndexHeader; packages: RepoPackages } {
  const { header, tables } = decodeIndexTables(data, file);
  const { fileBlob, fileTable, ...packages } = tables;
  return { header, packages: { ...packages, files: tableOwners(fileBlob, fileTable) } };
}
