import type { StoreApi, StoreCounts } from '../../store/index.js';

/** The counts /metrics reports, bumped by the API's own writes between refreshes. */
export type CountName = keyof StoreCounts;

/**
 * Build, vote and promotion counts for /metrics without counting the tables
 * on every scrape: the store is counted at most once per `maxAgeSeconds`
 * (the chaser, another process, adds builds), and the API's own writes bump
 * the cached numbers at once, so a scrape right after a vote sees it.
 * Concurrent scrapes share one recount.
 */
export class CountsCache {
  readonly #store: StoreApi;
  readonly #maxAgeMs: number;
  #counts: StoreCounts | undefined;
  #countedAt = 0;
  #refreshing: Promise<StoreCounts> | undefined;

  constructor(store: StoreApi, maxAgeSeconds: number) {
    this.#store = store;
    this.#maxAgeMs = maxAgeSeconds * 1000;
  }

  /** Current counts: cached when fresh enough, else recounted. */
  async get(now = Date.now()): Promise<StoreCounts> {
    if (this.#counts && now - this.#countedAt < this.#maxAgeMs) return this.#counts;
    this.#refreshing ??= this.#refresh(now).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(now: number): Promise<StoreCounts> {
    const counts = await this.#store.storeCounts();
    this.#counts = counts;
    this.#countedAt = now;
    return counts;
  }

  /**
   * Records writes the API made (n rows of one kind). A write that races a
   * recount may be missed until the next one; the numbers never drift
   * further than one refresh period.
   */
  add(name: CountName, n = 1): void {
    if (!this.#counts) return;
    this.#counts = { ...this.#counts, [name]: this.#counts[name] + n };
    if (name === 'succeeded' || name === 'failed' || name === 'retry') {
      this.#counts = { ...this.#counts, builds: this.#counts.builds + n };
    }
  }
}
