import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

import { isSha512Crypt, verifySha512Crypt } from './sha512-crypt.js';

/** scrypt cost: N = 2^logN, block size r, parallelism p. */
export interface ScryptParams {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** About 50-100 ms and 32 MiB per hash on one core (OWASP's minimum is logN 17 at r 8 p 1 for interactive logins; the API caches verified credentials, so this is paid once per client). */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

export const PASSWORD_SCHEMES = ['scrypt', 'sha512_crypt', 'unknown'] as const;
export type PasswordScheme = (typeof PASSWORD_SCHEMES)[number];

/** The outcome of a password check. */
export interface PasswordCheck {
  readonly ok: boolean;
  /**
   * The password was right but the hash is of an old scheme (DLRN's
   * sha512_crypt) or weaker parameters: re-hash it with `hashPassword` and
   * store it (`setUserPassword(name, newHash, oldHash)`).
   */
  readonly needsUpgrade: boolean;
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64').replace(/=+$/, '');
}

/**
 * Hashes a password with scrypt into a self-describing string:
 * `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64 without padding), so the
 * parameters can be raised later without breaking stored hashes.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  // A hash the verifier would refuse is never written (it could not be checked, ever).
  if (!acceptedParams(params)) {
    throw new RangeError(
      `scrypt parameters out of bounds (logN 10-20, r 1-32, p 1-16): ${JSON.stringify(params)}`,
    );
  }
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** Bounds that keep a tampered row from asking for gigabytes or hours; hashing stays within them too. */
function acceptedParams(params: ScryptParams): boolean {
  return (
    Number.isInteger(params.logN) &&
    Number.isInteger(params.r) &&
    Number.isInteger(params.p) &&
    params.logN >= 10 &&
    params.logN <= 20 &&
    params.r >= 1 &&
    params.r <= 32 &&
    params.p >= 1 &&
    params.p <= 16
  );
}

const SCRYPT_HASH =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

interface ParsedScrypt {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseScrypt(encoded: string): ParsedScrypt | undefined {
  const match = SCRYPT_HASH.exec(encoded);
  if (!match) return undefined;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (!acceptedParams(params)) return undefined;
  return { params, salt: Buffer.from(match[4]!, 'base64'), key: Buffer.from(match[5]!, 'base64') };
}

/** Which scheme an encoded hash uses (`unknown` never verifies). */
export function passwordScheme(encoded: string): PasswordScheme {
  if (parseScrypt(encoded)) return 'scrypt';
  if (isSha512Crypt(encoded)) return 'sha512_crypt';
  return 'unknown';
}

function weaker(params: ScryptParams, than: ScryptParams): boolean {
  return params.logN < than.logN || params.r < than.r || params.p < than.p;
}

/**
 * Checks a password against an encoded hash: scrypt (ferry's) or sha512_crypt
 * (DLRN's, flagged `needsUpgrade`). The comparison is constant-time; unknown
 * or malformed hashes never match.
 */
export async function verifyPassword(
  password: string,
  encoded: string,
  current: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<PasswordCheck> {
  const parsed = parseScrypt(encoded);
  if (parsed) {
    const key = await scrypt(password, parsed.salt, parsed.params);
    const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
    return { ok, needsUpgrade: ok && weaker(parsed.params, current) };
  }
  if (isSha512Crypt(encoded)) {
    const ok = await verifySha512Crypt(password, encoded);
    return { ok, needsUpgrade: ok };
  }
  // Spend the same work as a real check, so a broken row is not told apart by timing.
  await verifyUnknownUser(password, current);
  return { ok: false, needsUpgrade: false };
}

let dummyHash: Promise<string> | undefined;
let dummyParams: ScryptParams | undefined;

/**
 * Does the work of a password check against a hash nobody knows and returns
 * false: call it when the user does not exist, so "no such user" and "wrong
 * password" take the same time.
 */
export async function verifyUnknownUser(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<false> {
  const same =
    dummyParams !== undefined &&
    dummyParams.logN === params.logN &&
    dummyParams.r === params.r &&
    dummyParams.p === params.p;
  if (!dummyHash || !same) {
    dummyParams = params;
    dummyHash = hashPassword(randomBytes(24).toString('base64'), params);
  }
  const parsed = parseScrypt(await dummyHash)!;
  const key = await scrypt(password, parsed.salt, parsed.params);
  timingSafeEqual(key, parsed.key);
  return false;
}
