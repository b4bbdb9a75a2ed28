/**
 * Writes repodata/ for an ordered list of package records: primary,
 * filelists and other (.xml.gz, gzip members per content-defined block of
 * packages, reused byte for byte from the previous files where a block did
 * not change: metadata-assembly.ts), the files of repodata extensions,
 * repomd.xml and the sidecar cache. Everything goes to a work directory
 * beside repodata/ first and is then moved into place (repodata-commit.ts).
 */
import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { RpmPackage } from '../rpm/package.js';
import { extensionBase, type ExtensionBase } from './extension-base.js';
import { gzipMember, planBlocks } from './gzip-members.js';
import { assemble, PreviousFiles } from './metadata-assembly.js';
import { recordRules, type PackageRecord, type PartModule, type RecordRules } from './package-record.js';
import { CACHE_FILE_NAME, encodeCache, type CacheHeader } from './repodata-cache.js';
import { commitRepodata, createWorkDir, removeWorkDir } from './repodata-commit.js';
import { METADATA_KINDS, type MetadataKind } from './repodata-xml.js';
import { renderRepomd, type RepomdRecord } from './repomd.js';
import { rememberWritten } from './written-repodata.js';

/** What an extension's build step receives. */
export interface ExtensionInput {
  /** The records in metadata order (href, pkgid, fragments, `parts[type]` for this extension). */
  readonly records: readonly PackageRecord[];
  /**
   * sha256 of the compressed primary file written in the same run (ties the
   * extension to it). Extensions are built while the metadata is being
   * compressed: do the work first and await this last.
   */
  readonly primaryChecksum: Promise<string>;
  /** Full package models in metadata order; reused records are parsed back from their XML (slower). */
  packages(): Promise<readonly RpmPackage[]>;
  /** The metadata the reused records come from, when they all come from one that lists this extension. */
  readonly base?: ExtensionBase;
  /** The process ends after this write (WriteRepodataOptions.oneShot): do no work ahead for a next one. */
  readonly oneShot?: boolean;
  /**
   * Settles once this write is over (moved into place, or failed): work done
   * ahead for a next write belongs after it, not in its I/O waits.
   */
  readonly settled: Promise<void>;
}

/**
 * An extra data file listed in repomd.xml, e.g. a compact dependency index.
 * `packagePart` runs once per package when its .rpm is read; the part is
 * cached with the package, so an incremental update only computes parts of
 * added packages and then calls `build` with all of them.
 *
 * @example
 *   const index: RepodataExtension = {
 *     type: 'ferry-depindex',
 *     fileName: 'depindex.bin',
 *     compress: true,
 *     packagePart: (pkg) => encodeProvides(pkg),
 *     build: ({ records }) => joinParts(records.map((r) => r.parts['ferry-depindex']!)),
 *   };
 */
export interface RepodataExtension {
  /** repomd `<data type>`; must not be primary, filelists or other. */
  readonly type: string;
  /** File name after the checksum prefix, e.g. `depindex.bin` (gets `.gz` when compressed). */
  readonly fileName: string;
  readonly compress?: boolean;
  readonly packagePart?: (pkg: RpmPackage) => Uint8Array;
  /**
   * The same function as `packagePart`, as a module worker threads can
   * import (`{ url: new URL('./x.js', import.meta.url).href, exportName }`).
   * With it, parts are built in the threads that read the .rpm files;
   * without it, every model is sent back to the main thread first (slower).
   */
  readonly packagePartModule?: PartModule;
  readonly build: (input: ExtensionInput) => Uint8Array | Promise<Uint8Array>;
}

export interface WriteRepodataOptions {
  readonly extensions?: readonly RepodataExtension[];
  /** gzip level of the metadata files (default 6). */
  readonly compressionLevel?: number;
  /** Seconds since the epoch for timestamps and the default revision (default: now). */
  readonly now?: number;
  readonly revision?: string;
  /** The rules the records were made under (recorded in the cache, so a later run knows what it can reuse). */
  readonly rules?: Partial<RecordRules>;
  /** repoDir was just made by the caller: skip looking for work directories of killed runs. */
  readonly freshRepoDir?: boolean;
  /**
   * The process ends after this write (a command): keep nothing in memory for a later update in
   * the same process (see written-repodata.ts), and extensions are told so (ExtensionInput.oneShot):
   * work for a next update only costs a one-shot run time.
   */
  readonly oneShot?: boolean;
  /** Parses records without a model back into models (for ExtensionInput.packages). */
  readonly parseRecords?: (records: readonly PackageRecord[]) => Promise<RpmPackage[]>;
}

export interface WrittenRepodata {
  readonly repomd: readonly RepomdRecord[];
  readonly revision: string;
  readonly packages: number;
  /** Blocks recompressed and reused (per metadata file, summed). */
  readonly blocksCompressed: number;
  readonly blocksReused: number;
}

export const DEFAULT_COMPRESSION_LEVEL = 6;

/**
 * Writes the repodata of `repoDir` for `records`, which must already be in
 * metadata order (see compareHrefs). Returns what repomd.xml lists.
 */
