/**
 * Change stamps of an SQLite store's tables: a number per table that grows
 * whenever the table may have changed, so a hot lookup can be answered from
 * memory until then (see StampedCache). A table's stamp grows when this
 * connection runs a statement writing it, and every stamp grows when another
 * connection (another process: the chaser, `ferry user passwd`) committed
 * anything, which SQLite's `PRAGMA data_version` tells. A stamp may grow without a change (a write rolled back, another
 * connection's vote); it never stays put across one.
 */

/** The table a data-changing statement writes, `*` when it cannot be told, undefined when it writes none. */
export function writtenTable(sql: string): string | undefined {
  const match = WRITE_TARGET.exec(sql);
  if (match) return (match[1] ?? match[2]!).toLowerCase();
  // Transaction control changes no table by itself; anything else that writes (DDL, WITH … INSERT) may change any.
  return TRANSACTION_CONTROL.test(sql) ? undefined : '*';
}

const WRITE_TARGET =
  /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+(?:"([^"]+)"|([A-Za-z_]\w*))/i;
const TRANSACTION_CONTROL = /^\s*(?:begin|commit|end|rollback|savepoint|release)\b/i;

export class ChangeStamps {
  /** Grows when another connection committed (every table's stamp includes it). */
  #epoch = 0;
  #lastDataVersion: number | undefined;
  readonly #tables = new Map<string, number>();
  readonly #dataVersion: () => number;
  /**
   * data_version is read once per turn of the event loop: after this
   * connection wrote, the first statement of a new read costs tens of µs (it
   * is the largest part of a vote), and everything handled in one turn
   * arrived before that turn began, so it is as recent as its requests.
   */
  #checkedThisTurn = false;
  readonly #nextTurn = (): void => {
    this.#checkedThisTurn = false;
  };

  /** `dataVersion` reads SQLite's `PRAGMA data_version` on the connection being tracked. */
  constructor(dataVersion: () => number) {
    this.#dataVersion = dataVersion;
  }

  /** Notes that this connection is about to run a statement that may write (`readonly` false in SQLite's words). */
  noteWrite(table: string): void {
    if (table === '*') this.#epoch++;
    else this.#tables.set(table, (this.#tables.get(table) ?? 0) + 1);
  }

  /**
   * The current stamp of `table`. Both counters only grow, so their sum
   * changes exactly when one of them did.
   */
  stamp(table: string): number {
    if (!this.#checkedThisTurn) {
      this.#checkedThisTurn = true;
      setImmediate(this.#nextTurn);
      const version = this.#dataVersion();
      if (version !== this.#lastDataVersion) {
        this.#lastDataVersion = version;
        this.#epoch++;
      }
    }
    return this.#epoch + (this.#tables.get(table) ?? 0);
  }
}

/**
 * Values read from one table, each kept with the table's stamp when it was
 * read and answered only while the stamp is unchanged. Bounded: the oldest
 * entries go first.
 */
export class StampedCache<V> {
  readonly #entries = new Map<string, { readonly stamp: number; readonly value: V }>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string, stamp: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.stamp !== stamp) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, stamp: number, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { stamp, value });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * `fetch` answered from memory while `table`'s stamp is unchanged. Only
 * found values are kept (a lookup of something that does not exist yet asks
 * again), frozen so no caller can alter what the next one gets.
 */
export function stampedLookup<A extends unknown[], R extends object>(
  stamps: ChangeStamps,
  table: string,
  max: number,
  keyOf: (...args: A) => string,
  fetch: (...args: A) => Promise<R | undefined>,
): (...args: A) => Promise<R | undefined> {
  const cache = new StampedCache<R>(max);
  return async (...args) => {
    const key = keyOf(...args);
    // Taken before the read: a write that lands while it runs leaves the entry already stale.
    const stamp = stamps.stamp(table);
    const hit = cache.get(key, stamp);
    if (hit !== undefined) return hit;
    const value = await fetch(...args);
    if (value !== undefined) cache.set(key, stamp, Object.freeze(value));
    return value;
  };
}
