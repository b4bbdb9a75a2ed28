import { join } from 'node:path';

import { CompiledQuery, sql, type Compilable, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { postgresTestDatabase, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { findCommitsQuery, successfulCommitQuery } from './commits.js';
import { buildMetricsQuery } from './metrics.js';
import { connectDatabase, openStore } from './open-store.js';
import { lastBuildsQuery, newestBuildRefsQuery } from './newest-builds.js';
import { findPromotionsQuery } from './promotions.js';
import type { Database } from './schema.js';
import { seedStore } from './seed-store.js';
import type { StoreDialect } from './store-url.js';
import { repoVotePageQuery } from './vote-pages.js';
import { newestVoteQuery, votesForCommitQuery } from './votes.js';

/**
 * The plan of a store query. PostgreSQL is told to avoid sequential scans, so
 * a small test table still shows which index the query can use; bench/store
 * prints the unforced plans at the API bench's size.
 */
async function planOf(db: Kysely<Database>, dialect: StoreDialect, query: Compilable): Promise<string> {
  const compiled = query.compile();
  return db.connection().execute(async (conn) => {
    if (dialect === 'sqlite') {
      const result = await conn.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
      );
      return result.rows.map((row) => row.detail).join('\n');
    }
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const result = await conn.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain (costs off) ${compiled.sql}`, [...compiled.parameters]),
      );
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await sql`reset enable_seqscan`.execute(conn);
    }
  });
}

const dir = await tempDir('ferry-store-plans-');

describe.each(TEST_DIALECTS)('query plans on %s', (dialect) => {
  let db: Kysely<Database>;
  let sample: { commitHash: string; distroHash: string; id: number };
  const uses = (plan: string, index: string) => expect(plan).toMatch(new RegExp(`\\b${index}\\b`));

  beforeAll(async () => {
    const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'plans.db')}` : await postgresTestDatabase();
    const store = await openStore(url);
    const seeded = await seedStore(store, { commits: 2000, votes: 10_000, now: 1_700_000_000 });
    await store.close();
    sample = seeded.samples[0]!;
    db = (await connectDatabase(url)).db;
    await sql`analyze`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('last_tested_repo by job: newest vote of a CI name after a time', async () => {
    const plan = await planOf(
      db,
      dialect,
      newestVoteQuery(db, { ciName: 'ci-job-3', after: 1_699_000_000, success: true }),
    );

    uses(plan, 'civotes_ci_name_ts_id');
  });

  it('last_tested_repo for any job: newest vote, consistent excluded', async () => {
    const plan = await planOf(db, dialect, newestVoteQuery(db, { excludeCiName: 'consistent', after: 0 }));

    uses(plan, 'civotes_ts_id');
  });

  it('last_tested_repo by component', async () => {
    const plan = await planOf(db, dialect, newestVoteQuery(db, { component: 'compute', after: 0 }));

    uses(plan, 'civotes_component_ts_id');
  });

  it('report_result, promote, repo_status: the successful commit of a hash pair', async () => {
    const plan = await planOf(db, dialect, successfulCommitQuery(db, sample));

    uses(plan, 'commits_hashes');
  });

  it('repo_status: the votes of one commit', async () => {
    const plan = await planOf(db, dialect, votesForCommitQuery(db, sample.id, true));

    uses(plan, 'civotes_commit');
  });

  it('promotions by name, newest first', async () => {
    const plan = await planOf(
      db,
      dialect,
      findPromotionsQuery(db, { promotionName: 'current-tripleo', limit: 1 }),
    );

    uses(plan, 'promotions_name_id');
  });

  it('the last successful build of a package', async () => {
    const plan = await planOf(
      db,
      dialect,
      findCommitsQuery(db, { project: 'python-seed7', status: 'SUCCESS', limit: 1 }),
    );

    uses(plan, 'commits_type_project_status_id');
  });

  it('the newest build of every package', async () => {
    const plan = await planOf(db, dialect, lastBuildsQuery(db, { withoutStatus: 'RETRY' }));

    uses(plan, 'commits_type_project_status_id');
  });

  it('the newest builds of every package, as each publish reads them: seeks, not a pass over the history', async () => {
    for (const query of [
      lastBuildsQuery(db, { withoutStatus: 'RETRY' }),
      newestBuildRefsQuery(db, { type: 'rpm', status: 'SUCCESS' }),
    ]) {
      const plan = await planOf(db, dialect, query);
      uses(plan, 'commits_type_project_status_id');
      if (dialect === 'sqlite') {
        // The walk: the next package is one seek past the previous one.
        expect(plan).toContain('project_name>?');
        expect(plan).not.toMatch(/GROUP BY/);
      } else {
        expect(plan).toMatch(/Recursive Union/);
        // Grouping is over the walked packages' ids at most, never over the builds by package.
        expect(plan).not.toMatch(/Group Key: [\w.]*project_name/);
      }
    }
  });

  it('metrics/builds over a period', async () => {
    const plan = await planOf(
      db,
      dialect,
      buildMetricsQuery(db, { start: 1_699_000_000, end: 1_699_100_000 }),
    );

    expect(plan).toMatch(/\bcommits_(status_build|dt_build)\b/);
  });

  it('the civotes page', async () => {
    const plan = await planOf(db, dialect, repoVotePageQuery(db, 0, 100));

    uses(plan, 'civotes_ts_id');
  });
});
