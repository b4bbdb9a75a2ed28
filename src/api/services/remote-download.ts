import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import { HttpError } from '../http-error.js';
import { RefusedImport } from './imported-commit.js';

/** How remote/import talks to the other instance. */
export interface RemoteClient {
  readonly fetch: typeof fetch;
  /** Per download, ms. */
  readonly timeoutMs: number;
}

/** 502: the other instance could not be read (network, timeout, an HTTP error other than 404). */
export function upstreamError(message: string, cause?: unknown): HttpError {
  return new HttpError(502, `Remote import failed: ${message}`, cause === undefined ? {} : { cause });
}

class TooLarge extends Error {}

/**
 * GETs `url`: the response, or null for a 404 (the file is not there). A
 * network failure, a timeout or another HTTP error is a 502; a declared
 * length over `limit` refuses the import.
 */
export async function fetchRemote(
  client: RemoteClient,
  url: string,
  limit: number,
  timeoutMs = client.timeoutMs,
): Promise<Response | null> {
  let response: Response;
  try {
    response = await client.fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw upstreamError(`cannot fetch ${url}: ${(error as Error).message}`, error);
  }
  if (response.status === 404) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw upstreamError(`${url} answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new RefusedImport(url, [`larger than ${limit} bytes`]);
  }
  return response;
}

/** What was saved: its size and the digests asked for (hex). */
export interface SavedFile {
  readonly size: number;
  readonly digests: Readonly<Record<string, string>>;
}

/**
 * Streams a response body into `target` (a file of the staging directory,
 * which is removed as a whole on failure), at most `limit` bytes, computing
 * the given digests (`sha256`, the repodata's checksum type) on the way.
 */
export async function saveResponse(
  response: Response,
  target: string,
  options: { readonly url: string; readonly limit: number; readonly digests?: readonly string[] },
): Promise<SavedFile> {
  const hashes = new Map<string, Hash>();
  for (const type of options.digests ?? []) if (!hashes.has(type)) hashes.set(type, createHash(type));
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.limit) {
        callback(new TooLarge());
        return;
      }
      for (const hash of hashes.values()) hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    if (!response.body) throw new Error('empty response');
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(target),
    );
  } catch (error) {
    await rm(target, { force: true });
    if (error instanceof TooLarge)
      throw new RefusedImport(options.url, [`larger than ${options.limit} bytes`]);
    throw upstreamError(`cannot download ${options.url}: ${(error as Error).message}`, error);
  }
  const digests: Record<string, string> = {};
  for (const [type, hash] of hashes) digests[type] = hash.digest('hex');
  return { size, digests };
}

/** A small response body as text, at most `limit` bytes (a missing Content-Length does not lift the bound). */
export async function readBody(response: Response, limit: number, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (response.body) {
      for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new TooLarge();
        chunks.push(chunk as Buffer);
      }
    }
  } catch (error) {
    if (error instanceof TooLarge) throw new RefusedImport(url, [`larger than ${limit} bytes`]);
    throw upstreamError(`cannot download ${url}: ${(error as Error).message}`, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}
