/**
 * Reads .rpm files in TypeScript, without spawning rpm: the lead, the
 * signature header (payload size, header digests), the main header, and the
 * file's checksum, streamed. The result is the repodata package model.
 */
import { createHash, hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';

import { FerryError, isFerryError } from '../errors.js';
import type { PackageChecksum, RpmPackage } from './package.js';
import { packageFromHeader, type PackageFromHeaderOptions } from './package-from-header.js';
import {
  LEAD_SIZE,
  RPM_TAG,
  RpmHeader,
  headerSizeAt,
  mainHeaderStart,
  parseLead,
  rpmFormatError,
} from './rpm-header.js';

export interface ReadRpmOptions extends PackageFromHeaderOptions {
  /** Location href written to repodata (default: the file's base name). */
  readonly locationHref?: string;
  readonly locationBase?: string;
  /** Checksum of the whole file, also the package id (default sha256). */
  readonly checksumType?: PackageChecksum['type'];
  /** Check the main header against the SHA256/SHA1 digest in the signature header (default true). */
  readonly verifyHeaderDigest?: boolean;
}

/** What the signature and main header say about the file's layout. */
export interface RpmLayout {
  readonly lead: ReturnType<typeof parseLead>;
  readonly signature: RpmHeader;
  readonly header: RpmHeader;
  /** Byte offset of the main header (= end of signature + padding). */
  readonly headerStart: number;
  /** Byte offset where the payload starts. */
  readonly headerEnd: number;
  /** Header + payload size the signature declares, when it declares one. */
  readonly declaredSize?: number;
}

/**
 * Parses lead, signature and main header from the first bytes of a file.
 * Throws FERRY_RPM_INVALID (without the file name) when they are corrupt or
 * incomplete; `fileSize` lets it tell a truncated file from a short buffer.
 */
export function parseRpmLayout(buf: Uint8Array, fileSize: number, verifyHeaderDigest = true): RpmLayout {
  const lead = parseLead(buf);
  const signature = RpmHeader.parse(buf, LEAD_SIZE, 'signature');
  const headerStart = mainHeaderStart(signature.end - LEAD_SIZE);
  const header = RpmHeader.parse(buf, headerStart, 'main');
  const headerEnd = header.end;
  if (verifyHeaderDigest) verifyDigest(signature, header);
  const declared = signature.has(RPM_TAG.SIG_LONGSIZE)
    ? signature.number(RPM_TAG.SIG_LONGSIZE)
    : signature.number(RPM_TAG.SIG_SIZE);
  if (declared !== undefined && headerStart + declared > fileSize) {
    throw rpmFormatError(
      `truncated at byte ${fileSize}: the signature header says the file has ${headerStart + declared} bytes`,
    );
  }
  return {
    lead,
    signature,
    header,
    headerStart,
    headerEnd,
    ...(declared === undefined ? {} : { declaredSize: declared }),
  };
}

function verifyDigest(signature: RpmHeader, header: RpmHeader): void {
  const sha256 = signature.string(RPM_TAG.SIG_SHA256);
  const sha1 = sha256 === undefined ? signature.string(RPM_TAG.SIG_SHA1) : undefined;
  const expected = sha256 ?? sha1;
  if (expected === undefined) return;
  const actual = hash(sha256 !== undefined ? 'sha256' : 'sha1', header.bytes(), 'hex');
  if (actual !== expected.toLowerCase()) {
    throw rpmFormatError(
      `main header does not match its ${sha256 !== undefined ? 'SHA256' : 'SHA1'} digest (corrupt header): expected ${expected}, got ${actual}`,
    );
  }
}

function signatureArchiveSize(signature: RpmHeader): number | undefined {
  return signature.has(RPM_TAG.SIG_LONGARCHIVESIZE)
    ? signature.number(RPM_TAG.SIG_LONGARCHIVESIZE)
    : signature.number(RPM_TAG.SIG_PAYLOADSIZE);
}

/** The model from an already parsed layout plus the file facts (pure). */
export function packageFromLayout(
  layout: RpmLayout,
  file: { readonly size: number; readonly mtimeSeconds: number; readonly checksum: PackageChecksum },
  options: ReadRpmOptions & { readonly locationHref: string },
): RpmPackage {
  const archive = signatureArchiveSize(layout.signature);
  return packageFromHeader(
    layout.header,
    {
      sizePackage: file.size,
      timeFile: file.mtimeSeconds,
      checksum: file.checksum,
      locationHref: options.locationHref,
      ...(options.locationBase ? { locationBase: options.locationBase } : {}),
      headerStart: layout.headerStart,
      headerEnd: layout.headerEnd,
      ...(archive === undefined ? {} : { signatureArchiveSize: archive }),
      leadIsSource: layout.lead.type === 1,
    },
    options,
  );
}

/** Rewraps an error from the parsers so it names the file. */
function withFile(error: unknown, path: string): unknown {
  if (isFerryError(error) && error.code === 'FERRY_RPM_INVALID' && error.file === undefined) {
    return new FerryError('FERRY_RPM_INVALID', error.message, { file: path, cause: error });
  }
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && !isFerryError(error)) {
    return new FerryError('FERRY_RPM_INVALID', `cannot read: ${error.message}`, { file: path, cause: error });
  }
  return error;
}

