import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { aggregateVoteResponse, errorResponse, voteResponse } from '../../src/api/schemas/responses.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { NOW, useApiFixture, type ApiFixture } from './api-fixture.js';

/** `count` votes of one CI on a commit (or, with `refHash`, on an aggregate), timestamps NOW + i. */
async function addVotes(f: ApiFixture, count: number, target: { commitId: number } | { refHash: string }) {
  const rows = Array.from({ length: count }, (_, i) => ({
    ci_name: `bulk-${i}`,
    ci_url: `https://ci.example.org/bulk/${i}`,
    ci_vote: i % 3 === 0 ? 0 : 1,
    ci_in_progress: 0,
    timestamp: NOW + i,
    notes: '',
    user: 'writer',
  }));
  if ('refHash' in target) {
    await f.store.bulkInsert(
      'civotes_agg',
      rows.map((row) => ({ ...row, ref_hash: target.refHash })),
    );
  } else {
    await f.store.bulkInsert(
      'civotes',
      rows.map((row) => ({ ...row, commit_id: target.commitId, component: null })),
    );
  }
}

/** ferry's paging of DLRN's repo_status and agg_status (DLRN returned every vote at once). */
describe.each(TEST_DIALECTS)('vote listings on %s', (dialect) => {
  const f = useApiFixture(dialect);

  describe('repo_status and agg_status pages (ferry bounds the answer, DLRN returned every vote)', () => {
    const repoUrl = (f: ApiFixture, extra = '') =>
      `/api/repo_status?commit_hash=${f.commits.bar.commitHash}&distro_hash=${f.commits.bar.distroHash}${extra}`;

    it('answers up to 1,000 votes whole, as DLRN, without a next link', async () => {
      await addVotes(f, 999, { commitId: f.commits.bar.id });

      const res = await f.inject({ method: 'GET', url: repoUrl(f) });

      const votes = z.array(voteResponse).parse(res.json());
      expect(votes).toHaveLength(1000);
      // The fixture's vote first, then the added ones in the order they came.
      expect(votes.map((vote) => vote.job_id)).toEqual([
        'job-b',
        ...Array.from({ length: 999 }, (_, i) => `bulk-${i}`),
      ]);
      expect(res.headers.link).toBeUndefined();
    });

    it('answers the newest 1,000 of more, oldest first, with a link to the older ones', async () => {
      await addVotes(f, 2500, { commitId: f.commits.bar.id });

      const first = await f.inject({ method: 'GET', url: repoUrl(f) });
      const next = first.headers.link as string;
      const second = await f.inject({ method: 'GET', url: /^<([^>]+)>; rel="next"$/.exec(next)![1]! });
      const last = await f.inject({ method: 'GET', url: repoUrl(f, '&offset=2000') });
      const capped = await f.inject({ method: 'GET', url: repoUrl(f, '&limit=100000') });

      const names = (res: { json(): unknown }) =>
        z
          .array(voteResponse)
          .parse(res.json())
          .map((v) => v.job_id);
      expect(names(first)).toEqual(Array.from({ length: 1000 }, (_, i) => `bulk-${1500 + i}`));
      expect(next).toBe(
        `</api/repo_status?commit_hash=${f.commits.bar.commitHash}&distro_hash=${f.commits.bar.distroHash}&offset=1000&limit=1000>; rel="next"`,
      );
      expect(names(second)).toEqual(Array.from({ length: 1000 }, (_, i) => `bulk-${500 + i}`));
      expect(names(last)).toEqual(['job-b', ...Array.from({ length: 500 }, (_, i) => `bulk-${i}`)]);
      expect(last.headers.link).toBeUndefined();
      expect(names(capped)).toHaveLength(1000);
    });

    it('pages agg_status the same way', async () => {
      await addVotes(f, 1200, { refHash: 'aggpage' });

      const first = await f.inject({ method: 'GET', url: '/api/agg_status?aggregate_hash=aggpage' });
      const failures = await f.inject({
        method: 'GET',
        url: '/api/agg_status?aggregate_hash=aggpage&success=false&limit=10',
      });

      const votes = z.array(aggregateVoteResponse).parse(first.json());
      expect(votes.map((v) => v.job_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `bulk-${200 + i}`));
      expect(first.headers.link).toBe(
        '</api/agg_status?aggregate_hash=aggpage&offset=1000&limit=1000>; rel="next"',
      );
      expect(
        z
          .array(aggregateVoteResponse)
          .parse(failures.json())
          .map((v) => v.job_id),
      ).toEqual(Array.from({ length: 10 }, (_, i) => `bulk-${1170 + 3 * i}`));
    });

    it('refuses a negative or non-integer offset or limit with 400', async () => {
      for (const extra of ['&offset=-1', '&limit=-5', '&limit=1.5', '&offset=abc']) {
        const res = await f.inject({ method: 'GET', url: repoUrl(f, extra) });
        expect(res.statusCode, extra).toBe(400);
        expect(errorResponse.parse(res.json()).message).toMatch(/^Invalid parameters: (offset|limit)/);
      }
    });

    it('any offset and limit give the matching slice of the whole list (generated pages)', async () => {
      await addVotes(f, 40, { refHash: 'agggen' });
      const all = z
        .array(aggregateVoteResponse)
        .parse((await f.inject({ method: 'GET', url: '/api/agg_status?aggregate_hash=agggen' })).json());

      await fc.assert(
        fc.asyncProperty(fc.nat(50), fc.nat(50), fc.boolean(), async (offset, limit, successOnly) => {
          const query = `aggregate_hash=agggen&offset=${offset}&limit=${limit}${successOnly ? '&success=true' : ''}`;
          const res = await f.inject({ method: 'GET', url: `/api/agg_status?${query}` });

          const matching = successOnly ? all.filter((vote) => vote.success) : all;
          const end = Math.max(0, matching.length - offset);
          expect(res.statusCode).toBe(200);
          expect(res.json()).toEqual(matching.slice(Math.max(0, end - limit), end));
          expect(res.headers.link === undefined).toBe(end - limit <= 0);
        }),
        { numRuns: 40 },
      );
    });
  });
});
