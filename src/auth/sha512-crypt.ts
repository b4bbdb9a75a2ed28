import { timingSafeEqual } from 'node:crypto';

import { exec } from '../util/exec.js';

/** DLRN's password hashes: sha512_crypt (`$6$[rounds=N$]salt$hash`), as passlib and crypt(3) write them. */
export const SHA512_CRYPT = /^\$6\$(?:rounds=(\d{1,9})\$)?([./0-9A-Za-z]{0,16})\$([./0-9A-Za-z]{86})$/;

/** crypt(3)'s default when a hash names no rounds. */
const DEFAULT_ROUNDS = 5_000;

/**
 * The most rounds verified: passlib's default is 656,000 (about 0.3 s of CPU
 * in OpenSSL here). A row asking for more (up to the format's 999,999,999,
 * minutes of CPU) never matches instead of occupying a process.
 */
export const MAX_SHA512_ROUNDS = 1_000_000;

export function isSha512Crypt(encoded: string): boolean {
  return SHA512_CRYPT.test(encoded);
}

/** The rounds a sha512_crypt hash asks for (undefined for another string). */
export function sha512Rounds(encoded: string): number | undefined {
  const match = SHA512_CRYPT.exec(encoded);
  if (!match) return undefined;
  return match[1] === undefined ? DEFAULT_ROUNDS : Number(match[1]);
}

/** How many checks run at once: the machine's cores are for the requests too. */
const AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * The hash `openssl passwd -6` computes for a password and a salt (with its
 * `rounds=N$` prefix). OpenSSL's sha-crypt is C, about ten times faster than
 * a JavaScript one, and runs in its own process, off the event loop. The
 * password goes through stdin (never the command line, which `ps` shows).
 */
async function opensslSha512Crypt(password: string, salt: string): Promise<string> {
  const { stdout } = await withSlot(() =>
    exec('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
      input: `${password}\n`,
      timeoutMs: 60_000,
      maxOutputBytes: 4096,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    }),
  );
  return stdout.trim();
}

/**
 * Checks a password against a sha512_crypt hash in constant time (for a given
 * hash). Malformed hashes, hashes with an empty salt (neither passlib nor
 * crypt(3) writes one), hashes of more than MAX_SHA512_ROUNDS rounds, and
 * passwords holding a line break or NUL (`openssl passwd -stdin` reads one
 * line; crypt(3) stops at NUL) never match: such users set a new password
 * with `ferry user passwd`.
 */
export async function verifySha512Crypt(password: string, encoded: string): Promise<boolean> {
  const match = SHA512_CRYPT.exec(encoded);
  const rounds = sha512Rounds(encoded);
  if (!match || rounds === undefined || rounds > MAX_SHA512_ROUNDS || match[2] === '') return false;
  if (/[\r\n\0]/.test(password)) return false;
  const salt = encoded.slice('$6$'.length, encoded.lastIndexOf('$'));
  let computed: string;
  try {
    computed = await opensslSha512Crypt(password, salt);
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