const FIRST_READ = 64 * 1024;
const CHUNK = 1024 * 1024;

/**
 * Reads one .rpm synchronously (one open, one or two reads for small files,
 * then the rest streamed through the hash). The fastest form when the caller
 * runs many of them in worker threads.
 */
export function readRpmFileSync(path: string, options: ReadRpmOptions = {}): RpmPackage {
  return readRpmFileSyncWithStat(path, options).pkg;
}

/**
 * One buffer per thread for the reads: files are read into it, parsed and
 * hashed, and nothing keeps a view of it afterwards (decoded strings are
 * copies), so thousands of reads allocate no file-sized buffers.
 */
let scratch = Buffer.allocUnsafe(1024 * 1024);

function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/** A file's parsed headers and its own facts, before the package model is built. */
export interface RpmFileRead {
  /** Headers parsed from a per-thread buffer: valid until the next read on this thread. */
  readonly layout: RpmLayout;
  readonly size: number;
  readonly mtimeMs: number;
  readonly checksum: PackageChecksum;
}

/**
 * Reads one .rpm's headers and checksum synchronously (one open, one read for
 * small files, the rest streamed through the hash). Errors are FERRY_RPM_INVALID
 * naming the file. The layout lives in a reused buffer: use it before the
 * next read.
 */
