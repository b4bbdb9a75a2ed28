/**
 * One bounded HTTP(S) GET for repository metadata and .repo files: a
 * response that stalls, or grows past what is expected, ends with a
 * FERRY_REPODATA_INVALID naming the URL instead of hanging or filling memory.
 */
import { FerryError } from '../errors.js';

/** Limits of the metadata reads over HTTP(S). */
export interface HttpLimits {
  /**
   * Milliseconds without progress (connecting, waiting for headers, or
   * between two chunks of the body) before a read is abandoned; dnf's
   * `timeout` (default 30 s) has the same meaning.
   */
  readonly timeoutMs?: number;
  /** Largest body accepted when the size is not known in advance (default 1 GiB). */
  readonly maxBytes?: number;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
export const DEFAULT_HTTP_MAX_BYTES = 1024 * 1024 * 1024;

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * The body of `url`. `maxBytes` overrides the limit for this read (a size
 * repomd.xml declares, say). Throws FERRY_REPODATA_INVALID on a network
 * error, an HTTP status other than 2xx, no progress for `timeoutMs`, or a
 * body larger than allowed.
 */
export async function httpGet(url: string, limits: HttpLimits = {}, maxBytes?: number): Promise<Buffer> {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const limit = maxBytes ?? limits.maxBytes ?? DEFAULT_HTTP_MAX_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // Restarted at every sign of progress: a slow but moving download is not cut short.
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const fail = (reason: string, cause?: unknown): FerryError =>
    new FerryError('FERRY_REPODATA_INVALID', `cannot fetch ${url}: ${reason}`, { cause });
  const stalled = (): FerryError => fail(`no response for ${timeoutMs / 1000} s`);
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (error) {
      throw timedOut ? stalled() : fail(reasonOf(error), error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`${declared} bytes, more than the ${limit} expected`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      const body: AsyncIterable<Uint8Array> = response.body ?? (async function* () {})();
      for await (const chunk of body) {
        arm();
        total += chunk.byteLength;
        if (total > limit) {
          controller.abort();
          throw fail(`more than the ${limit} bytes expected`);
        }
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    } catch (error) {
      if (error instanceof FerryError) throw error;
      throw timedOut ? stalled() : fail(reasonOf(error), error);
    }
    return Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
  }
}
