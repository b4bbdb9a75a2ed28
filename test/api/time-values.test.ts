import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatUnixTime, isoSeconds } from '../../src/util/time-range.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { NOW, post, useApiFixture, type ApiFixture } from './api-fixture.js';
import { storeState } from './store-state.js';

const DAY = 86_400;
const AGGREGATE = 'b'.repeat(32);

/** Time values the hardening issue quotes, and their neighbours. */
const OUT_OF_RANGE = [9e12, -9.99e12, 4_102_444_800, NOW + DAY + 1, -1, '9000000000000', '-1', ' -5 '];

/** Rows as an older ferry (or an import of a DLRN history) stored them. */
async function storeBadTimes(f: ApiFixture): Promise<void> {
  for (const timestamp of [9e12, -9.99e12, 4_102_444_800, 2 ** 31]) {
    await f.store.recordVote({
      commitId: f.commits.foo.id,
      ciName: 'job-time',
      ciVote: true,
      timestamp,
      user: 'writer',
    });
    await f.store.recordAggregateVote({
      refHash: 'agg-time',
      ciName: 'job-time',
      ciVote: false,
      timestamp,
      user: 'w',
    });
  }
  await f.store.recordCommit({
    projectName: 'python-time',
    commitHash: 'feedfeedfeed',
    distroHash: 'beefbeefbeef',
    status: 'SUCCESS',
    dtCommit: -9.99e12,
    dtBuild: 9e12,
    nvr: 'python-time-1-1',
  });
}