export function readRpmLayoutSync(path: string, options: ReadRpmOptions = {}): RpmFileRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    const size = stat.size;
    const checksumType = options.checksumType ?? 'sha256';
    // Small files are read whole in one call; big ones header first, then streamed through the hash.
    let buf = scratchOf(size <= 4 * CHUNK ? size : FIRST_READ);
    let filled = readFully(fd, buf, 0, size <= 4 * CHUNK ? size : FIRST_READ, 0);
    for (
      let needed = headerEndFrom(buf, filled, size);
      needed > filled;
      needed = headerEndFrom(buf, filled, size)
    ) {
      const bigger = Buffer.allocUnsafe(needed);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
      filled = readFully(fd, buf, filled, needed - filled, filled);
      if (filled < needed) throw rpmFormatError(`truncated at byte ${filled} while reading the headers`);
    }
    const layout = parseRpmLayout(buf.subarray(0, filled), size, options.verifyHeaderDigest ?? true);
    let digest: string;
    if (filled >= size) {
      digest = hash(checksumType, buf.subarray(0, filled), 'hex');
    } else {
      const hasher = createHash(checksumType);
      hasher.update(buf.subarray(0, filled));
      let position = filled;
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, size - position));
      while (position < size) {
        const got = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
        if (got === 0)
          throw rpmFormatError(`truncated at byte ${position} (the file shrank while being read)`);
        hasher.update(got === chunk.length ? chunk : chunk.subarray(0, got));
        position += got;
      }
      digest = hasher.digest('hex');
    }
    return { layout, size, mtimeMs: stat.mtimeMs, checksum: { type: checksumType, value: digest } };
  } catch (error) {
    throw withFile(error, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The model of a file read by readRpmLayoutSync (errors name the file). */
export function packageFromRead(read: RpmFileRead, path: string, options: ReadRpmOptions = {}): RpmPackage {
  try {
    return packageFromLayout(
      read.layout,
      { size: read.size, mtimeSeconds: Math.floor(read.mtimeMs / 1000), checksum: read.checksum },
      { ...options, locationHref: options.locationHref ?? basename(path) },
    );
  } catch (error) {
    throw withFile(error, path);
  }
}

/** readRpmFileSync, also returning the file's mtime in milliseconds (a cache key finer than timeFile). */
export function readRpmFileSyncWithStat(
  path: string,
  options: ReadRpmOptions = {},
): { pkg: RpmPackage; mtimeMs: number } {
  const read = readRpmLayoutSync(path, options);
  return { pkg: packageFromRead(read, path, options), mtimeMs: read.mtimeMs };
}

function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buf, offset + done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return offset + done;
}

/**
 * How many bytes from the start are needed to hold both headers, judged from
 * what is in `buf` so far. Throws when the file itself is too short.
 */
function headerEndFrom(buf: Buffer, filled: number, fileSize: number): number {
  const view = buf.subarray(0, filled);
  parseLead(view);
  const signatureSize = headerSizeAt(view, LEAD_SIZE, 'signature');
  const start = mainHeaderStart(signatureSize);
  if (start + 16 > filled) {
    if (start + 16 > fileSize) {
      throw rpmFormatError(`truncated at byte ${fileSize}: the main header would start at byte ${start}`);
    }
    return Math.min(fileSize, start + 16 + FIRST_READ);
  }
  const end = start + headerSizeAt(view, start, 'main');
  if (end > fileSize) {
    throw rpmFormatError(
      `truncated at byte ${fileSize}: the main header at byte ${start} ends at byte ${end}`,
    );
  }
  return end;
}

/** Reads one .rpm asynchronously (file IO on libuv's thread pool). */
export async function readRpmFile(path: string, options: ReadRpmOptions = {}): Promise<RpmPackage> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      const size = stat.size;
      let buf = Buffer.allocUnsafe(size <= 4 * CHUNK ? size : FIRST_READ);
      let filled = (await handle.read(buf, 0, buf.length, 0)).bytesRead;
      while (true) {
        const needed = headerEndFrom(buf, filled, size);
        if (needed <= filled) break;
        const bigger = Buffer.allocUnsafe(needed);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        while (filled < needed) {
          const { bytesRead } = await handle.read(buf, filled, needed - filled, filled);
          if (bytesRead === 0) throw rpmFormatError(`truncated at byte ${filled} while reading the headers`);
          filled += bytesRead;
        }
      }
      const layout = parseRpmLayout(buf.subarray(0, filled), size, options.verifyHeaderDigest ?? true);
      const hash = createHash(options.checksumType ?? 'sha256');
      hash.update(buf.subarray(0, filled));
      let position = filled;
      const chunk = position < size ? Buffer.allocUnsafe(Math.min(CHUNK, size - position)) : undefined;
      while (chunk && position < size) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - position), position);
        if (bytesRead === 0) break;
        hash.update(chunk.subarray(0, bytesRead));
        position += bytesRead;
      }
      return packageFromLayout(
        layout,
        {
          size,
          mtimeSeconds: Math.floor(stat.mtimeMs / 1000),
          checksum: { type: options.checksumType ?? 'sha256', value: hash.digest('hex') },
        },
        { ...options, locationHref: options.locationHref ?? basename(path) },
      );
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw withFile(error, path);
  }
}
