import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { openTestStore, postgresTestDatabase, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { storeMigrations } from './migrations/index.js';
import { connectDatabase, openStore } from './open-store.js';
import type { Database } from './schema.js';

/** 2100-01-01: the time of the vote the hardening issue quotes. */
const YEAR_2100 = 4_102_444_800;

/** A database at the schema of 0002 (what ferry wrote before migration 0003), and its URL. */
async function oldStore(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; db: Kysely<Database> }> {
  const url =
    dialect === 'sqlite' ? `sqlite:${await tempDir('ferry-store-')}/old.db` : await postgresTestDatabase();
  const { db } = await connectDatabase(url);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(storeMigrations(dialect)) },
  });
  const result = await migrator.migrateTo('0002-query-order-indexes');
  expect(result.error).toBeUndefined();
  return { url, db };
}

const commit = (
  id: number,
  status: string,
  extra: { readonly component?: string; readonly dt_commit?: number } = {},
) => ({
  id,
  project_name: `p${id}`,
  commit_hash: `c${id}c${id}c${id}`,
  distro_hash: `d${id}d${id}d${id}`,
  status,
  dt_build: 50 + id,
  ...extra,
});

const vote = (id: number, commitId: number, ciName: string, timestamp: number, user: string | null) => ({
  id,
  commit_id: commitId,
  ci_name: ciName,
  ci_url: '',
  ci_vote: ciName === 'consistent' && user === null ? 1 : 0,
  ci_in_progress: 0,
  timestamp,
  notes: '',
  user,
  component: commitId === 3 ? 'compute' : null,
});

