/**
 * Metadata files are written as a series of gzip members (RFC 1952 allows
 * any number, and zlib's gzread, Python's gzip and Node's gunzip read them as
 * one stream): a member for the opening lines, one per block of packages, one
 * for the closing tag. Block boundaries depend only on the packages
 * themselves (content-defined), so adding or removing one package changes
 * one block, and an update recompresses a few kilobytes instead of the whole
 * file while producing exactly the bytes a full run would.
 */
import { gzip, type ZlibOptions } from 'node:zlib';

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
  keys: readonly { readonly pkgid: string; readonly href: string }[],
): [number, number][] {
  const blocks: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (endsBlock(key.pkgid, key.href)) {
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
