/**
 * The dependency index as a repodata extension (src/repo's RepodataExtension):
 * each package contributes a small part when its .rpm is read (cached with
 * the package, so an incremental update only computes parts of added
 * packages), and the writer joins all parts into one index file listed in
 * repomd.xml as `ferry_depindex`, tied to the primary file of the same run.
 */
import type { ExtensionInput, PackageRecord, RepodataExtension } from '../repo/index.js';
import type { RpmPackage } from '../rpm/index.js';
import {
  allocateContent,
  appendFiles,
  decodeIndexTables,
  encodeDependencyIndex,
  indexBody,
  indexFiles,
  layoutIndex,
  type IndexContent,
  type IndexFiles,
} from './dependency-index-format.js';
import { patchIndexContent, type Part, type PartDep } from './dependency-index-patch.js';
import { flagsFromAttribute, makeEvr } from './reldep.js';
import { packageEvr, type ClosurePackageInput, type DependencyEntry } from './repo-packages.js';

/** repomd.xml `<data type>` of the index. */
export const DEPENDENCY_INDEX_TYPE = 'ferry_depindex';
/** File name after the checksum prefix. */
export const DEPENDENCY_INDEX_FILE = 'ferry-depindex.bin';

/** Prepared parts an extension keeps (a few times the largest repository it is likely to write). */
const MAX_PREPARED_PARTS = 100_000;
/** Strings its table keeps (parts of packages no longer published leave theirs behind). */
const MAX_TABLE_STRINGS = 2_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function partDeps(deps: readonly DependencyEntry[]): PartDep[] {
  const out: PartDep[] = [];
  for (const dep of deps) {
    if (dep.name === '') continue;
    const flags = dep.flags ? flagsFromAttribute(dep.flags) : 0;
    out.push([dep.name, flags, flags ? makeEvr(dep.epoch, dep.version, dep.release) : '']);
  }
  return out;
}

/** A package's contribution to the index (UTF-8 JSON). */
export function encodePackagePart(pkg: ClosurePackageInput): Uint8Array {
  const part: Part = [
    pkg.name,
    pkg.arch,
    packageEvr(pkg),
    partDeps(pkg.provides),
    partDeps(pkg.requires),
    pkg.files.map((file) => file.path),
  ];
  return encoder.encode(JSON.stringify(part));
}

/** A package's part, decoded. */
function decodePart(part: Uint8Array): Part {
  return JSON.parse(decoder.decode(part)) as Part;
}

/**
 * Strings of the parts a process has prepared, each with a number: parts
 * refer to their strings by it, so joining parts into an index maps numbers
 * instead of hashing strings again.
 */
class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

/** A part made ready to join: its strings numbered in a StringTable, its paths laid out and hashed. */
interface PreparedPart {
  /** Table ids in index order: name, arch, evr, then (name, evr or -1) per provide, then per require. */
  readonly ids: Int32Array;
  readonly provFlags: Uint8Array;
  readonly reqFlags: Uint8Array;
  readonly files: IndexFiles;
}

function preparePart(part: Part, table: StringTable): PreparedPart {
  const [name, arch, evr, provides, requires, paths] = part;
  const ids = new Int32Array(3 + 2 * (provides.length + requires.length));
  ids[0] = table.id(name);
  ids[1] = table.id(arch);
  ids[2] = table.id(evr);
  let at = 3;
  const flagsOf = (deps: PartDep[]): Uint8Array => {
    const flags = new Uint8Array(deps.length);
    deps.forEach(([depName, depFlags, depEvr], k) => {
      ids[at++] = table.id(depName);
      ids[at++] = depFlags ? table.id(depEvr) : -1;
      flags[k] = depFlags;
    });
    return flags;
  };
  const provFlags = flagsOf(provides);
  const reqFlags = flagsOf(requires);
  return { ids, provFlags, reqFlags, files: indexFiles(paths) };
}

/**
 * Joins prepared parts (in metadata order) into index content. Strings are
 * renumbered in order of first use, so the result does not depend on what
 * else the table holds.
 */
function joinPrepared(parts: readonly PreparedPart[], table: StringTable): IndexContent {
  const sizes = { packages: parts.length, provides: 0, requires: 0, files: 0, blobBytes: 0 };
  for (const part of parts) {
    sizes.provides += part.provFlags.length;
    sizes.requires += part.reqFlags.length;
    sizes.files += part.files.hashes.length;
    sizes.blobBytes += part.files.blob.length;
  }
  const c = allocateContent(sizes);
  const local = new Int32Array(table.strings.length).fill(-1);
  const localId = (id: number): number => {
    let mapped = local[id]!;
    if (mapped < 0) {
      mapped = local[id] = c.strings.length;
      c.strings.push(table.strings[id]!);
    }
    return mapped;
  };
  let p = 0;
  let r = 0;
  let f = 0;
  let byte = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const { ids } = part;
    c.name[i] = localId(ids[0]!);
    c.arch[i] = localId(ids[1]!);
    c.evr[i] = localId(ids[2]!);
    let at = 3;
    for (let k = 0; k < part.provFlags.length; k++, p++, at += 2) {
      c.provName[p] = localId(ids[at]!);
      c.provEvr[p] = ids[at + 1]! < 0 ? -1 : localId(ids[at + 1]!);
      c.provFlags[p] = part.provFlags[k]!;
    }
    for (let k = 0; k < part.reqFlags.length; k++, r++, at += 2) {
      c.reqName[r] = localId(ids[at]!);
      c.reqEvr[r] = ids[at + 1]! < 0 ? -1 : localId(ids[at + 1]!);
      c.reqFlags[r] = part.reqFlags[k]!;
    }
    byte = appendFiles(c.files, f, byte, part.files);
    f += part.files.hashes.length;
    c.provStart[i + 1] = p;
    c.reqStart[i + 1] = r;
    c.fileStart[i + 1] = f;
  }
  c.files.offsets[sizes.files] = byte;
  return c;
}

