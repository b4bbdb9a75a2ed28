/**
 * Metadata files are written as a series of gzip members (RFC 1952 allows
 * any number, and zlib's gzread, Python's gzip and Node's gunzip read them as
 * one stream): a member for the opening lines, one per block of packages, one
 * for the closing tag. Block boundaries depend only on the packages
 * themselves (content-defined), so adding or removing one package changes
 * one block, and an update recompresses a few kilobytes instead of the whole
 * file while producing exactly the bytes a full run would.
 */
import { crc32, gzip, type ZlibOptions } from 'node:zlib';

/**
 * Average packages per block. 64 keeps most blocks well above deflate's 32 KiB
 * window (files within 5% of one gzip stream at the same level) while an
 * update recompresses only ~150 KB.
 */
export const BLOCK_MASK = 63;

/** FNV-1a over a string: a stable, well spread 32-bit hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Whether a block ends after the package with this id (and href). */
export function endsBlock(pkgid: string, href: string): boolean {
  return (fnv1a(pkgid) ^ fnv1a(href)) % (BLOCK_MASK + 1) === 0;
}

/** Half-open index ranges [start, end) of the blocks of a package list. */
export function planBlocks(
  keys: readonly { readonly pkgid: string; readonly href: string; readonly blockEnd?: boolean }[],
): [number, number][] {
  const blocks: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.blockEnd ?? endsBlock(key.pkgid, key.href)) {
      blocks.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < keys.length) blocks.push([start, keys.length]);
  return blocks;
}

/** Compresses one member on libuv's thread pool. */
export function gzipMember(data: Uint8Array, level: number): Promise<Buffer> {
  const options: ZlibOptions = { level, memLevel: 9 };
  return new Promise((resolve, reject) => {
    gzip(data, options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A gzip member holding `data` in stored (uncompressed) deflate blocks: for
 * the few hundred bytes of a file's opening and closing lines, where running
 * a compressor costs more than it saves.
 */
export function storedGzipMember(data: Uint8Array): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  const out = Buffer.alloc(10 + blocks * 5 + data.length + 8);
  // Header: magic, deflate, no flags, mtime 0, no extra flags, OS unix (as zlib writes it).
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  let at = 10;
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * 0xffff, Math.min(data.length, (b + 1) * 0xffff));
    out[at] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(chunk.length, at + 1);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 3);
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  out.writeUInt32LE(crc32(data) >>> 0, at);
  out.writeUInt32LE(data.length >>> 0, at + 4);
  return out;
}
