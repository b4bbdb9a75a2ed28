import { describe, expect, it } from 'vitest';

import { TEST_DIALECTS } from '../helpers/databases.js';
import { NOW, useApiFixture } from './api-fixture.js';

interface GraphqlBody {
  data?: Record<string, Record<string, unknown>[] | null> | null;
  errors?: { message: string }[];
  message?: string;
}

/** DLRN's GraphQL queries (dlrn/tests/test_graphql.py's cases, on ferry's fixture). */
describe.each(TEST_DIALECTS)('GraphQL on %s', (dialect) => {
  const f = useApiFixture(dialect, {
    packages: () => Promise.resolve(['python-foo', 'python-baz', 'python-qux', 'python-new']),
  });

  const query = async (text: string) => {
    const res = await f.inject({ method: 'GET', url: `/api/graphql?query=${encodeURIComponent(text)}` });
    return { status: res.statusCode, body: res.json<GraphqlBody>() };
  };

  it('commits: every build, newest first, with relay ids and camelCase fields', async () => {
    const all = await query('{ commits { id commitHash status projectName dtBuild component } }');
    const first = all.body.data!.commits![0]!;

    expect(all.status).toBe(200);
    expect(all.body.data!.commits).toHaveLength(8);
    expect(first).toEqual({
      id: Buffer.from(`Commit:${f.commits.retry.id}`).toString('base64'),
      commitHash: f.commits.retry.commitHash,
      status: 'RETRY',
      projectName: 'python-qux',
      dtBuild: NOW - 3600,
      component: null,
    });
  });

  it('commits: filters, limit and offset', async () => {
    const foo = await query('{ commits(projectName: "python-foo") { commitHash } }');
    const failed = await query('{ commits(status: "FAILED") { projectName } }');
    const component = await query('{ commits(component: "tripleo") { projectName } }');
    const byHash = await query(
      `{ commits(commitHash: "${f.commits.bar.commitHash}", extendedHash: "${f.commits.bar.extendedHash!}") { distroHash } }`,
    );
    const page = await query('{ commits(limit: 2, offset: 1) { projectName } }');
    const capped = await query('{ commits(limit: 1000) { id } }');
    const unknownStatus = await query('{ commits(status: "BROKEN") { id } }');
    const prefix = f.commits.bar.extendedHash!.slice(0, 10);
    const like = await query(`{ commits(extendedHash: "${prefix}%") { projectName } }`);
    const noMatch = await query('{ commits(extendedHash: "abcdef%") { projectName } }');

    expect(foo.body.data!.commits).toHaveLength(2);
    expect(failed.body.data!.commits).toEqual([{ projectName: 'python-baz' }]);
    expect(component.body.data!.commits).toEqual([{ projectName: 'python-tht' }]);
    expect(byHash.body.data!.commits).toEqual([{ distroHash: f.commits.bar.distroHash }]);
    expect(page.body.data!.commits).toEqual([{ projectName: 'python-nova' }, { projectName: 'python-tht' }]);
    expect(capped.body.data!.commits).toHaveLength(8);
    expect(unknownStatus.body.data!.commits).toEqual([]);
    expect(like.body.data!.commits).toEqual([{ projectName: 'python-bar' }]);
    expect(noMatch.body.data!.commits).toEqual([]);
  });

  it('civote: filters, where on timestamps, and the commit of each vote', async () => {
    const all = await query('{ civote { ciName ciVote commit { commitHash distroHash } } }');
    const failing = await query('{ civote(ciVote: false) { ciName notes } }');
    const where = await query(
      `{ civote(where: { timestamp: { gt: ${NOW - 2500}, lte: ${NOW - 1000} } }) { ciName timestamp } }`,
    );
    const eq = await query(`{ civote(timestamp: ${NOW - 500}) { ciName component user } }`);
    const conflicting = await query(
      `{ civote(timestamp: ${NOW - 500}, where: { timestamp: { eq: 5 } }) { ciName } }`,
    );
    const byCommit = await query(`{ civote(commitId: ${f.commits.foo.id}, limit: 1) { ciName } }`);

    expect(all.body.data!.civote).toHaveLength(5);
    expect(all.body.data!.civote![0]).toEqual({
      ciName: 'job-c',
      ciVote: true,
      commit: { commitHash: f.commits.tripleo.commitHash, distroHash: f.commits.tripleo.distroHash },
    });
    expect(failing.body.data!.civote).toEqual([{ ciName: 'job-b', notes: 'failed <b>tempest</b>' }]);
    expect(where.body.data!.civote).toEqual([
      { ciName: 'job-b', timestamp: NOW - 1000 },
      { ciName: 'job-a', timestamp: NOW - 2000 },
    ]);
    expect(eq.body.data!.civote).toEqual([{ ciName: 'job-c', component: 'tripleo', user: 'writer' }]);
    expect(conflicting.body.data!.civote).toEqual([]);
    expect(byCommit.body.data!.civote).toEqual([{ ciName: 'job-a' }]);
  });

  it('civoteAgg: filters and lastRefHash', async () => {
    await f.store.recordAggregateVote({ refHash: 'old', ciName: 'a', ciVote: true, timestamp: NOW - 100 });
    await f.store.recordAggregateVote({ refHash: 'new', ciName: 'b', ciVote: false, timestamp: NOW - 10 });
    await f.store.recordAggregateVote({ refHash: 'new', ciName: 'c', ciVote: true, timestamp: NOW - 20 });

    const all = await query('{ civoteAgg { refHash ciName } }');
    const last = await query('{ civoteAgg(lastRefHash: true) { refHash ciName } }');
    const both = await query('{ civoteAgg(lastRefHash: true, refHash: "old") { refHash } }');

    expect(all.body.data!.civoteAgg).toHaveLength(3);
    expect(last.body.data!.civoteAgg).toEqual([
      { refHash: 'new', ciName: 'c' },
      { refHash: 'new', ciName: 'b' },
    ]);
    expect(both.body.errors![0]!.message).toMatch(/cannot be provided in the same query/);
  });

  it('packageStatus: the last build of every package of the catalog', async () => {
    const all = await query('{ packageStatus { id projectName status lastSuccess firstFailureCommit } }');
    const failed = await query('{ packageStatus(status: "FAILED") { projectName } }');
    const one = await query('{ packageStatus(projectName: "python-foo") { status } }');

    expect(all.body.data!.packageStatus).toEqual([
      { id: '0', projectName: 'python-foo', status: 'SUCCESS', lastSuccess: null, firstFailureCommit: null },
      {
        id: '1',
        projectName: 'python-baz',
        status: 'FAILED',
        lastSuccess: '1970-01-01T00:00:00',
        firstFailureCommit: f.commits.baz.commitHash,
      },
      {
        id: '2',
        projectName: 'python-qux',
        status: 'RETRY',
        lastSuccess: '1970-01-01T00:00:00',
        firstFailureCommit: f.commits.retry.commitHash,
      },
      { id: '3', projectName: 'python-new', status: 'NO_BUILD', lastSuccess: null, firstFailureCommit: null },
    ]);
    expect(failed.body.data!.packageStatus).toEqual([{ projectName: 'python-baz' }]);
    expect(one.body.data!.packageStatus).toEqual([{ status: 'SUCCESS' }]);
  });

  it('POST with a JSON body and variables', async () => {
    const res = await f.inject({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        query: 'query q($p: String) { commits(projectName: $p) { projectName } }',
        variables: { p: 'python-bar' },
      }),
    });

    expect(res.statusCode).toBe(200);
    expect(res.json<GraphqlBody>().data!.commits).toEqual([{ projectName: 'python-bar' }]);
  });

  it('answers 400 for an invalid query, with GraphQL errors and a message', async () => {
    const bad = await query('{ foo { id } }');
    const badFilter = await query('{ commits(projectName: 3) { id } }');

    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Cannot query field "foo"/);
    expect(bad.body.errors![0]!.message).toMatch(/Cannot query field "foo"/);
    expect(badFilter.status).toBe(400);
  });
});
