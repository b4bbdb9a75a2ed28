/**
 * What a repodata extension can know of the metadata an update starts from:
 * which records it reuses unchanged, and the extension's own data file of
 * that run. With it an extension can patch its previous output instead of
 * rebuilding it from every package's part (the dependency index does).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { decompressMetadata } from './decompress.js';
import type { PackageRecord } from './package-record.js';
import type { LoadedCache } from './repodata-cache.js';

export interface ExtensionBase {
  /** Packages in the base metadata. */
  readonly count: number;
  /** sha256 of the base's compressed primary file (an extension file of the same run names it). */
  readonly primaryChecksum: string;
  /** Position of `record` in the base metadata when it is reused from it unchanged, else undefined. */
  indexOf(record: PackageRecord): number | undefined;
  /**
   * The extension's data file as the base's repomd.xml lists it, checked
   * against its checksum and decompressed; undefined when it is not listed,
   * missing or does not match.
   */
  data(): Promise<Uint8Array | undefined>;
}

/** The one cache every reused record comes from; undefined when there is none or several. */
function singleBase(records: readonly PackageRecord[]): LoadedCache | undefined {
  let base: object | undefined;
  for (const record of records) {
    const origin = record.origin;
    if (!origin) continue;
    if (base === undefined) base = origin.cache;
    else if (origin.cache !== base) return undefined;
  }
  return base as LoadedCache | undefined;
}

/** The base an extension of type `type` gets for `records` (see ExtensionBase). */
export function extensionBase(records: readonly PackageRecord[], type: string): ExtensionBase | undefined {
  const base = singleBase(records);
  const listed = base?.repomd?.records.find((record) => record.type === type);
  if (!base || !listed) return undefined;
  let data: Promise<Uint8Array | undefined> | undefined;
  return {
    count: base.header.count,
    primaryChecksum: base.header.files.primary.checksum,
    indexOf: (record) => (record.origin?.cache === base ? record.origin.index : undefined),
    data: () =>
      (data ??= (async () => {
        const file = join(base.repoDir, listed.href);
        const raw = await readFile(file);
        const checksum = createHash(listed.checksum.type).update(raw).digest('hex');
        return checksum === listed.checksum.value ? await decompressMetadata(raw, file) : undefined;
      })().catch(() => undefined)),
  };
}