describe.each(TEST_DIALECTS)('migration 0003 (trusted labels) on %s', (dialect) => {
  it('removes client votes under reserved names and votes out of time range, keeps them, and seeds consistent', async () => {
    const { url, db } = await oldStore(dialect);
    await db
      .insertInto('commits')
      .values([
        commit(1, 'SUCCESS'),
        commit(2, 'SUCCESS'),
        commit(3, 'SUCCESS', { component: 'compute' }),
        commit(4, 'FAILED'),
        commit(5, 'SUCCESS', { dt_commit: 9e12 }),
      ])
      .execute();
    await db
      .insertInto('promotions')
      .values({ id: 1, commit_id: 1, promotion_name: 'tripleo-ci-testing', timestamp: 90, user: 'admin' })
      .execute();
    await db
      .insertInto('civotes')
      .values([
        // The chaser's own votes (no user): consistent moved 1 -> 2, and to 3 in compute.
        vote(1, 1, 'consistent', 100, null),
        vote(2, 2, 'consistent', 200, null),
        vote(3, 3, 'consistent', 150, null),
        // The issue's vote: a write user's `consistent`, failed, dated 2100, on build 1.
        vote(4, 1, 'consistent', YEAR_2100, 'mallory'),
        vote(5, 2, 'current', 300, 'mallory'),
        vote(6, 1, 'tripleo-ci-testing', 250, 'mallory'),
        vote(7, 1, 'job-a', 260, 'writer'),
        vote(8, 2, 'job-b', 9e12, 'writer'),
        vote(9, 2, 'job-b', -9.99e12, 'writer'),
      ])
      .execute();
    await db
      .insertInto('civotes_agg')
      .values([
        { id: 1, ref_hash: 'a1', ci_name: 'job-a', ci_vote: 1, ci_in_progress: 0, timestamp: 270, user: 'w' },
        {
          id: 2,
          ref_hash: 'a1',
          ci_name: 'consistent',
          ci_vote: 1,
          ci_in_progress: 0,
          timestamp: 280,
          user: 'w',
        },
        {
          id: 3,
          ref_hash: 'a1',
          ci_name: 'job-a',
          ci_vote: 1,
          ci_in_progress: 0,
          timestamp: 9e12,
          user: 'w',
        },
      ])
      .execute();
    await db.destroy();

    const store = await openStore(url);
    const votes = await store.findVotes({ limit: 100 });
    const aggregate = await store.findAggregateVotes({ limit: 100 });
    const consistent = await store.labelTarget('consistent');
    const consistentCompute = await store.labelTarget('consistent', 'compute');
    const problems = await store.storeProblems(Math.floor(Date.now() / 1000));
    const { db: check } = await connectDatabase(url);
    const repaired = await check.selectFrom('repaired_rows').selectAll().orderBy('id').execute();
    await check.destroy();
    await store.close();

    expect(votes.map((v) => v.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 7]);
    expect(aggregate.map((v) => v.id)).toEqual([1]);
    expect(consistent?.id).toBe(2);
    expect(consistentCompute?.id).toBe(3);
    expect(repaired.map((r) => [r.table_name, r.row_id, r.migration])).toEqual([
      ['civotes', 4, '0003-trusted-labels'],
      ['civotes', 5, '0003-trusted-labels'],
      ['civotes', 6, '0003-trusted-labels'],
      ['civotes', 8, '0003-trusted-labels'],
      ['civotes', 9, '0003-trusted-labels'],
      ['civotes_agg', 2, '0003-trusted-labels'],
      ['civotes_agg', 3, '0003-trusted-labels'],
    ]);
    expect(repaired.map((r) => r.reason)).toEqual([
      expect.stringMatching(
        /^a client's vote under the reserved job name "consistent"; timestamp 4102444800 outside \[0, \d+\]$/,
      ),
      'a client\'s vote under the reserved job name "current"',
      'a client\'s vote under the reserved job name "tripleo-ci-testing"',
      expect.stringMatching(/^timestamp 9000000000000 outside/),
      expect.stringMatching(/^timestamp -9990000000000 outside/),
      'a client\'s vote under the reserved job name "consistent"',
      expect.stringMatching(/^timestamp 9000000000000 outside/),
    ]);
    expect(JSON.parse(repaired[0]!.row_json)).toMatchObject({
      id: 4,
      commit_id: 1,
      ci_name: 'consistent',
      timestamp: YEAR_2100,
      user: 'mallory',
    });
    // What it may not rewrite (a build's commit time comes from git) is left to `ferry status`.
    expect(problems.map((p) => [p.table, p.count])).toEqual([['commits', 1]]);
    expect(problems[0]!.problem).toMatch(/^builds with a commit or build time outside/);
  });

  it('repairs more votes than one batch, in one pass, keeping the good ones between them', async () => {
    const { url, db } = await oldStore(dialect);
    await db.insertInto('commits').values(commit(1, 'SUCCESS')).execute();
    const rows = Array.from({ length: 1234 }, (_, i) =>
      vote(i + 1, 1, i % 3 === 0 ? 'job-ok' : 'consistent', i % 3 === 0 ? 1000 + i : 9e12 + i, 'mallory'),
    );
    for (let i = 0; i < rows.length; i += 300)
      await db
        .insertInto('civotes')
        .values(rows.slice(i, i + 300))
        .execute();
    await db.destroy();

    const store = await openStore(url);
    const counts = await store.storeCounts();
    const { db: check } = await connectDatabase(url);
    const repaired = await check.selectFrom('repaired_rows').select('row_id').orderBy('row_id').execute();
    await check.destroy();
    await store.close();

    expect(counts.votes).toBe(412);
    expect(repaired.map((r) => r.row_id)).toEqual(rows.filter((_, i) => i % 3 !== 0).map((row) => row.id));
  });
});

