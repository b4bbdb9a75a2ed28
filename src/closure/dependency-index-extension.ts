/**
 * The dependency index as a repodata extension (src/repo's RepodataExtension):
 * each package contributes a small part when its .rpm is read (cached with
 * the package, so an incremental update only computes parts of added
 * packages), and the writer joins all parts into one index file listed in
 * repomd.xml as `ferry_depindex`, tied to the primary file of the same run.
 */
import type { RepodataExtension } from '../repo/index.js';
import type { RpmPackage } from '../rpm/index.js';
import { encodeDependencyIndex, type IndexContent } from './dependency-index-format.js';
import { flagsFromAttribute, makeEvr } from './reldep.js';
import { packageEvr, type ClosurePackageInput, type DependencyEntry } from './repo-packages.js';

/** repomd.xml `<data type>` of the index. */
export const DEPENDENCY_INDEX_TYPE = 'ferry_depindex';
/** File name after the checksum prefix. */
export const DEPENDENCY_INDEX_FILE = 'ferry-depindex.bin';

/** [name, flags, evr]: flags are libsolv bits, evr the libsolv EVR string ('' when unversioned). */
type PartDep = [string, number, string];
/** One package's part: [name, arch, evr, provides, requires, file paths]. */
type Part = [string, string, string, PartDep[], PartDep[], string[]];

/** Decoded parts an extension keeps (a few times the largest repository it is likely to write). */
const MAX_DECODED_PARTS = 100_000;

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

/** Joins package parts (in metadata order) into index content with one shared string table. */
export function indexContentFromParts(parts: readonly Uint8Array[]): IndexContent {
  return indexContentFromDecoded(parts.map(decodePart));
}

function indexContentFromDecoded(parts: readonly Part[]): IndexContent {
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const intern = (text: string): number => {
    let id = ids.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      ids.set(text, id);
    }
    return id;
  };
  const n = parts.length;
  const name = new Int32Array(n);
  const arch = new Int32Array(n);
  const evr = new Int32Array(n);
  const provStart = new Int32Array(n + 1);
  const reqStart = new Int32Array(n + 1);
  const fileStart = new Int32Array(n + 1);
  const provName: number[] = [];
  const provEvr: number[] = [];
  const provFlags: number[] = [];
  const reqName: number[] = [];
  const reqEvr: number[] = [];
  const reqFlags: number[] = [];
  const filePaths: string[] = [];
  const add = (deps: PartDep[], names: number[], evrs: number[], flags: number[]): void => {
    for (const [depName, depFlags, depEvr] of deps) {
      names.push(intern(depName));
      flags.push(depFlags);
      evrs.push(depFlags ? intern(depEvr) : -1);
    }
  };
  for (let i = 0; i < n; i++) {
    const part = parts[i]!;
    name[i] = intern(part[0]);
    arch[i] = intern(part[1]);
    evr[i] = intern(part[2]);
    add(part[3], provName, provEvr, provFlags);
    add(part[4], reqName, reqEvr, reqFlags);
    for (const path of part[5]) filePaths.push(path);
    provStart[i + 1] = provName.length;
    reqStart[i + 1] = reqName.length;
    fileStart[i + 1] = filePaths.length;
  }
  return {
    strings,
    count: n,
    name,
    arch,
    evr,
    provStart,
    provName: Int32Array.from(provName),
    provFlags: Uint8Array.from(provFlags),
    provEvr: Int32Array.from(provEvr),
    reqStart,
    reqName: Int32Array.from(reqName),
    reqFlags: Uint8Array.from(reqFlags),
    reqEvr: Int32Array.from(reqEvr),
    fileStart,
    filePaths,
  };
}

/**
 * The extension to pass to src/repo's indexRepository / updateRepodata /
 * writeRepodata so the written repodata carries a dependency index.
 *
 * @example
 *   await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
 */
export function dependencyIndexExtension(): RepodataExtension {
  // Decoded parts by package checksum, kept between builds of one process: a chaser publishing
  // snapshot after snapshot decodes only the new package's part (a part is a function of the
  // package file, so its checksum identifies it).
  const decoded = new Map<string, Part>();
  return {
    type: DEPENDENCY_INDEX_TYPE,
    fileName: DEPENDENCY_INDEX_FILE,
    compress: false,
    packagePart: (pkg: RpmPackage) => encodePackagePart(pkg),
    build: async (input) => {
      if (input.records.some((record) => record.parts[DEPENDENCY_INDEX_TYPE] === undefined)) {
        // Records from a cache written without this extension: derive the parts from the models.
        const parts = (await input.packages()).map((pkg) => encodePackagePart(pkg));
        return encodeDependencyIndex(indexContentFromParts(parts), input.primaryChecksum);
      }
      if (decoded.size > MAX_DECODED_PARTS) decoded.clear();
      const parts = input.records.map((record) => {
        let part = decoded.get(record.pkgid);
        if (!part) {
          part = decodePart(record.parts[DEPENDENCY_INDEX_TYPE]!);
          decoded.set(record.pkgid, part);
        }
        return part;
      });
      return encodeDependencyIndex(indexContentFromDecoded(parts), input.primaryChecksum);
    },
  };
}
