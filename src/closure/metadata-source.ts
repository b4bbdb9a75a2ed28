/**
 * Reading a repository's metadata files, local or over http(s) (node's
 * fetch, bounded: see http-get.ts), each checked against the checksum
 * repomd.xml declares for it, as dnf's librepo does. Failures are
 * FERRY_REPODATA_INVALID naming the file or URL (exit 2: the check could not
 * be done).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { FerryError } from '../errors.js';
// Deep imports (not ../repo/index.js, which loads the writer and its workers): start-up time.
import { decompressMetadata } from '../repo/decompress.js';
import { parseRepomd, type Repomd, type RepomdRecord } from '../repo/repomd.js';
import { httpGet, type HttpLimits } from './http-get.js';
import type { RepoLocation } from './repo-spec.js';

/** repomd.xml is small; a larger answer is not repository metadata. */
const REPOMD_MAX_BYTES = 16 * 1024 * 1024;

/** The files of one repository. */
export interface MetadataSource {
  /** Path or URL of a file relative to the repository root, for messages. */
  describe(href: string): string;
  /** The raw bytes of a file relative to the repository root; over HTTP, at most `maxBytes`. */
  read(href: string, maxBytes?: number): Promise<Buffer>;
}

function localSource(root: string): MetadataSource {
  return {
    describe: (href) => join(root, href),
    read: async (href) => {
      const file = join(root, href);
      try {
        return await readFile(file);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new FerryError('FERRY_REPODATA_INVALID', `cannot read repository metadata: ${reason}`, {
          file,
          cause: error,
        });
      }
    },
  };
}

function httpSource(base: string, limits: HttpLimits): MetadataSource {
  return {
    describe: (href) => new URL(href, base).href,
    read: (href, maxBytes) => httpGet(new URL(href, base).href, limits, maxBytes),
  };
}

/** The metadata reader for a repository location. */
export function metadataSource(location: RepoLocation, limits: HttpLimits = {}): MetadataSource {
  return location.kind === 'local' ? localSource(location.path) : httpSource(location.url, limits);
}

/** Reads and parses repodata/repomd.xml. */
export async function readRepomdFrom(source: MetadataSource): Promise<Repomd> {
  const href = 'repodata/repomd.xml';
  const data = await source.read(href, REPOMD_MAX_BYTES);
  return parseRepomd(data.toString('utf8'), source.describe(href));
}

const HASHES = new Set(['sha256', 'sha1', 'sha512', 'sha384', 'sha224', 'md5']);

/** Throws FERRY_REPODATA_INVALID unless `data` has the checksum the record declares. */
export function verifyRecordChecksum(data: Uint8Array, record: RepomdRecord, file: string): void {
  const expected = record.checksum;
  if (!HASHES.has(expected.type)) {
    throw new FerryError('FERRY_REPODATA_INVALID', `unsupported checksum type ${expected.type}`, { file });
  }
  const actual = createHash(expected.type).update(data).digest('hex');
  if (actual !== expected.value) {
    throw new FerryError(
      'FERRY_REPODATA_INVALID',
      `checksum mismatch: repomd.xml declares ${expected.type} ${expected.value}, the file has ${actual}`,
      { file },
    );
  }
}

/** Reads the file of a repomd record, verifies its checksum and decompresses it. */
export async function readRecord(source: MetadataSource, record: RepomdRecord): Promise<Buffer> {
  const file = source.describe(record.href);
  // The size repomd.xml declares bounds the download (the checksum would refuse more anyway).
  const data = await source.read(record.href, record.size);
  verifyRecordChecksum(data, record, file);
  return decompressMetadata(data, file);
}

/** The record of a type, or FERRY_REPODATA_INVALID. */
export function recordOf(repomd: Repomd, type: string, source: MetadataSource): RepomdRecord {
  const record = repomd.records.find((r) => r.type === type);
  if (!record) {
    throw new FerryError('FERRY_REPODATA_INVALID', `repomd.xml has no "${type}" record`, {
      file: source.describe('repodata/repomd.xml'),
    });
  }
  return record;
}
