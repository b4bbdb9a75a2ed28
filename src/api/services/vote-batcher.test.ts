import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore } from '../../../test/helpers/databases.js';
import type { CommitRecord, Store, StoreApi } from '../../store/index.js';
import { VoteBatcher } from './vote-batcher.js';

describe('VoteBatcher (SQLite store)', () => {
  let store: Store;
  let commit: CommitRecord;
  let batches: number[];
  let counted: StoreApi;
  beforeEach(async () => {
    store = await openTestStore('sqlite');
    commit = await store.recordCommit({
      projectName: 'foo',
      commitHash: '1'.repeat(40),
      distroHash: 'd'.repeat(40),
      status: 'SUCCESS',
    });
    batches = [];
    // The real store, with its batch calls counted.
    counted = {
      ...store,
      recordVotes: (inputs) => {
        batches.push(inputs.length);
        return store.recordVotes(inputs);
      },
    };
  });
  afterEach(async () => {
    await store.close();
  });

  it('writes the votes recorded in one turn of the event loop in one call, each caller getting its own vote', async () => {
    const batcher = new VoteBatcher(counted, { maxBatch: 1000 });

    const recorded = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        batcher.record({ commitId: commit.id, ciName: `job-${i}`, ciVote: i % 2 === 0 }),
      ),
    );
    const later = await batcher.record({ commitId: commit.id, ciName: 'job-later', ciVote: true });

    expect(batches).toEqual([40]);
    expect(recorded.map((vote) => vote.ciName)).toEqual(Array.from({ length: 40 }, (_, i) => `job-${i}`));
    expect(recorded.map((vote) => vote.ciVote)).toEqual(Array.from({ length: 40 }, (_, i) => i % 2 === 0));
    expect(later.ciName).toBe('job-later');
    const stored = await store.votesForCommit(commit.id);
    expect(stored).toHaveLength(41);
    expect(stored).toEqual([...recorded, later]);
  });

  it('writes a batch as soon as maxBatch votes wait, the rest after the turn', async () => {
    const batcher = new VoteBatcher(counted, { maxBatch: 16 });

    const recorded = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        batcher.record({ commitId: commit.id, ciName: `job-${i}`, ciVote: true }),
      ),
    );

    expect(batches).toEqual([16, 16, 8]);
    expect(recorded.map((vote) => vote.ciName)).toEqual(Array.from({ length: 40 }, (_, i) => `job-${i}`));
    expect(await store.votesForCommit(commit.id)).toEqual(recorded);
  });

  it('fails only the bad vote of a batch; the others are recorded once', async () => {
    const batcher = new VoteBatcher(counted);

    const results = await Promise.allSettled([
      batcher.record({ commitId: commit.id, ciName: 'good-1', ciVote: true }),
      batcher.record({ commitId: 424_242, ciName: 'orphan', ciVote: true }),
      batcher.record({ commitId: commit.id, ciName: 'good-2', ciVote: false }),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/i);
    expect((await store.votesForCommit(commit.id)).map((vote) => vote.ciName)).toEqual(['good-1', 'good-2']);
  });
});