export async function writeRepodata(
  repoDir: string,
  records: readonly PackageRecord[],
  options: WriteRepodataOptions = {},
): Promise<WrittenRepodata> {
  const level = options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const revision = options.revision ?? String(now);
  const extensions = options.extensions ?? [];
  const blocks = planBlocks(records);
  const stats = { compressed: 0, reused: 0 };
  const previous = new PreviousFiles();
  const workDir = await createWorkDir(repoDir, options.freshRepoDir);
  let settle = (): void => undefined;
  try {
    const assembling = assemble(records, blocks, level, previous, stats);
    let models: Promise<readonly RpmPackage[]> | undefined;
    const packages = (): Promise<readonly RpmPackage[]> => {
      models ??= modelsOf(records, options.parseRecords);
      return models;
    };
    // Extensions do their work while the changed blocks are compressed on the thread pool.
    const primaryChecksum = assembling.then((files) => files.primary.checksum);
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const builds = extensions.map((extension) =>
      Promise.resolve().then(() => {
        const base = extensionBase(records, extension.type);
        return extension.build({
          records,
          primaryChecksum,
          settled,
          packages,
          ...(base ? { base } : {}),
          ...(options.oneShot ? { oneShot: true } : {}),
        });
      }),
    );
    // Awaited in order below; a failure of the assembly must not leave them unhandled.
    for (const build of builds) build.catch(() => undefined);
    const assembled = await assembling;
    const repomd: RepomdRecord[] = [];
    const written: Promise<void>[] = [];
    const hrefs = {} as Record<MetadataKind, string>;
    const files = {} as Record<MetadataKind, Buffer>;
    for (const kind of METADATA_KINDS) {
      const file = assembled[kind];
      const name = `${file.checksum}-${kind}.xml.gz`;
      hrefs[kind] = `repodata/${name}`;
      files[kind] = Buffer.concat(file.members, file.size);
      written.push(writeFile(join(workDir, name), files[kind]));
      repomd.push({
        type: kind,
        checksum: { type: 'sha256', value: file.checksum },
        openChecksum: { type: 'sha256', value: file.openChecksum },
        href: hrefs[kind],
        timestamp: now,
        size: file.size,
        openSize: file.openSize,
      });
    }
    for (const [i, extension] of extensions.entries()) {
      const raw = await builds[i]!;
      const data = extension.compress
        ? await gzipMember(raw, level)
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      const checksum = createHash('sha256').update(data).digest('hex');
      const name = `${checksum}-${extension.fileName}${extension.compress ? '.gz' : ''}`;
      written.push(writeFile(join(workDir, name), data));
      repomd.push({
        type: extension.type,
        checksum: { type: 'sha256', value: checksum },
        ...(extension.compress
          ? { openChecksum: { type: 'sha256', value: createHash('sha256').update(raw).digest('hex') } }
          : {}),
        href: `repodata/${name}`,
        timestamp: now,
        size: data.length,
        ...(extension.compress ? { openSize: raw.length } : {}),
      });
    }
    const header: CacheHeader = {
      format: 2,
      rules: recordRules(options.rules),
      partTypes: extensions.filter((e) => e.packagePart).map((e) => e.type),
      files: {
        primary: { href: hrefs.primary, checksum: assembled.primary.checksum },
        filelists: { href: hrefs.filelists, checksum: assembled.filelists.checksum },
        other: { href: hrefs.other, checksum: assembled.other.checksum },
      },
      blocks: blocks.map(([start, end], b) => ({
        start,
        end,
        members: {
          primary: assembled.primary.ranges[b]!,
          filelists: assembled.filelists.ranges[b]!,
          other: assembled.other.ranges[b]!,
        },
      })),
      count: records.length,
    };
    // Written as the pieces it is made of (mostly slices of the previous cache): no 10 MB copy.
    const cache = encodeCache(header, records);
    written.push(writePieces(join(workDir, CACHE_FILE_NAME), cache.pieces));
    written.push(writeFile(join(workDir, 'repomd.xml'), renderRepomd({ revision, records: repomd })));
    await Promise.all(written);
    await commitRepodata(repoDir, workDir);
    if (!options.oneShot) {
      rememberWritten(repoDir, { repomd: { revision, records: repomd }, cache, files });
    }
    return {
      repomd,
      revision,
      packages: records.length,
      blocksCompressed: stats.compressed,
      blocksReused: stats.reused,
    };
  } catch (error) {
    await removeWorkDir(workDir);
    throw error;
  } finally {
    settle();
  }
}

/**
 * Writes `pieces` one after another into a new file: one gathered write, no
 * joined copy (libuv splits lists longer than IOV_MAX and finishes short writes).
 */
async function writePieces(path: string, pieces: readonly Uint8Array[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writev([...pieces]);
  } finally {
    await handle.close();
  }
}

async function modelsOf(
  records: readonly PackageRecord[],
  parse: WriteRepodataOptions['parseRecords'],
): Promise<readonly RpmPackage[]> {
  const missing = records.filter((record) => !record.pkg);
  if (missing.length === 0) return records.map((record) => record.pkg!);
  if (!parse)
    throw new Error('writeRepodata: an extension asked for packages, but no parseRecords was given');
  const parsed = await parse(missing);
  let next = 0;
  return records.map((record) => record.pkg ?? parsed[next++]!);
}
