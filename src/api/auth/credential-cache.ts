import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a cache entry remembers of a successful login: whose, and which stored hash it matched. */
interface CachedLogin {
  readonly user: string;
  /** sha256 of the stored password hash the password was verified against. */
  readonly fingerprint: Buffer;
}

/** sha256 of an encoded password hash: the cache keeps this, never the hash. */
export function hashFingerprint(encodedHash: string): Buffer {
  // The one-shot hash: this runs on every authenticated request.
  return hash('sha256', encodedHash, 'buffer');
}

/**
 * Verified credentials, so the password hash (scrypt, or DLRN's
 * sha512_crypt) is paid once per client rather than per request.
 *
 * Keys are HMAC-SHA256 of user and password under a random key made when the
 * process starts: the cache never holds a password nor anything that could
 * be checked against one offline, and the key dies with the process. An
 * entry also remembers a fingerprint of the stored hash it was verified
 * against; the authenticator compares it with the user's current row on
 * every request, so a password change (by `ferry user passwd` in another
 * process, or a removed user) drops the entry at once. Only successful
 * logins are cached, and at most `maxEntries` (least recently used go first).
 */
export class CredentialCache {
  readonly #key = randomBytes(32);
  readonly #entries = new Map<string, CachedLogin>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** The cache key of a user and password (keyed hash; separator-safe). */
  keyOf(user: string, password: string): string {
    // One update of one string: every authenticated request computes this.
    return createHmac('sha256', this.#key)
      .update(`${Buffer.byteLength(user, 'utf8')}:${user}${password}`, 'utf8')
      .digest('base64url');
  }

  /**
   * True when this key was verified for `user` against the hash whose
   * fingerprint is given (constant-time comparison). A stale entry is dropped.
   */
  matches(key: string, user: string, fingerprint: Buffer): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    if (entry.user !== user || !timingSafeEqual(entry.fingerprint, fingerprint)) {
      this.#entries.delete(key);
      return false;
    }
    // Refresh its place in the LRU order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return true;
  }

  remember(key: string, user: string, fingerprint: Buffer): void {
    this.#entries.delete(key);
    this.#entries.set(key, { user, fingerprint });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Drops every entry of a user (password changed, user removed). */
  forgetUser(user: string): void {
    for (const [key, entry] of this.#entries) if (entry.user === user) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