describe.each(TEST_DIALECTS)('trusted labels on %s', (dialect) => {
  it("labelTarget follows the chaser's label moves only, newest first, per component or overall", async () => {
    const store = await openTestStore(dialect);
    const a = await store.recordCommit({
      projectName: 'a',
      commitHash: 'aaaa1',
      distroHash: 'd1',
      status: 'SUCCESS',
    });
    const b = await store.recordCommit({
      projectName: 'b',
      commitHash: 'bbbb1',
      distroHash: 'd1',
      status: 'SUCCESS',
    });
    const c = await store.recordCommit({
      projectName: 'c',
      commitHash: 'cccc1',
      distroHash: 'd1',
      status: 'SUCCESS',
      component: 'compute',
    });
    const before = await store.labelTarget('consistent');
    await store.recordLabelMove({ label: 'consistent', commitId: b.id });
    await store.recordLabelMove({ label: 'consistent', commitId: c.id, component: 'compute' });
    await store.recordLabelMove({ label: 'consistent', commitId: a.id });
    // A client's vote, however new, moves nothing.
    await store.recordVote({
      commitId: b.id,
      ciName: 'consistent',
      ciVote: true,
      timestamp: YEAR_2100,
      user: 'm',
    });

    const overall = await store.labelTarget('consistent');
    const compute = await store.labelTarget('consistent', 'compute');
    const other = await store.labelTarget('current');
    await store.close();

    expect(before).toBeUndefined();
    expect(overall?.id).toBe(a.id);
    expect(compute?.id).toBe(c.id);
    expect(other).toBeUndefined();
  });

  it('reserves current, consistent and every promotion name (exactly) as job names', async () => {
    const store = await openTestStore(dialect);
    const a = await store.recordCommit({
      projectName: 'a',
      commitHash: 'aaaa1',
      distroHash: 'd1',
      status: 'SUCCESS',
    });
    await store.recordPromotion({ commitId: a.id, promotionName: 'tripleo-ci-testing' });

    const answers = await Promise.all(
      ['current', 'consistent', 'tripleo-ci-testing', 'Consistent', 'job-a', 'tripleo-ci-testing '].map(
        (name) => store.isReservedJobName(name),
      ),
    );
    await store.close();

    expect(answers).toEqual([true, true, true, false, false, false]);
  });

  it('reserves a name from the promotion that makes it a label on, though it was asked before', async () => {
    const store = await openTestStore(dialect);
    const a = await store.recordCommit({
      projectName: 'a',
      commitHash: 'aaaa1',
      distroHash: 'd1',
      status: 'SUCCESS',
    });

    const before = await store.isReservedJobName('rc-passed');
    await store.recordPromotion({ commitId: a.id, promotionName: 'rc-passed' });
    const after = await store.isReservedJobName('rc-passed');
    await store.close();

    expect([before, after]).toEqual([false, true]);
  });

  it('storeProblems counts the rows ferry refuses today, such as an import brings, and changes nothing', async () => {
    const now = 1_700_000_000;
    const store = await openTestStore(dialect);
    const a = await store.recordCommit({
      projectName: 'a',
      commitHash: 'aaaa1',
      distroHash: 'd1',
      status: 'SUCCESS',
      dtBuild: now + 2 * 86_400,
    });
    await store.recordPromotion({ commitId: a.id, promotionName: 'old-name', timestamp: -5 });
    await store.recordVote({ commitId: a.id, ciName: 'consistent', ciVote: true, timestamp: now }); // the chaser's
    await store.recordVote({ commitId: a.id, ciName: 'old-name', ciVote: true, timestamp: now, user: 'u' });
    await store.recordVote({
      commitId: a.id,
      ciName: 'job',
      ciVote: true,
      timestamp: now + 86_401,
      user: 'u',
    });
    await store.recordAggregateVote({
      refHash: 'h',
      ciName: 'current',
      ciVote: true,
      timestamp: now,
      user: 'u',
    });

    const problems = await store.storeProblems(now);
    const again = await store.storeProblems(now);
    const votes = await store.findVotes();
    await store.close();

    expect(problems.map((p) => [p.table, p.count])).toEqual([
      ['civotes', 1],
      ['civotes', 1],
      ['civotes_agg', 1],
      ['promotions', 1],
      ['commits', 1],
    ]);
    expect(problems[0]!.problem).toMatch(/reserved job name/);
    expect(problems[1]!.problem).toMatch(/timestamp outside/);
    expect(again).toEqual(problems);
    expect(votes).toHaveLength(3);
  });
});
