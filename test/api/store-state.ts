import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { StoreApi } from '../../src/store/index.js';

/** Every entry of `repos/` (recursive), symlinks with their targets: a label that moved shows here. */
export async function reposTree(reposDir: string): Promise<string[]> {
  const entries = await readdir(reposDir, { recursive: true });
  const lines: string[] = [];
  for (const entry of entries.sort()) {
    const path = join(reposDir, entry);
    const info = await lstat(path);
    lines.push(info.isSymbolicLink() ? `${entry} -> ${await readlink(path)}` : entry);
  }
  return lines;
}

/**
 * What a refused request must leave as it was: the store's row counts, its
 * newest votes, aggregate votes and promotions, and the `repos/` tree with
 * where every label points. Compare two with toEqual.
 */
export async function storeState(store: StoreApi, reposDir: string) {
  return {
    counts: await store.storeCounts(),
    votes: await store.findVotes({ limit: 5 }),
    aggregateVotes: await store.findAggregateVotes({ limit: 5 }),
    promotions: await store.findPromotions({ limit: 5 }),
    repos: await reposTree(reposDir),
  };
}