/** Joins package parts (in metadata order) into index content with one shared string table. */
export function indexContentFromParts(parts: readonly Uint8Array[]): IndexContent {
  const table = new StringTable();
  return joinPrepared(
    parts.map((part) => preparePart(decodePart(part), table)),
    table,
  );
}

/**
 * The index content of an update patched from the base metadata's index
 * (see dependency-index-patch.ts), or undefined when there is none to start
 * from: no base, no index in it, one written with other primary metadata, or
 * an added package without a part.
 */
async function patchedIndex(input: ExtensionInput): Promise<IndexContent | undefined> {
  const base = input.base;
  if (!base) return undefined;
  const fresh = input.records.filter((record) => base.indexOf(record) === undefined);
  const parts = fresh.map((record) => record.parts[DEPENDENCY_INDEX_TYPE]);
  if (parts.some((part) => part === undefined)) return undefined;
  const data = await base.data();
  if (!data) return undefined;
  try {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const { header, tables } = decodeIndexTables(buffer, DEPENDENCY_INDEX_FILE);
    if (header.primary !== base.primaryChecksum || header.packages !== base.count) return undefined;
    const partOf = new Map(fresh.map((record, i) => [record, decodePart(parts[i]!)]));
    return patchIndexContent(
      tables,
      input.records,
      (record) => base.indexOf(record),
      (record) => partOf.get(record)!,
    );
  } catch {
    // A damaged previous index is only a missed shortcut: the full build below makes a good one.
    return undefined;
  }
}

/** Parts prepared per turn of the event loop by prepareAfter (a few milliseconds' work). */
const PREPARE_SLICE = 256;

/**
 * Prepares the parts of `records` once `write` is over, a slice at a time,
 * each slice its own turn of the event loop. Started at once, preparing
 * 3,000 parts in a fresh process ran in the write's own I/O waits and made
 * it 30-45 ms longer; in slices, what the process does next waits for one
 * slice at most.
 */
function prepareAfter(
  write: Promise<void>,
  records: readonly PackageRecord[],
  prepare: (record: PackageRecord) => void,
): void {
  let next = 0;
  const slice = (): void => {
    const end = Math.min(records.length, next + PREPARE_SLICE);
    for (; next < end; next++) {
      const record = records[next]!;
      if (record.parts[DEPENDENCY_INDEX_TYPE]) prepare(record);
    }
    if (next < records.length) setImmediate(slice).unref();
  };
  void write.then(() => setImmediate(slice).unref());
}

/**
 * The extension to pass to src/repo's indexRepository / updateRepodata /
 * writeRepodata so the written repodata carries a dependency index.
 *
 * @example
 *   await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
 */
export function dependencyIndexExtension(): RepodataExtension {
  // Prepared parts by package checksum, kept between builds of one process: a chaser publishing
  // snapshot after snapshot prepares only the new package's part (a part is a function of the
  // package file, so its checksum identifies it). Strings of parts no longer used stay in the
  // table until both are dropped together.
  let table = new StringTable();
  let prepared = new Map<string, PreparedPart>();
  return {
    type: DEPENDENCY_INDEX_TYPE,
    fileName: DEPENDENCY_INDEX_FILE,
    compress: false,
    packagePart: (pkg: RpmPackage) => encodePackagePart(pkg),
    build: async (input) => {
      if (prepared.size > MAX_PREPARED_PARTS || table.strings.length > MAX_TABLE_STRINGS) {
        table = new StringTable();
        prepared = new Map();
      }
      const prepare = (record: PackageRecord): PreparedPart => {
        let part = prepared.get(record.pkgid);
        if (!part) {
          part = preparePart(decodePart(record.parts[DEPENDENCY_INDEX_TYPE]!), table);
          prepared.set(record.pkgid, part);
        }
        return part;
      };
      // Most parts not prepared by this process yet (a command, a chaser's first snapshot): patching
      // the base's index beats preparing them all. Once they are prepared, joining them is cheaper.
      const unprepared = input.records.filter((record) => !prepared.has(record.pkgid)).length;
      if (unprepared * 8 > input.records.length) {
        const patched = await patchedIndex(input);
        if (patched) {
          // Prepared after this write, so the process's next build joins. A command has no next build.
          if (!input.oneShot) prepareAfter(input.settled, input.records, prepare);
          return layoutIndex(indexBody(patched), await input.primaryChecksum);
        }
      }
      if (input.records.some((record) => record.parts[DEPENDENCY_INDEX_TYPE] === undefined)) {
        // Records from a cache written without this extension: derive the parts from the models.
        const parts = (await input.packages()).map((pkg) => encodePackagePart(pkg));
        return encodeDependencyIndex(indexContentFromParts(parts), await input.primaryChecksum);
      }
      // The body first: the primary file is still being compressed meanwhile.
      const body = indexBody(joinPrepared(input.records.map(prepare), table));
      return layoutIndex(body, await input.primaryChecksum);
    },
  };
}
