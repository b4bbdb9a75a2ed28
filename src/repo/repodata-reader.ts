/**
 * Reads a repository's metadata back into the package model: repomd.xml,
 * then primary (and, unless told otherwise, filelists and other), each
 * checked against the checksum repomd.xml declares for the file as stored
 * and, when declared, for its uncompressed content.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

import { FerryError } from '../errors.js';
import type { RpmPackage } from '../rpm/package.js';
import { decompressMetadata } from './decompress.js';
import { attachSecondary, parseFilelists, parseOther, parsePrimary } from './repodata-parse.js';
import { parseRepomd, requireRecord, type Repomd, type RepomdRecord } from './repomd.js';

export interface ReadRepodataOptions {
  /** Read filelists.xml for the full file lists (default true; primary lists only its file subset). */
  readonly filelists?: boolean;
  /** Read other.xml for changelogs (default true). */
  readonly other?: boolean;
  /** Check checksums declared in repomd.xml (default true). */
  readonly verify?: boolean;
}

export interface RepodataContents {
  readonly repomd: Repomd;
  readonly packages: RpmPackage[];
  /** Things worth telling the user that are not errors (e.g. zchunk records ignored). */
  readonly notes: string[];
}

const HASHES = new Set(['sha256', 'sha1', 'sha512', 'sha384', 'sha224', 'md5']);

function verifyChecksum(
  data: Uint8Array,
  expected: { readonly type: string; readonly value: string },
  file: string,
  what: string,
): void {
  if (!HASHES.has(expected.type)) {
    throw new FerryError('FERRY_REPODATA_INVALID', `unsupported ${what} type ${expected.type}`, { file });
  }
  const actual = createHash(expected.type).update(data).digest('hex');
  if (actual !== expected.value) {
    throw new FerryError(
      'FERRY_REPODATA_INVALID',
      `${what} mismatch: repomd.xml declares ${expected.type} ${expected.value}, the file has ${actual}`,
      { file },
    );
  }
}

/**
 * The path of a file repomd.xml lists, refusing hrefs that leave the
 * repository (foreign metadata must not make ferry read other files).
 */
export function metadataPath(repoDir: string, href: string): string {
  const rel = relative(resolve(repoDir), resolve(repoDir, href));
  if (rel === '' || rel.startsWith('..') || href.startsWith('/')) {
    throw new FerryError(
      'FERRY_REPODATA_INVALID',
      `repomd.xml names a file outside the repository: ${href}`,
      {
        file: join(repoDir, 'repodata', 'repomd.xml'),
      },
    );
  }
  return join(repoDir, href);
}

/** Reads, verifies and decompresses the file of one repomd record; returns its text. */
export async function readMetadataFile(
  repoDir: string,
  record: RepomdRecord,
  verify = true,
): Promise<string> {
  const file = metadataPath(repoDir, record.href);
  const data = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new FerryError('FERRY_REPODATA_INVALID', `cannot read ${record.type} metadata: ${error.message}`, {
      file,
      cause: error,
    });
  });
  if (verify) verifyChecksum(data, record.checksum, file, 'checksum');
  const plain = await decompressMetadata(data, file);
  if (verify && record.openChecksum) verifyChecksum(plain, record.openChecksum, file, 'open-checksum');
  return plain.toString('utf8');
}

/** Reads repodata/repomd.xml of a repository. */
export async function readRepomd(repoDir: string): Promise<Repomd> {
  const file = join(repoDir, 'repodata', 'repomd.xml');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new FerryError('FERRY_REPODATA_INVALID', `cannot read repomd.xml: ${error.message}`, {
      file,
      cause: error,
    });
  });
  return parseRepomd(text, file);
}

/**
 * Reads the packages of a repository's metadata. Errors: FERRY_REPODATA_INVALID
 * (missing or corrupt file, checksum mismatch, malformed XML; with file, line
 * and column where there is one), FERRY_UNSUPPORTED (bzip2/zchunk-only).
 */
export async function readRepodata(
  repoDir: string,
  options: ReadRepodataOptions = {},
): Promise<RepodataContents> {
  const verify = options.verify ?? true;
  const repomd = await readRepomd(repoDir);
  const repomdFile = join(repoDir, 'repodata', 'repomd.xml');
  const notes: string[] = [];
  const zck = repomd.records.filter((record) => record.type.endsWith('_zck')).map((record) => record.type);
  if (zck.length > 0)
    notes.push(`zchunk records ignored (${zck.join(', ')}); their gzip/xz/zstd twins were read`);

  const primaryRecord = requireRecord(repomd, 'primary', repomdFile);
  const wantFilelists = options.filelists ?? true;
  const wantOther = options.other ?? true;
  const [primaryText, filelistsText, otherText] = await Promise.all([
    readMetadataFile(repoDir, primaryRecord, verify),
    wantFilelists
      ? readMetadataFile(repoDir, requireRecord(repomd, 'filelists', repomdFile), verify)
      : undefined,
    wantOther ? readMetadataFile(repoDir, requireRecord(repomd, 'other', repomdFile), verify) : undefined,
  ]);
  const packages = parsePrimary(primaryText, join(repoDir, primaryRecord.href));
  if (filelistsText !== undefined) {
    const record = requireRecord(repomd, 'filelists', repomdFile);
    const unmatched = attachSecondary(
      packages,
      parseFilelists(filelistsText, join(repoDir, record.href)),
      (pkg, files) => {
        pkg.files = files;
      },
    );
    if (unmatched.length > 0)
      notes.push(`filelists lists ${unmatched.length} package(s) that primary does not`);
  }
  if (otherText !== undefined) {
    const record = requireRecord(repomd, 'other', repomdFile);
    const unmatched = attachSecondary(
      packages,
      parseOther(otherText, join(repoDir, record.href)),
      (pkg, entries) => {
        pkg.changelogs = entries;
      },
    );
    if (unmatched.length > 0) notes.push(`other lists ${unmatched.length} package(s) that primary does not`);
  }
  return { repomd, packages, notes };
}
