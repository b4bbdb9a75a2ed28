/**
 * Decompression of metadata files by their content (magic bytes), with the
 * file name as a hint: gzip (zlib, any number of members), xz (xz-decompress,
 * WebAssembly), zstd (fzstd; Node 20's zlib has none), bzip2 is reported as
 * unsupported, anything else is taken as plain XML. zchunk (.zck) files are
 * not read: every repository that has them also lists the same data
 * gzip/xz/zstd-compressed.
 */
import { gunzip } from 'node:zlib';

import { FerryError } from '../errors.js';

export const COMPRESSIONS = ['gz', 'xz', 'zst', 'bz2', 'zck', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Detects the compression of a file from its first bytes. */
export function detectCompression(data: Uint8Array): Compression {
  if (data[0] === 0x1f && data[1] === 0x8b) return 'gz';
  if (data[0] === 0xfd && data[1] === 0x37 && data[2] === 0x7a && data[3] === 0x58 && data[4] === 0x5a)
    return 'xz';
  if (data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd) return 'zst';
  if (data[0] === 0x42 && data[1] === 0x5a && data[2] === 0x68) return 'bz2';
  if (data[0] === 0x00 && data[1] === 0x5a && data[2] === 0x43 && data[3] === 0x4b) return 'zck';
  return 'none';
}

async function unxz(data: Uint8Array): Promise<Buffer> {
  // Loaded on demand: the WebAssembly module costs tens of milliseconds to set up.
  const { default: xz } = (await import('xz-decompress')) as {
    default: { XzReadableStream: new (stream: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };
  };
  const stream = new xz.XzReadableStream(new Blob([data]).stream());
  return Buffer.from(await new Response(stream).arrayBuffer());
}

async function unzstd(data: Uint8Array): Promise<Buffer> {
  const { decompress } = await import('fzstd');
  const out = decompress(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Decompresses a metadata file; `file` names it in errors. */
export async function decompressMetadata(data: Uint8Array, file: string): Promise<Buffer> {
  const kind = detectCompression(data);
  try {
    switch (kind) {
      case 'gz':
        return await new Promise<Buffer>((resolve, reject) =>
          gunzip(data, (error, result) => (error ? reject(error) : resolve(result))),
        );
      case 'xz':
        return await unxz(data);
      case 'zst':
        return await unzstd(data);
      case 'none':
        return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      default:
        throw new FerryError(
          'FERRY_UNSUPPORTED',
          `${kind === 'zck' ? 'zchunk' : 'bzip2'}-compressed metadata is not supported; use the gz, xz or zst variant`,
          { file },
        );
    }
  } catch (error) {
    if (error instanceof FerryError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FerryError('FERRY_REPODATA_INVALID', `cannot decompress (${kind}): ${reason}`, {
      file,
      cause: error,
    });
  }
}
