import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { findCommitsQuery } from './commits.js';
import { connectDatabase, openStore } from './open-store.js';
import { seedStore } from './seed-store.js';
import { findVotesQuery } from './votes.js';

const dir = await tempDir('ferry-inline-limits-');
const url = `sqlite:${join(dir, 'limits.db')}`;

describe('InlineLimitsPlugin (SQLite)', () => {
  beforeAll(async () => {
    const store = await openStore(url);
    await seedStore(store, { commits: 200, votes: 600, now: 1_700_000_000 });
    await store.close();
  });

  it('writes LIMIT and OFFSET into the SQL text, so SQLite does not re-prepare the statement on each run', async () => {
    const { db } = await connectDatabase(url);
    try {
      const compiled = findVotesQuery(db, { ciVote: true, limit: 7, offset: 3 }).compile();

      expect(compiled.sql).toMatch(/ limit 7 offset 3$/);
      expect(compiled.parameters).toEqual([1]);
    } finally {
      await db.destroy();
    }
  });

  it('returns the same rows as bound limits do (the page is the same page)', async () => {
    const { db } = await connectDatabase(url);
    try {
      const withPlugin = await findCommitsQuery(db, { limit: 5, offset: 10 }).execute();
      const plain = await findCommitsQuery(db.withoutPlugins(), { limit: 5, offset: 10 }).execute();
      const all = await findCommitsQuery(db.withoutPlugins(), {}).execute();

      expect(withPlugin).toHaveLength(5);
      expect(withPlugin).toEqual(plain);
      expect(withPlugin).toEqual(all.slice(10, 15));
    } finally {
      await db.destroy();
    }
  });
});
