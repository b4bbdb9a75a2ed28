import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from './open-store.js';
import { seedStore } from './seed-store.js';

describe.each(TEST_DIALECTS)('seedStore on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  it('fills commits and votes that the API queries find', async () => {
    const summary = await seedStore(store, { commits: 500, votes: 3000, now: 1_700_000_000, projects: 20 });

    const counts = await store.storeCounts();
    const sample = summary.samples[0]!;
    const found = await store.findSuccessfulCommit(sample);
    const tested = await store.lastTestedVote({ after: 0, jobId: summary.ciNames[0]! });
    const lastBuilds = await store.lastBuildsPerProject();

    expect(summary).toMatchObject({ commits: 500, votes: 3000, projects: expect.any(Array) as unknown });
    expect(counts.builds).toBe(500);
    expect(counts.succeeded).toBe(summary.successful);
    expect(counts.votes).toBe(3000);
    expect(found?.id).toBe(sample.id);
    expect(tested?.vote.ciName).toBe(summary.ciNames[0]);
    expect(lastBuilds).toHaveLength(20);
    expect(summary.voteTimes[0]).toBeLessThanOrEqual(summary.voteTimes[1]);
  });

  it('is deterministic for a seed and appends after existing rows', async () => {
    const first = await seedStore(store, { commits: 50, votes: 100, now: 1_700_000_000, seed: 7 });

    const second = await seedStore(store, { commits: 50, votes: 100, now: 1_700_000_000, seed: 7 });
    const ids = (await store.findCommits({ order: 'asc' })).map((c) => c.id);
    const next = await store.recordCommit({
      projectName: 'x',
      commitHash: 'a',
      distroHash: 'b',
      status: 'SUCCESS',
    });

    expect(second.successful).toBe(first.successful);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(next.id).toBe(101);
  });
});
