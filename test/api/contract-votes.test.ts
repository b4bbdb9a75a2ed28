import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  aggregateVoteResponse,
  errorResponse,
  repoResponse,
  reportResultResponse,
  voteResponse,
} from '../../src/api/schemas/responses.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, hashOf, NOW, post, useApiFixture, type ApiFixture } from './api-fixture.js';

/** Contract of DLRN's vote endpoints: last_tested_repo, repo_status, agg_status, report_result. */
describe.each(TEST_DIALECTS)('vote endpoints on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const lastTested = async (query: string) => {
    const res = await f.inject({ method: 'GET', url: `/api/last_tested_repo?${query}` });
    return { status: res.statusCode, body: res.json<unknown>() };
  };

  describe('GET /api/last_tested_repo', () => {
    it('returns the newest vote other than consistent, with DLRN fields and types', async () => {
      const res = await lastTested('max_age=0');

      expect(res.status).toBe(200);
      expect(repoResponse.parse(res.body)).toEqual({
        commit_hash: f.commits.tripleo.commitHash,
        distro_hash: f.commits.tripleo.distroHash,
        extended_hash: null,
        timestamp: NOW - 500,
        job_id: 'job-c',
        success: true,
        in_progress: false,
        user: 'writer',
        component: 'tripleo',
      });
    });

    it('accepts the parameters as a JSON body with booleans and numbers as strings (the dlrnapi client)', async () => {
      const res = await f.inject({
        method: 'GET',
        url: '/api/last_tested_repo?max_age=0&success=False&sequential_mode=False&job_id=job-b',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ max_age: 0, success: 'False', sequential_mode: 'False', job_id: 'job-b' }),
      });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        commit_hash: f.commits.bar.commitHash,
        job_id: 'job-b',
        success: false,
      });
      expect(repoResponse.parse(res.json()).extended_hash).toBe(f.commits.bar.extendedHash);
    });

    it('filters by job, success, age and component', async () => {
      expect((await lastTested('max_age=0&job_id=job-a')).body).toMatchObject({
        commit_hash: f.commits.foo.commitHash,
      });
      expect((await lastTested('max_age=0&success=false')).body).toMatchObject({ job_id: 'job-b' });
      expect((await lastTested('max_age=0&component=tripleo')).body).toMatchObject({ job_id: 'job-c' });
      // max_age=1: only votes of the last hour count; the oldest job-a vote is 22 h old.
      expect((await lastTested('max_age=1&job_id=job-a')).body).toMatchObject({ timestamp: NOW - 2000 });
    });

    it('falls back to any CI, then to consistent, keeping the filters (DLRN dropped them)', async () => {
      await f.store.recordVote({
        commitId: f.commits.fooOld.id,
        ciName: 'consistent',
        ciVote: true,
        timestamp: NOW - 10,
      });

      // No vote of nojob: the newest vote of another CI, never the newer consistent one.
      expect((await lastTested('max_age=0&job_id=nojob')).body).toMatchObject({ job_id: 'job-c' });
      // The fallback keeps success=false.
      expect((await lastTested('max_age=0&job_id=nojob&success=false')).body).toMatchObject({
        job_id: 'job-b',
      });
      // Nothing in component compute, not even consistent: no vote (DLRN answered another component's).
      expect(await lastTested('max_age=0&job_id=nojob&component=compute')).toEqual({
        status: 400,
        body: { message: 'No vote found' },
      });
    });

    it('returns the consistent vote when no CI voted in the period', async () => {
      await f.store.recordVote({
        commitId: f.commits.fooOld.id,
        ciName: 'consistent',
        ciVote: true,
        timestamp: NOW - 10,
      });

      expect((await lastTested('max_age=0&job_id=nojob&component=nothing')).status).toBe(400);
      await f.store.recordVote({
        commitId: f.commits.compute.id,
        ciName: 'consistent',
        ciVote: true,
        timestamp: NOW - 5,
        component: 'compute',
      });
      expect((await lastTested('max_age=0&job_id=nojob&component=compute')).body).toMatchObject({
        job_id: 'consistent',
        commit_hash: f.commits.compute.commitHash,
      });
    });

    it('sequential mode uses previous_job_id only, without fallback', async () => {
      expect((await lastTested('max_age=0&sequential_mode=true&previous_job_id=job-b')).body).toMatchObject({
        job_id: 'job-b',
      });
      expect(await lastTested('max_age=0&sequential_mode=true&previous_job_id=nojob')).toEqual({
        status: 400,
        body: { message: 'No vote found' },
      });
      const missing = await lastTested('max_age=0&sequential_mode=true');
      expect(missing.status).toBe(400);
      expect(errorResponse.parse(missing.body).message).toMatch(/Missing parameter previous_job_id/);
    });

    it('answers 400 with a message for bad parameters', async () => {
      for (const query of [
        '',
        'max_age=-1',
        'max_age=abc',
        'max_age=0&success=maybe',
        'max_age=0&max_age=1',
      ]) {
        const res = await lastTested(query);
        expect(res.status, query).toBe(400);
        expect(errorResponse.parse(res.body).message, query).toMatch(/max_age|success/);
      }
    });

    it('answers 400 when no vote is that recent', async () => {
      await f.store.recordVote({
        commitId: f.commits.foo.id,
        ciName: 'late',
        ciVote: true,
        timestamp: NOW - 30 * 3600,
      });

      expect(await lastTested('max_age=0&job_id=late')).toMatchObject({ status: 200 });
      expect(await lastTested('max_age=0&job_id=late&success=false&component=tripleo')).toMatchObject({
        status: 400,
      });
    });
  });

  describe('POST /api/last_tested_repo', () => {
    it('records an in-progress vote of reporting_job_id on the repo found (201)', async () => {
      const res = await f.inject(
        post('/api/last_tested_repo', { max_age: '0', reporting_job_id: 'job-x', job_id: 'job-a' }),
      );

      expect(res.statusCode).toBe(201);
      expect(repoResponse.parse(res.json())).toEqual({
        commit_hash: f.commits.foo.commitHash,
        distro_hash: f.commits.foo.distroHash,
        extended_hash: null,
        timestamp: NOW,
        job_id: 'job-x',
        success: false,
        in_progress: true,
        user: 'writer',
        component: null,
      });
      const votes = await f.store.votesForCommit(f.commits.foo.id);
      expect(votes.at(-1)).toMatchObject({
        ciName: 'job-x',
        ciInProgress: true,
        ciVote: false,
        user: 'writer',
        timestamp: NOW,
      });
    });

    it('needs credentials with the write role', async () => {
      const anonymous = await f.inject({
        method: 'POST',
        url: '/api/last_tested_repo',
        payload: { max_age: 0, reporting_job_id: 'x' },
      });
      const reader = await f.inject(
        post('/api/last_tested_repo', { max_age: 0, reporting_job_id: 'x' }, AUTH.reader),
      );

      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(reader.statusCode).toBe(403);
      expect(errorResponse.parse(reader.json()).message).toMatch(/needs the write role/);
    });

    it('answers 400 without reporting_job_id and 415 for a body that is not JSON', async () => {
      const missing = await f.inject(post('/api/last_tested_repo', { max_age: 0 }));
      const form = await f.inject({
        method: 'POST',
        url: '/api/last_tested_repo',
        headers: { authorization: AUTH.writer, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'max_age=0&reporting_job_id=x',
      });

      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ message: 'Invalid parameters: reporting_job_id: field required' });
      expect(form.statusCode).toBe(415);
      expect(form.json()).toEqual({ message: 'Unsupported Media Type, use JSON' });
    });
  });

  describe('GET /api/repo_status', () => {
    const url = (f: ApiFixture, extra = '') =>
      `/api/repo_status?commit_hash=${f.commits.foo.commitHash}&distro_hash=${f.commits.foo.distroHash}${extra}`;

    it('lists every vote of the repo, oldest first', async () => {
      const res = await f.inject({ method: 'GET', url: url(f) });

      expect(res.statusCode).toBe(200);
      const votes = z.array(voteResponse).parse(res.json());
      expect(votes.map((v) => [v.job_id, v.success, v.timestamp])).toEqual([
        ['consistent', true, NOW - 3000],
        ['job-a', true, NOW - 2000],
      ]);
      expect(votes[1]).toEqual({
        timestamp: NOW - 2000,
        commit_hash: f.commits.foo.commitHash,
        distro_hash: f.commits.foo.distroHash,
        extended_hash: null,
        job_id: 'job-a',
        success: true,
        in_progress: false,
        url: 'https://ci.example.org/1',
        notes: '',
        user: 'writer',
        component: null,
      });
    });

    it('filters by success', async () => {
      expect((await f.inject({ method: 'GET', url: url(f, '&success=false') })).json()).toEqual([]);
      expect((await f.inject({ method: 'GET', url: url(f, '&success=1') })).json()).toHaveLength(2);
    });

    it('matches the extended hash when given', async () => {
      const bar = f.commits.bar;
      const base = `/api/repo_status?commit_hash=${bar.commitHash}&distro_hash=${bar.distroHash}`;

      expect(
        (await f.inject({ method: 'GET', url: `${base}&extended_hash=${bar.extendedHash}` })).json(),
      ).toHaveLength(1);
      expect(
        (await f.inject({ method: 'GET', url: `${base}&extended_hash=${hashOf('other')}` })).statusCode,
      ).toBe(400);
    });

    it('answers 400 for unknown, failed or incomplete hashes', async () => {
      const baz = f.commits.baz;
      for (const query of [
        `commit_hash=${hashOf('nope')}&distro_hash=${hashOf('nope')}`,
        `commit_hash=${baz.commitHash}&distro_hash=${baz.distroHash}`,
        `commit_hash=${baz.commitHash}`,
        '',
      ]) {
        const res = await f.inject({ method: 'GET', url: `/api/repo_status?${query}` });
        expect(res.statusCode, query).toBe(400);
        expect(errorResponse.parse(res.json()).message).not.toBe('');
      }
    });
  });

  describe('POST /api/report_result', () => {
    const vote = (f: ApiFixture, extra: Record<string, unknown> = {}) => ({
      job_id: 'job-r',
      commit_hash: f.commits.foo.commitHash,
      distro_hash: f.commits.foo.distroHash,
      url: 'https://ci.example.org/r',
      timestamp: '1700000100',
      success: 'true',
      notes: 'all good',
      ...extra,
    });

    it('records a vote on a repo and echoes it (201)', async () => {
      const res = await f.inject(post('/api/report_result', vote(f)));

      expect(res.statusCode).toBe(201);
      expect(reportResultResponse.parse(res.json())).toEqual({
        commit_hash: f.commits.foo.commitHash,
        distro_hash: f.commits.foo.distroHash,
        extended_hash: null,
        aggregate_hash: null,
        timestamp: 1_700_000_100,
        job_id: 'job-r',
        success: true,
        in_progress: false,
        url: 'https://ci.example.org/r',
        notes: 'all good',
        user: 'writer',
        component: null,
      });
      const stored = await f.store.votesForCommit(f.commits.foo.id);
      expect(stored.at(-1)).toMatchObject({
        ciName: 'job-r',
        ciVote: true,
        ciUrl: 'https://ci.example.org/r',
        timestamp: 1_700_000_100,
        notes: 'all good',
        user: 'writer',
      });
    });

    it('reports the extended hash and component of the commit voted on', async () => {
      const bar = f.commits.bar;
      const res = await f.inject(
        post(
          '/api/report_result',
          vote(f, {
            commit_hash: bar.commitHash,
            distro_hash: bar.distroHash,
            extended_hash: bar.extendedHash,
          }),
        ),
      );
      const tht = f.commits.tripleo;
      const comp = await f.inject(
        post('/api/report_result', vote(f, { commit_hash: tht.commitHash, distro_hash: tht.distroHash })),
      );

      expect(res.json()).toMatchObject({ extended_hash: bar.extendedHash });
      expect(comp.json()).toMatchObject({ component: 'tripleo' });
    });

    it('records a vote on an aggregate hash that a promotion produced', async () => {
      await f.store.recordPromotion({
        commitId: f.commits.tripleo.id,
        promotionName: 'x',
        component: 'tripleo',
        aggregateHash: 'abc123',
      });

      const res = await f.inject(
        post('/api/report_result', {
          job_id: 'agg-job',
          aggregate_hash: 'abc123',
          url: 'u',
          timestamp: 5,
          success: false,
        }),
      );
      const unknown = await f.inject(
        post('/api/report_result', {
          job_id: 'agg-job',
          aggregate_hash: 'zzz',
          url: 'u',
          timestamp: 5,
          success: false,
        }),
      );
      const status = await f.inject({ method: 'GET', url: '/api/agg_status?aggregate_hash=abc123' });

      expect(res.statusCode).toBe(201);
      expect(reportResultResponse.parse(res.json())).toMatchObject({
        aggregate_hash: 'abc123',
        commit_hash: null,
        success: false,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toEqual({ message: 'aggregate_hash not found' });
      expect(z.array(aggregateVoteResponse).parse(status.json())).toEqual([
        {
          timestamp: 5,
          aggregate_hash: 'abc123',
          job_id: 'agg-job',
          success: false,
          in_progress: false,
          url: 'u',
          notes: '',
          user: 'writer',
        },
      ]);
    });

    it("applies DLRN's hash rules with its messages (400)", async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [
          { commit_hash: undefined, distro_hash: undefined },
          /Either the aggregate hash or both commit_hash and distro_hash/,
        ],
        [{ distro_hash: undefined }, /If commit_hash is provided, distro_hash must be provided too/],
        [{ commit_hash: undefined }, /If distro_hash is provided, commit_hash must be provided too/],
        [{ aggregate_hash: 'abc' }, /aggregate_hash and commit\/distro_hash cannot be combined/],
        [{ commit_hash: hashOf('nope') }, /combination not found/],
        [
          { commit_hash: f.commits.baz.commitHash, distro_hash: f.commits.baz.distroHash },
          /combination not found/,
        ],
        [{ success: 'perhaps' }, /success: expected a boolean/],
        [{ timestamp: 'yesterday' }, /timestamp: expected an integer/],
        [{ job_id: 42 }, /job_id: expected a string/],
        [{ url: undefined }, /url: field required/],
      ];
      for (const [extra, message] of cases) {
        const res = await f.inject(post('/api/report_result', vote(f, extra)));
        expect(res.statusCode, JSON.stringify(extra)).toBe(400);
        expect(errorResponse.parse(res.json()).message).toMatch(message);
      }
      expect(await f.store.votesForCommit(f.commits.foo.id)).toHaveLength(2);
    });

    it('checks credentials before the media type, as DLRN', async () => {
      const anonymous = await f.inject({
        method: 'POST',
        url: '/api/report_result',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      });
      const wrong = await f.inject({
        ...post('/api/report_result', vote(f)),
        headers: { authorization: 'Basic d3JpdGVyOm5vcGU=', 'content-type': 'application/json' },
      });
      const text = await f.inject({
        method: 'POST',
        url: '/api/report_result',
        headers: { authorization: AUTH.writer, 'content-type': 'text/plain' },
        payload: 'x',
      });

      expect([anonymous.statusCode, wrong.statusCode, text.statusCode]).toEqual([401, 401, 415]);
    });
  });

  describe('GET /api/agg_status', () => {
    it('answers an empty list for an unknown hash and 400 without one', async () => {
      expect((await f.inject({ method: 'GET', url: '/api/agg_status?aggregate_hash=000' })).json()).toEqual(
        [],
      );
      const missing = await f.inject({ method: 'GET', url: '/api/agg_status?success=true' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ message: 'Invalid parameters: aggregate_hash: field required' });
    });
  });
});
