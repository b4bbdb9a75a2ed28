/**
 * An update's dependency index made from the previous one: packages reused
 * unchanged are copied from the previous index's tables (their string ids
 * renumbered), only the added packages' parts are decoded. The result is
 * exactly what joining every package's part would give (strings numbered in
 * order of first use, paths in package order), for a fraction of the work
 * in a fresh process: one package added to 3,000 no longer decodes and
 * re-interns 3,000 parts.
 */
import type { PackageRecord } from '../repo/index.js';
import type { IndexContent, IndexFiles, IndexTables } from './dependency-index-format.js';
import { allocateContent, appendFiles, indexFiles, radixOrder } from './dependency-index-format.js';

/** A package's part as the extension stores it: [name, arch, evr, provides, requires, file paths]. */
export type PartDep = [string, number, string];
export type Part = [string, string, string, PartDep[], PartDep[], string[]];

/** The previous index's owned paths in package order: offset and hash of each, and each package's first path. */
function pathsByPackage(previous: IndexTables): {
  offsets: Uint32Array;
  hashes: Uint32Array;
  fileStart: Int32Array;
} {
  const table = previous.fileTable;
  const count = table.length / 3;
  const tableOffsets = new Uint32Array(count);
  for (let e = 0; e < count; e++) tableOffsets[e] = table[e * 3 + 2]!;
  // The blob holds the paths in package order, so ordering entries by offset gives that order.
  const order = radixOrder(tableOffsets);
  const offsets = new Uint32Array(count);
  const hashes = new Uint32Array(count);
  const fileStart = new Int32Array(previous.count + 1);
  for (let k = 0; k < count; k++) {
    const e = order[k]!;
    offsets[k] = table[e * 3 + 2]!;
    hashes[k] = table[e * 3]!;
    fileStart[table[e * 3 + 1]! + 1]!++;
  }
  for (let p = 0; p < previous.count; p++) fileStart[p + 1]! += fileStart[p]!;
  return { offsets, hashes, fileStart };
}

/**
 * Index content for `records` (metadata order). `indexOf` gives a record's
 * package number in `previous` when it is reused unchanged from it; the
 * others are described by `partOf`.
 */
export function patchIndexContent(
  previous: IndexTables,
  records: readonly PackageRecord[],
  indexOf: (record: PackageRecord) => number | undefined,
  partOf: (record: PackageRecord) => Part,
): IndexContent {
  const n = records.length;
  const old = pathsByPackage(previous);
  // Per record: its package number in the previous index, or -1 and its part's decoded files.
  const positions = new Int32Array(n);
  const fresh = new Map<number, { part: Part; files: IndexFiles }>();
  const sizes = { packages: n, provides: 0, requires: 0, files: 0, blobBytes: 0 };
  for (let i = 0; i < n; i++) {
    const j = indexOf(records[i]!);
    if (j !== undefined && j >= 0 && j < previous.count) {
      positions[i] = j;
      sizes.provides += previous.provStart[j + 1]! - previous.provStart[j]!;
      sizes.requires += previous.reqStart[j + 1]! - previous.reqStart[j]!;
      sizes.files += old.fileStart[j + 1]! - old.fileStart[j]!;
      sizes.blobBytes += byteEnd(old, previous, j) - byteStart(old, previous, j);
      continue;
    }
    positions[i] = -1;
    const part = partOf(records[i]!);
    const files = indexFiles(part[5]);
    fresh.set(i, { part, files });
    sizes.provides += part[3].length;
    sizes.requires += part[4].length;
    sizes.files += files.hashes.length;
    sizes.blobBytes += files.blob.length;
  }
  const c = allocateContent(sizes);
  const { blob, offsets, hashes } = c.files;

  // Strings in order of first use, as joining every part would number them.
  const oldStrings = previous.strings;
  const oldToNew = new Int32Array(oldStrings.length).fill(-1);
  const mapOld = (id: number): number => {
    let mapped = oldToNew[id]!;
    if (mapped < 0) {
      mapped = oldToNew[id] = c.strings.length;
      c.strings.push(oldStrings[id]!);
    }
    return mapped;
  };
  let oldIds: Map<string, number> | undefined;
  const newIds = new Map<string, number>();
  const mapText = (text: string): number => {
    oldIds ??= new Map(oldStrings.map((s, id) => [s, id]));
    const id = oldIds.get(text);
    if (id !== undefined) return mapOld(id);
    let mapped = newIds.get(text);
    if (mapped === undefined) {
      mapped = c.strings.length;
      c.strings.push(text);
      newIds.set(text, mapped);
    }
    return mapped;
  };

  let p = 0;
  let r = 0;
  let f = 0;
  let byte = 0;
  for (let i = 0; i < n; i++) {
    const j = positions[i]!;
    if (j >= 0) {
      c.name[i] = mapOld(previous.name[j]!);
      c.arch[i] = mapOld(previous.arch[j]!);
      c.evr[i] = mapOld(previous.evr[j]!);
      for (let k = previous.provStart[j]!; k < previous.provStart[j + 1]!; k++, p++) {
        c.provName[p] = mapOld(previous.provName[k]!);
        const e = previous.provEvr[k]!;
        c.provEvr[p] = e < 0 ? -1 : mapOld(e);
        c.provFlags[p] = previous.provFlags[k]!;
      }
      for (let k = previous.reqStart[j]!; k < previous.reqStart[j + 1]!; k++, r++) {
        c.reqName[r] = mapOld(previous.reqName[k]!);
        const e = previous.reqEvr[k]!;
        c.reqEvr[r] = e < 0 ? -1 : mapOld(e);
        c.reqFlags[r] = previous.reqFlags[k]!;
      }
      const start = byteStart(old, previous, j);
      const end = byteEnd(old, previous, j);
      previous.fileBlob.copy(blob, byte, start, end);
      for (let k = old.fileStart[j]!; k < old.fileStart[j + 1]!; k++, f++) {
        offsets[f] = byte + (old.offsets[k]! - start);
        hashes[f] = old.hashes[k]!;
      }
      byte += end - start;
    } else {
      const { part, files } = fresh.get(i)!;
      const [partName, partArch, partEvr, partProvides, partRequires] = part;
      c.name[i] = mapText(partName);
      c.arch[i] = mapText(partArch);
      c.evr[i] = mapText(partEvr);
      for (const [depName, depFlags, depEvr] of partProvides) {
        c.provName[p] = mapText(depName);
        c.provEvr[p] = depFlags ? mapText(depEvr) : -1;
        c.provFlags[p++] = depFlags;
      }
      for (const [depName, depFlags, depEvr] of partRequires) {
        c.reqName[r] = mapText(depName);
        c.reqEvr[r] = depFlags ? mapText(depEvr) : -1;
        c.reqFlags[r++] = depFlags;
      }
      byte = appendFiles(c.files, f, byte, files);
      f += files.hashes.length;
    }
    c.provStart[i + 1] = p;
    c.reqStart[i + 1] = r;
    c.fileStart[i + 1] = f;
  }
  offsets[sizes.files] = byte;
  return c;
}

/** Byte range of package j's paths in the previous blob (empty for a package without files). */
function byteStart(old: ReturnType<typeof pathsByPackage>, previous: IndexTables, j: number): number {
  const first = old.fileStart[j]!;
  return first < old.offsets.length ? old.offsets[first]! : previous.fileBlob.length;
}

function byteEnd(old: ReturnType<typeof pathsByPackage>, previous: IndexTables, j: number): number {
  const next = old.fileStart[j + 1]!;
  return next < old.offsets.length ? old.offsets[next]! : previous.fileBlob.length;
}
