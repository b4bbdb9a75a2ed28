import {
  hashPassword,
  isValidUserName,
  verifyPassword,
  verifyUnknownUser,
  type Role,
  type ScryptParams,
} from '../../auth/index.js';
import type { StoreApi } from '../../store/index.js';
import { MAX_CREDENTIAL_BYTES, parseBasicCredentials } from './basic-credentials.js';
import { CredentialCache, hashFingerprint } from './credential-cache.js';

/** Who made a request. */
export type Identity =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly name: string; readonly role: Role }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Where a login attempt came from, for the log. */
export interface AttemptContext {
  readonly method: string;
  readonly path: string;
  readonly ip: string;
}

/** The part of pino the authenticator logs through. */
export interface AuthLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  debug(object: Record<string, unknown>, message: string): void;
  /** pino's: lets the hot path skip building a debug line nobody reads. */
  isLevelEnabled?(level: string): boolean;
}

export interface AuthenticatorOptions {
  readonly store: StoreApi;
  readonly logger: AuthLogger;
  /** Parameters new hashes get, and below which a stored hash is upgraded (default src/auth's). */
  readonly scryptParams?: ScryptParams;
  readonly cache?: CredentialCache;
}

/**
 * HTTP Basic authentication against the store's users. Every request with
 * credentials reads the user's row (from memory while the users table is
 * unchanged: StoreApi.getUser); the password hash
 * is computed only on a cache miss (see CredentialCache). A DLRN
 * sha512_crypt hash (or a weaker scrypt) is replaced by a current scrypt hash
 * after the first successful login. Unknown users cost the same work as a
 * wrong password. Login attempts that reach the hash are logged (user,
 * outcome, method, path, address), never the password nor the hash.
 */
export class Authenticator {
  readonly #store: StoreApi;
  readonly #logger: AuthLogger;
  readonly #params: ScryptParams | undefined;
  readonly #cache: CredentialCache;
  /** Verifications under way, so a burst of requests with new credentials hashes once. */
  readonly #inFlight = new Map<string, Promise<boolean>>();

  constructor(options: AuthenticatorOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#params = options.scryptParams;
    this.#cache = options.cache ?? new CredentialCache();
  }

  get cache(): CredentialCache {
    return this.#cache;
  }

  /**
   * Identifies the sender of a request from its Authorization header.
   * `attempt` describes the request for the log; it is called only when a
   * line is logged (not for the cached logins of every request).
   */
  async identify(header: string | undefined, attempt: () => AttemptContext): Promise<Identity> {
    const credentials = parseBasicCredentials(header);
    if (credentials === undefined) return { kind: 'anonymous' };
    if (credentials === null) {
      this.#logger.info(
        { event: 'login', success: false, reason: 'malformed', ...attempt() },
        'login failed',
      );
      return { kind: 'rejected', reason: 'Invalid Authorization header: use HTTP Basic credentials' };
    }
    const { user, password } = credentials;
    if (
      !isValidUserName(user) ||
      Buffer.byteLength(password, 'utf8') > MAX_CREDENTIAL_BYTES ||
      password === ''
    ) {
      this.#logger.info(
        { event: 'login', user: safeUser(user), success: false, ...attempt() },
        'login failed',
      );
      return { kind: 'rejected', reason: 'Invalid credentials' };
    }
    const key = this.#cache.keyOf(user, password);
    const row = await this.#store.getUser(user);
    if (row && this.#cache.matches(key, user, hashFingerprint(row.passwordHash))) {
      if (this.#logger.isLevelEnabled?.('debug') ?? true) {
        this.#logger.debug({ event: 'login', user, success: true, cached: true, ...attempt() }, 'login');
      }
      return { kind: 'user', name: row.name, role: row.role };
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#verify(user, password, key, attempt()).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    if (!(await pending)) return { kind: 'rejected', reason: 'Invalid credentials' };
    // Re-read: the role may have changed while the hash was computed.
    const current = await this.#store.getUser(user);
    return current
      ? { kind: 'user', name: current.name, role: current.role }
      : { kind: 'rejected', reason: 'Invalid credentials' };
  }

  async #verify(user: string, password: string, key: string, context: AttemptContext): Promise<boolean> {
    const row = await this.#store.getUser(user);
    if (!row) {
      this.#cache.forgetUser(user);
      await verifyUnknownUser(password, this.#params);
      this.#logger.info({ event: 'login', user, success: false, ...context }, 'login failed');
      return false;
    }
    const check = await verifyPassword(password, row.passwordHash, this.#params);
    if (!check.ok) {
      this.#cache.forgetUser(user);
      this.#logger.info({ event: 'login', user, success: false, ...context }, 'login failed');
      return false;
    }
    let verifiedHash = row.passwordHash;
    let upgraded = false;
    if (check.needsUpgrade) {
      const fresh = await hashPassword(password, this.#params);
      // Conditional on the old hash: a concurrent `ferry user passwd` wins.
      upgraded = await this.#store.setUserPassword(user, fresh, row.passwordHash);
      if (upgraded) verifiedHash = fresh;
    }
    this.#cache.remember(key, user, hashFingerprint(verifiedHash));
    this.#logger.info(
      { event: 'login', user, success: true, ...(upgraded ? { hashUpgraded: true } : {}), ...context },
      upgraded ? 'login, password hash upgraded to scrypt' : 'login',
    );
    return true;
  }
}

/** A user name fit for the log: bounded, control characters escaped. */
function safeUser(name: string): string {
  return JSON.stringify(name.slice(0, 64)).slice(1, -1);
}
