import { timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** DLRN's password hashes: sha512_crypt (`$6$[rounds=N$]salt$hash`), as passlib and crypt(3) write them. */
export const SHA512_CRYPT = /^\$6\$(?:rounds=(\d{1,9})\$)?([./0-9A-Za-z]{0,16})\$([./0-9A-Za-z]{86})$/;

export function isSha512Crypt(encoded: string): boolean {
  return SHA512_CRYPT.test(encoded);
}

/**
 * The worker computes with the maintained `unixcrypt` library. passlib's
 * default of 656,000 rounds takes seconds of CPU: on the main thread it would
 * stall every other request, and repeated wrong logins would stall the server.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module).then(({ encrypt }) => {
  parentPort.postMessage({ hash: encrypt(workerData.password, workerData.salt) });
}).catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

function unixcryptUrl(): string {
  return import.meta.resolve('unixcrypt');
}

function computeInWorker(password: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: unixcryptUrl(), password, salt },
    });
    worker.once('message', (message: { hash?: string; error?: string }) => {
      void worker.terminate();
      if (message.hash !== undefined) resolve(message.hash);
      else reject(new Error(message.error ?? 'sha512_crypt failed'));
    });
    worker.once('error', reject);
  });
}

/**
 * Checks a password against a sha512_crypt hash in constant time (for a given
 * hash). Malformed hashes never match.
 */
export async function verifySha512Crypt(password: string, encoded: string): Promise<boolean> {
  if (!isSha512Crypt(encoded)) return false;
  const salt = encoded.slice(0, encoded.lastIndexOf('$'));
  let computed: string;
  try {
    computed = await computeInWorker(password, salt);
  } catch {
    return false;
  }
  const expected = Buffer.from(encoded, 'utf8');
  const actual = Buffer.from(computed, 'utf8');
  // Equal lengths for timingSafeEqual; a length mismatch still costs one comparison.
  if (actual.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(actual, expected);
}
