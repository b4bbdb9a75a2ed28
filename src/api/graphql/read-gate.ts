/**
 * Runs GraphQL's store reads one at a time, each in a turn of the event loop
 * of its own. graphql-js starts every resolver of a selection at once, and
 * on SQLite each read runs synchronously on the one connection: the reads of
 * a few costly queries, chained through promises, would hold the event loop
 * from the first to the last (a health check waited seconds). Through the
 * gate, the next read starts from a setImmediate scheduled once the previous
 * one is over, so the loop polls for I/O (other requests) between any two
 * reads, and reads of concurrent queries take turns in arrival order.
 */
export class ReadGate {
  readonly #queue: (() => Promise<void>)[] = [];
  #running = false;

  run<T>(read: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => read().then(resolve, reject));
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.#next());
      }
    });
  }

  async #next(): Promise<void> {
    const read = this.#queue.shift();
    if (!read) {
      this.#running = false;
      return;
    }
    await read();
    // Scheduled after the read, from its own turn: immediates added while the loop runs
    // immediates wait for the next turn, after the poll for I/O.
    setImmediate(() => void this.#next());
  }

  /** Reads waiting for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }
}