/** Hardening item 8: one range for the times clients send; every renderer total over what the store holds. */
describe.each(TEST_DIALECTS)('time values on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const vote = (timestamp: unknown, aggregate = false) =>
    post('/api/report_result', {
      ...(aggregate
        ? { aggregate_hash: AGGREGATE }
        : { commit_hash: f.commits.foo.commitHash, distro_hash: f.commits.foo.distroHash }),
      job_id: 'job-t',
      url: 'https://ci.example.org/t',
      timestamp,
      success: true,
    });

  it('refuses a vote dated before 1970 or more than a day past the clock (400), recording nothing', async () => {
    const before = await storeState(f.store, f.reposDir);

    const answers = [];
    for (const timestamp of OUT_OF_RANGE) {
      for (const aggregate of [false, true]) {
        const res = await f.inject(vote(timestamp, aggregate));
        answers.push([res.statusCode, res.json<{ message: string }>().message]);
      }
    }
    const after = await storeState(f.store, f.reposDir);
    const edges = [
      await f.inject(vote(0)),
      await f.inject(vote(NOW + DAY)),
      await f.inject(vote(String(NOW))),
    ];

    expect(answers).toEqual(
      OUT_OF_RANGE.flatMap(() =>
        [1, 2].map(() => [
          400,
          `Invalid parameters: timestamp: out of range: expected unix seconds from 0 (1970-01-01) to ${NOW + DAY} (one day past the server's clock)`,
        ]),
      ),
    );
    expect(after).toEqual(before);
    expect(edges.map((res) => res.statusCode)).toEqual([201, 201, 201]);
  });

  it('refuses metrics dates outside the same range', async () => {
    const metrics = (start: string, end: string) =>
      f.inject({ method: 'GET', url: `/api/metrics/builds?start_date=${start}&end_date=${end}` });

    const answers = [
      await metrics('1969-12-31', '2023-01-01'),
      await metrics('2023-01-01', '2100-01-01'),
      await metrics('1970-01-01', '2023-01-01'),
    ];

    expect(answers.map((res) => res.statusCode)).toEqual([400, 400, 200]);
    expect(answers[0]!.json<{ message: string }>().message).toMatch(
      /^Invalid parameters: start_date: out of range/,
    );
  });

  it('serves every page, GraphQL and the JSON answers over stored times out of range (no 500)', async () => {
    await storeBadTimes(f);

    const pages = await Promise.all(
      [
        '/api/civotes.html',
        '/api/civotes_detail.html?ci_name=job-time',
        '/api/civotes_detail.html?commit_hash=feedfeedfeed&distro_hash=beefbeefbeef',
        '/api/civotes_agg.html',
        '/api/civotes_agg_detail.html?ci_name=job-time',
        '/api/civotes_agg_detail.html?ref_hash=agg-time',
        '/api/report.html',
        '/api/report.html?package_name=python-time',
        `/api/repo_status?commit_hash=${f.commits.foo.commitHash}&distro_hash=${f.commits.foo.distroHash}`,
        '/api/agg_status?aggregate_hash=agg-time',
      ].map((url) => f.inject({ method: 'GET', url })),
    );
    const graphql = await f.inject({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        query:
          '{ civote(ciName: "job-time") { timestamp commit { dtBuild } } civoteAgg(ciName: "job-time") { timestamp } ' +
          'commits(projectName: "python-time") { dtCommit dtBuild } packageStatus(projectName: "python-time") { status } }',
      }),
    });

    expect(pages.map((res) => res.statusCode)).toEqual(pages.map(() => 200));
    expect(pages[1]!.body).toContain('9000000000000');
    expect(pages[1]!.body).toContain('2100-01-01 00:00:00');
    expect(pages[6]!.body).toContain('-9990000000000');
    const answer = graphql.json<{ data: Record<string, { timestamp?: unknown }[]>; errors?: unknown }>();
    expect(graphql.statusCode).toBe(200);
    expect(answer.errors).toBeUndefined();
    // GraphQL's Int is 32 bits (graphene's too): what does not fit is null, not an error for the whole field.
    expect(answer.data.civote!.map((v) => v.timestamp)).toEqual([null, null, null, null]);
    expect(answer.data.commits).toEqual([{ dtCommit: null, dtBuild: null }]);
  });

  it('property: any timestamp through report_result gives no 5xx; a refused one changes nothing', async () => {
    await f.store.recordPromotion({
      commitId: f.commits.foo.id,
      promotionName: 'p',
      aggregateHash: AGGREGATE,
    });
    const values = fc.oneof(
      fc.integer({ min: -2 * DAY, max: NOW + 2 * DAY }),
      fc.double(),
      fc.double().map(String),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
      fc.constantFrom(
        'NaN',
        'Infinity',
        '-Infinity',
        '1e3',
        '0x10',
        '',
        ' ',
        '+1',
        '00',
        '1.5',
        null,
        true,
        [],
      ),
      fc.string({ maxLength: 20 }),
      fc.constantFrom(...OUT_OF_RANGE),
    );

    await fc.assert(
      fc.asyncProperty(values, fc.boolean(), async (timestamp, aggregate) => {
        const before = await storeState(f.store, f.reposDir);

        const res = await f.inject(vote(timestamp, aggregate));
        const after = await storeState(f.store, f.reposDir);

        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 201) {
          const stored = aggregate ? after.aggregateVotes[0]! : after.votes[0]!;
          expect(stored.timestamp).toBeGreaterThanOrEqual(0);
          expect(stored.timestamp).toBeLessThanOrEqual(NOW + DAY);
        } else {
          expect(after).toEqual(before);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 200 : 80, seed: 8_000_008 },
    );
  });
});

describe('time formatting', () => {
  it('property: formatUnixTime and isoSeconds never throw, and keep the ISO shape for what a date can show', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer(), fc.constantFrom(9e12, -9.99e12, 8.64e12, -8.64e12)),
        (n) => {
          const text = formatUnixTime(n);
          const iso = isoSeconds(n);

          expect(typeof text).toBe('string');
          if (iso === null) expect(text).toBe(String(n));
          else expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
        },
      ),
      { numRuns: 2000 },
    );
    expect(formatUnixTime(0)).toBe('1970-01-01 00:00:00');
    expect(formatUnixTime(null)).toBe('');
    expect(formatUnixTime(9e12)).toBe('9000000000000');
  });
});
