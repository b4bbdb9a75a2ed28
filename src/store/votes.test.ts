import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from './open-store.js';
import type { CommitRecord } from './records.js';

const NOW = 1_700_000_000;

describe.each(TEST_DIALECTS)('votes on %s', (dialect) => {
  let store: Store;
  let c1: CommitRecord;
  let c2: CommitRecord;
  let failed: CommitRecord;
  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
    const base = { projectName: 'foo', distroHash: 'd'.repeat(40), status: 'SUCCESS' as const };
    c1 = await store.recordCommit({
      ...base,
      commitHash: '1'.repeat(40),
      component: 'net',
      dtBuild: NOW - 500,
    });
    c2 = await store.recordCommit({
      ...base,
      commitHash: '2'.repeat(40),
      component: 'compute',
      dtBuild: NOW - 400,
    });
    failed = await store.recordCommit({ ...base, commitHash: '3'.repeat(40), status: 'FAILED' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('records a vote with defaults and reads it back', async () => {
    const vote = await store.recordVote({ commitId: c1.id, ciName: 'job-a', ciVote: true });
    const full = await store.recordVote({
      commitId: c1.id,
      ciName: 'job-b',
      ciUrl: 'https://ci/1',
      ciVote: false,
      ciInProgress: true,
      timestamp: NOW - 5,
      notes: 'running',
      user: 'ci-bot',
      component: 'net',
    });

    expect(vote).toEqual({
      id: vote.id,
      commitId: c1.id,
      ciName: 'job-a',
      ciUrl: '',
      ciVote: true,
      ciInProgress: false,
      timestamp: NOW,
      notes: '',
      user: null,
      component: null,
    });
    expect(await store.votesForCommit(c1.id)).toEqual([vote, full]);
    expect(await store.votesForCommit(c1.id, { success: false })).toEqual([full]);
    expect(await store.votesForCommit(c2.id)).toEqual([]);
  });

  it('finds votes with the GraphQL civote filters, newest id first, paged', async () => {
    const v1 = await store.recordVote({
      commitId: c1.id,
      ciName: 'a',
      ciVote: true,
      timestamp: 100,
      user: 'u1',
    });
    const v2 = await store.recordVote({
      commitId: c1.id,
      ciName: 'b',
      ciVote: false,
      timestamp: 200,
      component: 'x',
    });
    const v3 = await store.recordVote({
      commitId: c2.id,
      ciName: 'a',
      ciVote: true,
      timestamp: 300,
      ciInProgress: true,
    });
    const ids = (list: readonly { id: number }[]) => list.map((v) => v.id);

    expect(ids(await store.findVotes())).toEqual([v3.id, v2.id, v1.id]);
    expect(ids(await store.findVotes({ commitId: c1.id }))).toEqual([v2.id, v1.id]);
    expect(ids(await store.findVotes({ ciName: 'a' }))).toEqual([v3.id, v1.id]);
    expect(ids(await store.findVotes({ ciVote: false }))).toEqual([v2.id]);
    expect(ids(await store.findVotes({ ciInProgress: true }))).toEqual([v3.id]);
    expect(ids(await store.findVotes({ user: 'u1' }))).toEqual([v1.id]);
    expect(ids(await store.findVotes({ component: 'x' }))).toEqual([v2.id]);
    expect(ids(await store.findVotes({ timestamp: { gt: 100, lte: 300 } }))).toEqual([v3.id, v2.id]);
    expect(ids(await store.findVotes({ timestamp: { gte: 100, lt: 300 } }))).toEqual([v2.id, v1.id]);
    expect(ids(await store.findVotes({ timestamp: { eq: 200 } }))).toEqual([v2.id]);
    expect(ids(await store.findVotes({ limit: 1, offset: 1 }))).toEqual([v2.id]);
  });

  it('records several votes in one transaction, in the order given, all or none', async () => {
    const votes = await store.recordVotes([
      { commitId: c2.id, ciName: 'job-b', ciVote: false, timestamp: NOW - 1 },
      { commitId: c1.id, ciName: 'job-a', ciVote: true, user: 'ci-bot', component: 'net' },
    ]);

    expect(votes.map((vote) => [vote.commitId, vote.ciName, vote.ciVote, vote.timestamp])).toEqual([
      [c2.id, 'job-b', false, NOW - 1],
      [c1.id, 'job-a', true, NOW],
    ]);
    expect(votes[1]!.id).toBeGreaterThan(votes[0]!.id);
    expect(await store.votesForCommit(c1.id)).toEqual([votes[1]]);
    // An orphan vote (no such commit) fails the batch: nothing of it is stored.
    await expect(
      store.recordVotes([
        { commitId: c1.id, ciName: 'job-c', ciVote: true },
        { commitId: 999_999, ciName: 'job-d', ciVote: true },
      ]),
    ).rejects.toThrow();
    expect(await store.findVotes({ ciName: 'job-c' })).toEqual([]);
  });

  it('finds the newest vote on a successful commit, with that commit', async () => {
    await store.recordVote({ commitId: c1.id, ciName: 'job', ciVote: true, timestamp: 100 });
    const newest = await store.recordVote({ commitId: c2.id, ciName: 'job', ciVote: false, timestamp: 200 });
    // A vote on a failed build (imported data) is never the answer.
    await store.recordVote({ commitId: failed.id, ciName: 'job', ciVote: true, timestamp: 300 });

    const found = await store.newestVote({ ciName: 'job' });
    const successOnly = await store.newestVote({ ciName: 'job', success: true });
    const tooOld = await store.newestVote({ ciName: 'job', after: 200 });

    expect(found).toEqual({ vote: newest, commit: c2 });
    expect(successOnly?.commit).toEqual(c1);
    expect(tooOld).toBeUndefined();
  });

  it('breaks timestamp ties by the newest id', async () => {
    await store.recordVote({ commitId: c1.id, ciName: 'job', ciVote: true, timestamp: 100 });
    const later = await store.recordVote({ commitId: c2.id, ciName: 'job', ciVote: true, timestamp: 100 });

    expect((await store.newestVote({}))?.vote).toEqual(later);
  });

  describe('lastTestedVote (DLRN last_tested_repo, fallbacks fixed)', () => {
    it('prefers the asked job, never the consistent vote', async () => {
      const mine = await store.recordVote({ commitId: c1.id, ciName: 'job-a', ciVote: true, timestamp: 100 });
      await store.recordVote({ commitId: c2.id, ciName: 'job-b', ciVote: true, timestamp: 200 });
      await store.recordVote({ commitId: c2.id, ciName: 'consistent', ciVote: true, timestamp: 300 });

      const forA = await store.lastTestedVote({ after: 0, jobId: 'job-a' });
      const anyJob = await store.lastTestedVote({ after: 0 });

      expect(forA?.vote).toEqual(mine);
      expect(anyJob?.vote.ciName).toBe('job-b');
    });

    it('falls back to another CI, then to consistent, keeping age, success and component filters', async () => {
      await store.recordVote({
        commitId: c1.id,
        ciName: 'job-b',
        ciVote: false,
        timestamp: 400,
        component: 'net',
      });
      const okB = await store.recordVote({
        commitId: c1.id,
        ciName: 'job-b',
        ciVote: true,
        timestamp: 300,
        component: 'net',
      });
      const cons = await store.recordVote({
        commitId: c2.id,
        ciName: 'consistent',
        ciVote: true,
        timestamp: 350,
        component: 'compute',
      });
      await store.recordVote({
        commitId: c2.id,
        ciName: 'job-c',
        ciVote: true,
        timestamp: 50,
        component: 'compute',
      });

      const otherCi = await store.lastTestedVote({ after: 0, jobId: 'job-x', success: true });
      const otherCiInComponent = await store.lastTestedVote({
        after: 100,
        jobId: 'job-x',
        success: true,
        component: 'compute',
      });
      const nothingNewEnough = await store.lastTestedVote({ after: 400, jobId: 'job-x' });

      expect(otherCi?.vote).toEqual(okB);
      // DLRN's second pass dropped the component filter and its third dropped ci_name = consistent.
      expect(otherCiInComponent?.vote).toEqual(cons);
      expect(nothingNewEnough).toBeUndefined();
    });

    it('uses only the previous job in sequential mode, without fallback', async () => {
      await store.recordVote({ commitId: c2.id, ciName: 'consistent', ciVote: true, timestamp: 500 });
      const prev = await store.recordVote({
        commitId: c1.id,
        ciName: 'stage-1',
        ciVote: true,
        timestamp: 100,
      });

      const found = await store.lastTestedVote({
        after: 0,
        sequential: true,
        previousJobId: 'stage-1',
        jobId: 'x',
      });
      const none = await store.lastTestedVote({ after: 0, sequential: true, previousJobId: 'stage-0' });
      const noPrevious = await store.lastTestedVote({ after: 0, sequential: true });

      expect(found?.vote).toEqual(prev);
      expect(none).toBeUndefined();
      expect(noPrevious).toBeUndefined();
    });
  });

  it('records aggregate votes and answers agg_status and the civoteAgg query', async () => {
    const a1 = await store.recordAggregateVote({
      refHash: 'agg1',
      ciName: 'j1',
      ciVote: true,
      timestamp: 100,
    });
    const a2 = await store.recordAggregateVote({
      refHash: 'agg1',
      ciName: 'j2',
      ciUrl: 'https://ci/2',
      ciVote: false,
      ciInProgress: true,
      timestamp: 150,
      notes: 'n',
      user: 'bot',
    });
    const b1 = await store.recordAggregateVote({
      refHash: 'agg2',
      ciName: 'j1',
      ciVote: true,
      timestamp: 120,
    });
    const ids = (list: readonly { id: number }[]) => list.map((v) => v.id);

    expect(a2).toEqual({
      id: a2.id,
      refHash: 'agg1',
      ciName: 'j2',
      ciUrl: 'https://ci/2',
      ciVote: false,
      ciInProgress: true,
      timestamp: 150,
      notes: 'n',
      user: 'bot',
    });
    expect(await store.aggregateVotes('agg1')).toEqual([a1, a2]);
    expect(await store.aggregateVotes('agg1', { success: true })).toEqual([a1]);
    expect(ids(await store.findAggregateVotes())).toEqual([b1.id, a2.id, a1.id]);
    expect(ids(await store.findAggregateVotes({ refHash: 'agg2' }))).toEqual([b1.id]);
    expect(ids(await store.findAggregateVotes({ ciName: 'j1', timestamp: { lt: 120 } }))).toEqual([a1.id]);
    expect(ids(await store.findAggregateVotes({ ciVote: false, ciInProgress: true, user: 'bot' }))).toEqual([
      a2.id,
    ]);
    // lastRefHash: the hash whose vote is newest by timestamp (agg1 at 150), all its votes.
    expect(ids(await store.findAggregateVotes({ lastRefHash: true }))).toEqual([a2.id, a1.id]);
  });

  it('answers no aggregate votes for lastRefHash on an empty table', async () => {
    expect(await store.findAggregateVotes({ lastRefHash: true })).toEqual([]);
  });

  it('builds the civotes page: newest votes, consistent excluded, grouped by snapshot', async () => {
    await store.recordVote({ commitId: c1.id, ciName: 'a', ciVote: true, timestamp: 100 });
    await store.recordVote({ commitId: c1.id, ciName: 'b', ciVote: false, timestamp: 110 });
    await store.recordVote({ commitId: c2.id, ciName: 'a', ciVote: true, timestamp: 120 });
    await store.recordVote({ commitId: c2.id, ciName: 'consistent', ciVote: true, timestamp: 130 });
    await store.recordVote({ commitId: c1.id, ciName: 'c', ciVote: true, timestamp: 90 });

    const page = await store.repoVotePage();
    const second = await store.repoVotePage({ offset: 2, limit: 2 });

    expect(page).toEqual({
      rows: [
        {
          commitId: c2.id,
          commitHash: c2.commitHash,
          distroHash: c2.distroHash,
          component: 'compute',
          success: 1,
          failure: 0,
          timestamp: 120,
        },
        {
          commitId: c1.id,
          commitHash: c1.commitHash,
          distroHash: c1.distroHash,
          component: 'net',
          success: 2,
          failure: 1,
          timestamp: 110,
        },
      ],
      count: 4,
    });
    expect(second).toEqual({
      rows: [
        {
          commitId: c1.id,
          commitHash: c1.commitHash,
          distroHash: c1.distroHash,
          component: 'net',
          success: 2,
          failure: 0,
          timestamp: 100,
        },
      ],
      count: 2,
    });
  });

  it('builds the civotes_agg page grouped by aggregate hash', async () => {
    await store.recordAggregateVote({ refHash: 'h1', ciName: 'a', ciVote: true, timestamp: 100 });
    await store.recordAggregateVote({ refHash: 'h1', ciName: 'b', ciVote: false, timestamp: 130 });
    await store.recordAggregateVote({ refHash: 'h2', ciName: 'a', ciVote: true, timestamp: 120 });

    expect(await store.aggregateVotePage()).toEqual({
      rows: [
        { refHash: 'h1', success: 1, failure: 1, timestamp: 130 },
        { refHash: 'h2', success: 1, failure: 0, timestamp: 120 },
      ],
      count: 3,
    });
    expect(await store.aggregateVotePage({ offset: 3 })).toEqual({ rows: [], count: 0 });
  });
});
