import { randomBytes } from 'node:crypto';

import {
  hashPassword,
  isValidUserName,
  passwordScheme,
  verifyPassword,
  verifyUnknownUser,
  type Role,
  type ScryptParams,
} from '../../auth/index.js';
import type { StoreApi } from '../../store/index.js';
import { MAX_CREDENTIAL_BYTES, parseBasicCredentials } from './basic-credentials.js';
import { CredentialCache, hashFingerprint } from './credential-cache.js';
import { FailureTiming, isThrottled, LoginThrottle } from './login-throttle.js';

/** Who made a request. */
export type Identity =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly name: string; readonly role: Role }
  | { readonly kind: 'rejected'; readonly reason: string }
  /** Too many failed logins from the client, or too many checks under way: 429 with Retry-After. */
  | { readonly kind: 'throttled'; readonly reason: string; readonly retryAfter: number };

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
  /** Limits of uncached password checks (per-client failures, checks at once). */
  readonly throttle?: LoginThrottle;
  /** Equal time for every failed login (default: the slowest check seen, at least 0 ms). */
  readonly failureTiming?: FailureTiming;
}

/**
 * HTTP Basic authentication against the store's users. Every request with
 * credentials reads the user's row (from memory while the users table is
 * unchanged: StoreApi.getUser); the password hash
 * is computed only on a cache miss (see CredentialCache). A DLRN
 * sha512_crypt hash (or a weaker scrypt) is replaced by a current scrypt hash
 * after the first successful login. Unknown users cost the same work as a
 * wrong password, and every failed check answers after the same time
 * (FailureTiming), so neither a user's existence nor the scheme of their hash
 * shows. A failure never touches cached credentials: a flood of wrong
 * passwords for a user does not slow that user's correct requests. Uncached
 * checks are throttled per client and bounded in number (LoginThrottle).
 * Login attempts that reach the hash are logged (user, outcome, method,
 * path, address), never the password nor the hash.
 */
export class Authenticator {
  readonly #store: StoreApi;
  readonly #logger: AuthLogger;
  readonly #params: ScryptParams | undefined;
  readonly #cache: CredentialCache;
  readonly #throttle: LoginThrottle;
  readonly #timing: FailureTiming;
  /** Verifications under way, so a burst of requests with new credentials hashes once. */
  readonly #inFlight = new Map<string, Promise<Outcome>>();

  constructor(options: AuthenticatorOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#params = options.scryptParams;
    this.#cache = options.cache ?? new CredentialCache();
    this.#throttle = options.throttle ?? new LoginThrottle();
    this.#timing = options.failureTiming ?? new FailureTiming();
  }

  /**
   * Times one check of each scheme the store's users have (DLRN's
   * sha512_crypt at the largest rounds found), so failed logins take the
   * same time from the first one on. Runs in the background at start-up.
   */
  async calibrate(): Promise<void> {
    const users = await this.#store.listUsers();
    const samples = new Map<string, string>();
    for (const user of users) {
      const scheme = passwordScheme(user.passwordHash);
      const known = samples.get(scheme);
      if (known === undefined || user.passwordHash.length > known.length)
        samples.set(scheme, user.passwordHash);
    }
    const guess = randomBytes(12).toString('base64');
    let started = performance.now();
    await verifyUnknownUser(guess, this.#params);
    this.#timing.observe('unknown', performance.now() - started);
    for (const [scheme, hash] of samples) {
      started = performance.now();
      await verifyPassword(guess, hash, this.#params);
      this.#timing.observe(scheme, performance.now() - started);
    }
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
      pending = this.#check(user, password, key, attempt()).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const outcome = await pending;
    if (outcome !== true) {
      return outcome === false ? { kind: 'rejected', reason: 'Invalid credentials' } : outcome;
    }
    // Re-read: the role may have changed while the hash was computed.
    const current = await this.#store.getUser(user);
    return current
      ? { kind: 'user', name: current.name, role: current.role }
      : { kind: 'rejected', reason: 'Invalid credentials' };
  }

  /** An uncached check: admitted by the throttle, computed, and if it fails answered after the common floor. */
  async #check(user: string, password: string, key: string, context: AttemptContext): Promise<Outcome> {
    const permit = await this.#throttle.admit(context.ip);
    if (isThrottled(permit)) {
      this.#logger.info(
        { event: 'login', user, success: false, throttled: true, ...context },
        'login refused: too many attempts',
      );
      return { kind: 'throttled', reason: permit.reason, retryAfter: permit.retryAfter };
    }
    const started = performance.now();
    let ok = false;
    try {
      ok = await this.#verify(user, password, key, context);
    } finally {
      permit.done(ok);
    }
    if (!ok) await this.#timing.pad(started);
    return ok;
  }

  async #verify(user: string, password: string, key: string, context: AttemptContext): Promise<boolean> {
    const row = await this.#store.getUser(user);
    // A failure leaves the cache alone: a correct password cached for this user stays valid
    // (a changed password is caught by the hash fingerprint, not by failures).
    const started = performance.now();
    if (!row) {
      await verifyUnknownUser(password, this.#params);
      this.#timing.observe('unknown', performance.now() - started);
      this.#logger.info({ event: 'login', user, success: false, ...context }, 'login failed');
      return false;
    }
    const check = await verifyPassword(password, row.passwordHash, this.#params);
    this.#timing.observe(passwordScheme(row.passwordHash), performance.now() - started);
    if (!check.ok) {
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

/** What a check concluded: the password is right, wrong, or was not checked (throttled). */
type Outcome = boolean | Extract<Identity, { kind: 'throttled' }>;

/** A user name fit for the log: bounded, control characters escaped. */
function safeUser(name: string): string {
  return JSON.stringify(name.slice(0, 64)).slice(1, -1);
}
