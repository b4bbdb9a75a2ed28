/**
 * The metadata a repository already has, as package records an update can
 * reuse: from the sidecar cache when it matches repomd.xml (one file read,
 * no XML parsing), otherwise parsed from the XML files themselves (createrepo_c's
 * way, slower), otherwise nothing.
 */
import { readRepodata, readRepomd } from './repodata-reader.js';
import { loadCache, type LoadedCache } from './repodata-cache.js';
import { recallWritten } from './written-repodata.js';
import {
  recordFromPackage,
  sameRules,
  type PackageRecord,
  type PartBuilder,
  type RecordRules,
} from './package-record.js';
import type { Repomd } from './repomd.js';

export const PREVIOUS_SOURCES = ['cache', 'xml', 'none'] as const;
export type PreviousSource = (typeof PREVIOUS_SOURCES)[number];

export interface PreviousMetadata {
  readonly source: PreviousSource;
  /** Records in the previous metadata order. */
  readonly records: readonly PackageRecord[];
  /** Whether mtimes are known to the millisecond (cache) or only to the second (XML's time file). */
  readonly mtimePrecision: 'ms' | 's';
  /** Why the cache or the XML could not be used, when that happened. */
  readonly notes: readonly string[];
}

export interface PreviousMetadataOptions {
  readonly rules: RecordRules;
  readonly partBuilders?: Readonly<Record<string, PartBuilder>>;
}

const NONE: PreviousMetadata = { source: 'none', records: [], mtimePrecision: 'ms', notes: [] };

function cacheMatches(
  cache: LoadedCache,
  repomd: Repomd,
  options: PreviousMetadataOptions,
): string | undefined {
  const primary = repomd.records.find((record) => record.type === 'primary');
  if (!primary || primary.checksum.value !== cache.header.files.primary.checksum) {
    return 'the cache does not describe the current repomd.xml';
  }
  if (!sameRules(cache.header.rules, options.rules)) {
    return 'the cache was made with other settings (checksum type, changelog limit or pre-require rule)';
  }
  for (const type of Object.keys(options.partBuilders ?? {})) {
    if (!cache.header.partTypes.includes(type)) return `the cache has no "${type}" parts`;
  }
  return undefined;
}

/** Loads what `repoDir/repodata` holds. Never throws for unusable metadata: it says so in `notes`. */
export async function loadPreviousMetadata(
  repoDir: string,
  options: PreviousMetadataOptions,
): Promise<PreviousMetadata> {
  // Metadata this process wrote there and that is still in place is not read back.
  const remembered = recallWritten(repoDir);
  let repomd: Repomd;
  try {
    repomd = remembered?.repomd ?? (await readRepomd(repoDir));
  } catch {
    return NONE;
  }
  const notes: string[] = [];
  const cache = remembered ? remembered.loadCache(repoDir) : await loadCache(repoDir, repomd);
  if (cache) {
    const mismatch = cacheMatches(cache, repomd, options);
    if (mismatch === undefined)
      return { source: 'cache', records: cache.records, mtimePrecision: 'ms', notes };
    notes.push(`sidecar cache not used: ${mismatch}`);
  }
  try {
    const { packages } = await readRepodata(repoDir);
    // Packages summed with another checksum type cannot be reused (createrepo_c checks the same).
    const records = packages
      .filter((pkg) => pkg.checksum.type === options.rules.checksumType)
      .map((pkg) => recordFromPackage(pkg, pkg.timeFile * 1000, options.partBuilders));
    return { source: 'xml', records, mtimePrecision: 's', notes };
  } catch (error) {
    notes.push(`previous metadata not reused: ${error instanceof Error ? error.message : String(error)}`);
    return { ...NONE, notes };
  }
}

/** Whether a previous record still describes the file (same size and mtime). */
export function stillCurrent(
  record: PackageRecord,
  stat: { readonly size: number; readonly mtimeMs: number },
  precision: 'ms' | 's',
): boolean {
  if (record.size !== stat.size) return false;
  return precision === 'ms'
    ? record.mtimeMs === stat.mtimeMs
    : Math.floor(record.mtimeMs / 1000) === Math.floor(stat.mtimeMs / 1000);
}
