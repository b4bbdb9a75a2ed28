import { setTimeout as sleep } from 'node:timers/promises';

/** Limits of the password checks a server runs (the cached path of known credentials is never limited). */
export interface LoginThrottleOptions {
  /** Failed logins a client may make in a burst (default 10). */
  readonly failureBurst?: number;
  /** Seconds after which one failure is forgiven (default 6: ten a minute). */
  readonly refillSeconds?: number;
  /** Password checks computed at once (default 1: the other cores are for requests). */
  readonly concurrency?: number;
  /** Checks that may wait for one of those; more are refused at once (default 16). */
  readonly maxWaiting?: number;
  /** Clients remembered (default 10,000; the fullest buckets are forgotten first). */
  readonly maxClients?: number;
  /** Milliseconds clock (tests). */
  readonly now?: () => number;
}

/** A refusal: the client should come back after this many seconds (HTTP 429, Retry-After). */
export interface Throttled {
  readonly retryAfter: number;
  readonly reason: string;
}

/** Leave to compute one password check; `done(ok)` ends it (a success gives the failure back). */
export interface CheckPermit {
  done(ok: boolean): void;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Bounds what wrong passwords can cost. Each client (address) has a bucket
 * of failures, refilled over time: a check that may fail takes one and a
 * success gives it back, so a client guessing passwords is answered 429
 * without any hashing once its bucket is empty, whatever user names it
 * tries; other clients, and every client's cached credentials, are not
 * affected (nobody is locked out because someone else guesses). Checks
 * themselves (scrypt, DLRN's sha512_crypt) run at most `concurrency` at
 * once with a bounded queue, so they never pile up behind each other.
 */
export class LoginThrottle {
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(options: LoginThrottleOptions = {}) {
    this.#burst = options.failureBurst ?? 10;
    this.#refillMs = (options.refillSeconds ?? 6) * 1000;
    this.#concurrency = options.concurrency ?? 1;
    this.#maxWaiting = options.maxWaiting ?? 16;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Asks to check a password for `client`: a permit once a check slot is
   * free, or a refusal (bucket empty, or too many checks waiting).
   */
  async admit(client: string): Promise<CheckPermit | Throttled> {
    const bucket = this.#bucket(client);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil(((1 - bucket.tokens) * this.#refillMs) / 1000));
      return { retryAfter, reason: `Too many failed logins from this address: retry in ${retryAfter} s` };
    }
    if (this.#running >= this.#concurrency && this.#waiting.length >= this.#maxWaiting) {
      return { retryAfter: 1, reason: 'Too many logins being checked: retry in 1 s' };
    }
    bucket.tokens -= 1;
    if (this.#running < this.#concurrency) this.#running++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let finished = false;
    return {
      done: (ok) => {
        if (finished) return;
        finished = true;
        if (ok) bucket.tokens = Math.min(this.#burst, bucket.tokens + 1);
        const next = this.#waiting.shift();
        if (next) next();
        else this.#running--;
      },
    };
  }

  /** Clients whose failures are remembered (bounded by `maxClients`). */
  get clients(): number {
    return this.#buckets.size;
  }

  #bucket(client: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(client);
    if (!bucket) {
      bucket = { tokens: this.#burst, updated: now };
      if (this.#buckets.size >= this.#maxClients) this.#forgetFullest(now);
    } else {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updated) / this.#refillMs);
      bucket.updated = now;
      // Re-inserted below: the Map's order is the order of last use.
      this.#buckets.delete(client);
    }
    this.#buckets.set(client, bucket);
    return bucket;
  }

  /** Bounded memory: buckets refilled by now are forgotten (no loss), else the least recently used. */
  #forgetFullest(now: number): void {
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updated) / this.#refillMs >= this.#burst)
        this.#buckets.delete(client);
    }
    while (this.#buckets.size >= this.#maxClients) this.#buckets.delete(this.#buckets.keys().next().value!);
  }
}

/** Tells a permit from a refusal. */
export function isThrottled(result: CheckPermit | Throttled): result is Throttled {
  return 'retryAfter' in result;
}

/**
 * Makes every failed login take the same time, whoever the user and however
 * the stored hash is made: a wrong password for a DLRN user (sha512_crypt,
 * over a second of CPU) and for a name that does not exist (an scrypt
 * against a dummy hash, tens of ms) both answer after `floor()`: the slowest
 * check seen for any scheme (a few per scheme remembered), with a margin.
 */
export class FailureTiming {
  readonly #minimumMs: number;
  readonly #recent = new Map<string, number[]>();

  constructor(minimumMs = 0) {
    this.#minimumMs = minimumMs;
  }

  /** Records how long a check of `scheme` took (ms). */
  observe(scheme: string, ms: number): void {
    const list = this.#recent.get(scheme) ?? [];
    list.push(ms);
    if (list.length > 8) list.shift();
    this.#recent.set(scheme, list);
  }

  /** The time every failed login takes, at least (ms). */
  floor(): number {
    let slowest = 0;
    for (const list of this.#recent.values()) for (const ms of list) slowest = Math.max(slowest, ms);
    return Math.max(this.#minimumMs, Math.ceil(slowest * 1.25));
  }

  /** Waits until `floor()` has passed since `startedAt` (performance.now() ms). */
  async pad(startedAt: number): Promise<void> {
    const left = this.floor() - (performance.now() - startedAt);
    if (left > 0) await sleep(left);
  }
}
