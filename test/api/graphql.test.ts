import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { GRAPHQL_LIMITS } from '../../src/api/graphql/query-limits.js';
import type { Store } from '../../src/store/index.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { NOW, useApiFixture, type ApiFixture } from './api-fixture.js';

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

/** Every read the GraphQL resolvers make of the store, counted. */
function countReads(store: Store): { count: () => number } {
  const methods = [
    'findCommits',
    'findVotes',
    'findAggregateVotes',
    'lastBuildsPerProject',
    'getCommit',
  ] as const;
  const spies = methods.map((method) => vi.spyOn(store, method));
  return { count: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0) };
}

const VOTE_FIELDS = 'id commitId ciName ciUrl ciVote ciInProgress timestamp notes user component';
const COMMIT_FIELDS =
  'id type dtCommit dtDistro dtExtended dtBuild projectName repoDir distgitDir commitHash distroHash extendedHash commitBranch status component artifacts notes flags versionsCsv';

function aliases(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

describe.each(TEST_DIALECTS)('GraphQL limits on %s', (dialect) => {
  const f = useApiFixture(dialect);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const post = async (query: string, variables?: Record<string, unknown>) => {
    const res = await f.inject({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
    });
    return { status: res.statusCode, body: res.json<GraphqlBody>(), bytes: res.body.length };
  };

  it('refuses before running it a query of 5,000 aliases, too many aliases, or one too costly (400 naming the limit)', async () => {
    const reads = countReads(f.store);

    const huge = await post(aliases(5000, 'civote { id }'));
    const many = await post(aliases(16, 'civote(limit: 1) { id }'));
    const costly = await post(aliases(3, `civote { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } }`));
    const tokens = await post(`{ commits { ${'id '.repeat(1200)}} }`);
    const fanOut = await post(
      `{ commits { ...F0 } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Commit { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F20 on Commit { id }`,
    );
    const directives = await post(`{ commits { id ${'@include(if: true) '.repeat(25)} } }`);

    expect(huge.status).toBe(400);
    expect(huge.body.message).toBe(
      `GraphQL query too long: ${aliases(5000, 'civote { id }').length} characters, at most ${GRAPHQL_LIMITS.maxQueryChars}`,
    );
    expect([many.status, many.body.message]).toEqual([400, 'Aliases limit of 15 exceeded, found 16.']);
    expect(costly.status).toBe(400);
    expect(costly.body.message).toMatch(/^Query too costly: estimated cost \d+, at most 10000 /);
    expect(costly.body.errors![0]!.message).toBe(costly.body.message);
    expect([tokens.status, tokens.body.message]).toEqual([
      400,
      'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.',
    ]);
    expect(fanOut.status).toBe(400);
    expect(fanOut.body.message).toMatch(/^Query too large: more than 2000 fields and fragments/);
    expect(directives.status).toBe(400);
    expect(directives.body.message).toMatch(/Directives limit of 20 exceeded/);
    expect(reads.count()).toBe(0);
  });

  it('refuses query text that is JSON (no GraphQL document is) with 400, not 500', async () => {
    const answers = await Promise.all(
      ['0', 'null', '"x"', '{}', '{"kind":"Document","definitions":[]}'].map((q) => post(q)),
    );

    expect(answers.map((answer) => [answer.status, answer.body.message])).toEqual(
      Array(5).fill([400, 'Syntax Error: the query is JSON, not a GraphQL document']),
    );
  });

  it('counts lists by their limit, variables included: the same query is fine for 2 rows, refused for 100', async () => {
    const query = `query q($n: Int) { a: civote(limit: $n) { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } b: civote(limit: $n) { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } c: civote(limit: $n) { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } }`;

    const small = await post(query, { n: 2 });
    const large = await post(query, { n: 100 });
    const unset = await post(query);

    expect(small.status).toBe(200);
    expect(small.body.data!.a).toHaveLength(2);
    expect(large.status).toBe(400);
    expect(large.body.message).toMatch(/^Query too costly/);
    // No limit means DLRN's 100.
    expect(unset.status).toBe(400);
  });

  it("answers DLRN's page queries (one list of 100 rows with their commits)", async () => {
    const votes = await post(`{ civote(offset: 0) { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } }`);
    const commits = await post(`{ commits { ${COMMIT_FIELDS} } }`);
    const status = await post('{ packageStatus { id projectName status lastSuccess firstFailureCommit } }');

    expect([votes.status, commits.status, status.status]).toEqual([200, 200, 200]);
    expect(votes.body.data!.civote).toHaveLength(5);
  });

  it('lets other requests through between the reads of costly queries (reads take turns)', async () => {
    const reads = countReads(f.store);
    const costly = aliases(15, 'civote(user: "nobody", limit: 1) { id }');

    const queries = Array.from({ length: 10 }, () =>
      f.inject({ method: 'GET', url: `/api/graphql?query=${encodeURIComponent(costly)}` }),
    );
    while (reads.count() === 0) await new Promise((resolve) => setImmediate(resolve));
    const health = await f.inject({ method: 'GET', url: '/api/health' });
    const readsBeforeHealth = reads.count();
    const answers = await Promise.all(queries);

    expect(health.statusCode).toBe(200);
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    // 150 reads of the queries and health's own.
    expect(reads.count()).toBe(151);
    // Without turns, health's statement queued behind all 150 reads.
    expect(readsBeforeHealth).toBeLessThan(150);
  });
});

/** GraphQL documents over DLRN's schema, valid or not, with aliases, arguments, fragments and directives. */
function graphqlDocuments(): fc.Arbitrary<string> {
  const name = fc.constantFrom('a', 'b', 'x1', 'commit', 'id', '__typename');
  const scalar = fc.oneof(
    fc.integer({ min: -5, max: 1_000_000 }).map(String),
    fc.constantFrom('true', 'false', 'null', '""', '"%"', '"python-foo"', '"job-a"'),
    fc.string({ maxLength: 12 }).map((text) => JSON.stringify(text)),
  );
  const argument = fc
    .tuple(
      fc.constantFrom(
        'limit',
        'offset',
        'projectName',
        'ciName',
        'ciVote',
        'user',
        'status',
        'extendedHash',
        'refHash',
        'lastRefHash',
        'commitId',
        'timestamp',
        'bogus',
      ),
      scalar,
    )
    .map(([key, value]) => `${key}: ${value}`);
  const args = fc
    .array(argument, { maxLength: 3 })
    .map((list) => (list.length ? `(${list.join(', ')})` : ''));
  const directive = fc.constantFrom('', '', '@include(if: true)', '@skip(if: false)', '@skip(if: true)');
  const voteField = fc.oneof(
    fc.constantFrom(...VOTE_FIELDS.split(' '), 'nope', '__typename'),
    fc.constant(`commit { ${COMMIT_FIELDS} }`),
    fc.constant('commit { id commitHash }'),
  );
  const selection = (fields: fc.Arbitrary<string>) =>
    fc.array(fields, { minLength: 1, maxLength: 12 }).map((list) => `{ ${list.join(' ')} }`);
  const root = fc
    .tuple(
      fc.option(name, { nil: undefined }),
      fc.constantFrom('commits', 'civote', 'civoteAgg', 'packageStatus', 'missing'),
      args,
      directive,
    )
    .chain(([alias, field, list, dir]) =>
      selection(
        field === 'civote'
          ? voteField
          : field === 'commits'
            ? fc.constantFrom(...COMMIT_FIELDS.split(' '))
            : fc.constantFrom('id', 'refHash', 'ciName', 'projectName', 'status', 'lastSuccess'),
      ).map((inner) => `${alias ? `${alias}: ` : ''}${field}${list} ${dir} ${inner}`),
    );
  const operation = fc
    .tuple(
      fc.array(root, { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      fc.constantFrom('', 'query Q', 'mutation M', 'subscription S'),
    )
    .map(([roots, fragment, head]) => {
      const body = `{ ${roots.join(' ')}${fragment ? ' ...Extra' : ''} }`;
      return `${head} ${body}${fragment ? ' fragment Extra on Query { commits(limit: 3) { id } }' : ''}`;
    });
  return fc.oneof(
    { weight: 8, arbitrary: operation },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

describe('GraphQL with generated queries (sqlite)', () => {
  const f: ApiFixture = useApiFixture('sqlite');
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never answers 5xx; refuses costly queries with 400 before any read; bounds what it answers', async () => {
    await fc.assert(
      fc.asyncProperty(graphqlDocuments(), fc.boolean(), async (query, viaGet) => {
        const reads = countReads(f.store);
        const res = viaGet
          ? await f.inject({ method: 'GET', url: `/api/graphql?query=${encodeURIComponent(query)}` })
          : await f.inject({
              method: 'POST',
              url: '/api/graphql',
              headers: { 'content-type': 'application/json' },
              payload: JSON.stringify({ query }),
            });
        const body = res.json<GraphqlBody>();
        const count = reads.count();
        vi.restoreAllMocks();

        expect([200, 400, 405]).toContain(res.statusCode);
        if (res.statusCode !== 200) expect(typeof body.message).toBe('string');
        if (
          /too costly|too large|too long|limit of \d+ exceeded|more that \d+ tokens/.test(body.message ?? '')
        ) {
          expect(count).toBe(0);
        }
        // At most 15 root lists and the commits of 100 votes for each.
        expect(count).toBeLessThanOrEqual(15 * 101 + 2);
        expect(res.body.length).toBeLessThan(2 * 1024 * 1024);
      }),
      { numRuns: 150 },
    );
  });
});
