import { describe, expect, it } from 'vitest';

import {
  errorResponse,
  healthResponse,
  metricsResponse,
  recheckResponse,
} from '../../src/api/schemas/responses.js';
import { buildApp } from '../../src/api/index.js';
import { openTestStore, TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, BASEURL, NOW, post, useApiFixture } from './api-fixture.js';

/** Contract of health, metrics/builds, recheck_package, the HTML pages, /metrics and the OpenAPI document. */
describe.each(TEST_DIALECTS)('other endpoints on %s', (dialect) => {
  const f = useApiFixture(dialect);

  describe('/api/health', () => {
    it('GET checks the database; POST also the credentials', async () => {
      const get = await f.inject({ method: 'GET', url: '/api/health' });
      const anonymous = await f.inject({ method: 'POST', url: '/api/health' });
      const reader = await f.inject({
        method: 'POST',
        url: '/api/health',
        headers: { authorization: AUTH.reader },
      });
      const writer = await f.inject({
        method: 'POST',
        url: '/api/health',
        headers: { authorization: AUTH.writer },
      });

      expect(healthResponse.parse(get.json())).toEqual({ result: 'ok' });
      expect([anonymous.statusCode, reader.statusCode, writer.statusCode]).toEqual([401, 403, 200]);
      expect(writer.json()).toEqual({ result: 'ok' });
    });

    it('says when there are no commits', async () => {
      // An empty store of its own (the fixture's has history).
      const empty = await openTestStore('sqlite');
      const app = await buildApp({ store: empty, reposDir: f.reposDir, baseurl: BASEURL });
      try {
        expect((await app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({
          result: 'ok, no commits in DB',
        });
      } finally {
        await app.close();
        await empty.close();
      }
    });
  });

  describe('GET /api/metrics/builds', () => {
    it('counts successes and failures built in [start_date, end_date) UTC', async () => {
      // NOW is 2023-11-14T22:13:20Z; most builds started an hour before.
      const day = await f.inject({
        method: 'GET',
        url: '/api/metrics/builds?start_date=2023-11-14&end_date=2023-11-15',
      });
      const foo = await f.inject({
        method: 'GET',
        url: '/api/metrics/builds',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          start_date: '2023-11-13',
          end_date: '2023-11-15',
          package_name: 'python-foo',
        }),
      });
      const endExclusive = await f.inject({
        method: 'GET',
        url: '/api/metrics/builds?start_date=2023-11-13&end_date=2023-11-14',
      });

      expect(metricsResponse.parse(day.json())).toEqual({ succeeded: 4, failed: 1, total: 5 });
      expect(foo.json()).toEqual({ succeeded: 2, failed: 0, total: 2 });
      expect(endExclusive.json()).toEqual({ succeeded: 1, failed: 0, total: 1 });
    });

    it('answers 400 for missing or malformed dates', async () => {
      for (const query of [
        '',
        'start_date=2023-11-14',
        'start_date=2023-02-30&end_date=2023-03-01',
        'start_date=14/11/2023&end_date=2023-11-15',
      ]) {
        const res = await f.inject({ method: 'GET', url: `/api/metrics/builds?${query}` });
        expect(res.statusCode, query).toBe(400);
        expect(errorResponse.parse(res.json()).message).toMatch(/start_date|end_date/);
      }
    });
  });

  describe('POST /api/recheck_package', () => {
    it('removes the failed last build so the chaser builds it again (201)', async () => {
      const res = await f.inject(post('/api/recheck_package', { package_name: 'python-baz' }));

      expect(res.statusCode).toBe(201);
      expect(recheckResponse.parse(res.json())).toEqual({ result: 'ok' });
      expect(await f.store.getCommit(f.commits.baz.id)).toBeUndefined();
    });

    it('takes the package from the query string too (DLRN has no JSON guard here)', async () => {
      const res = await f.inject({
        method: 'POST',
        url: '/api/recheck_package?package_name=python-baz',
        headers: { authorization: AUTH.writer },
      });

      expect(res.statusCode).toBe(201);
    });

    it('answers 409 for a successful last build and 400 when there is nothing to recheck', async () => {
      const success = await f.inject(post('/api/recheck_package', { package_name: 'python-foo' }));
      const retry = await f.inject(post('/api/recheck_package', { package_name: 'python-qux' }));
      const unknown = await f.inject(post('/api/recheck_package', { package_name: 'nope' }));
      const missing = await f.inject(post('/api/recheck_package', {}));
      const nullName = await f.inject(post('/api/recheck_package', { package_name: null }));

      expect(success.statusCode).toBe(409);
      expect(errorResponse.parse(success.json()).message).toMatch(
        /It's not possible to recheck a successful commit/,
      );
      expect([retry.statusCode, unknown.statusCode, missing.statusCode, nullName.statusCode]).toEqual([
        400, 400, 400, 400,
      ]);
      expect(errorResponse.parse(unknown.json()).message).toMatch(/There are no existing commits/);
      expect(missing.json()).toEqual({ message: 'Invalid parameters: package_name: field required' });
      expect(await f.store.getCommit(f.commits.foo.id)).toBeDefined();
    });

    it('needs the write role', async () => {
      const reader = await f.inject(
        post('/api/recheck_package', { package_name: 'python-baz' }, AUTH.reader),
      );

      expect(reader.statusCode).toBe(403);
      expect(await f.store.getCommit(f.commits.baz.id)).toBeDefined();
    });
  });

  describe('HTML pages', () => {
    it('civotes.html lists repos with their vote counts, and escapes what it shows', async () => {
      const res = await f.inject({ method: 'GET', url: '/api/civotes.html' });

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const bar = f.commits.bar;
      expect(res.body).toContain(`${bar.commitHash}_${bar.distroHash.slice(0, 8)}`);
      expect(res.body).toContain(
        `civotes_detail.html?commit_hash=${bar.commitHash}&amp;distro_hash=${bar.distroHash}&amp;success=False`,
      );
      // The consistent vote is not a CI vote.
      expect(res.body).toContain('4 votes');
    });

    it('civotes_detail.html shows the votes of a repo, a component or a CI; notes are escaped', async () => {
      const bar = f.commits.bar;
      const repo = await f.inject({
        method: 'GET',
        url: `/api/civotes_detail.html?commit_hash=${bar.commitHash}&distro_hash=${bar.distroHash}`,
      });
      const component = await f.inject({ method: 'GET', url: '/api/civotes_detail.html?component=tripleo' });
      const ci = await f.inject({
        method: 'GET',
        url: '/api/civotes_detail.html?ci_name=job-a&success=True',
      });
      const none = await f.inject({ method: 'GET', url: '/api/civotes_detail.html' });

      expect(repo.body).toContain('failed &lt;b&gt;tempest&lt;/b&gt;');
      expect(repo.body).not.toContain('<b>tempest');
      expect(component.body).toContain('job-c');
      expect(ci.body).toContain('https://ci.example.org/1');
      expect(none.statusCode).toBe(400);
      expect(errorResponse.parse(none.json()).message).toMatch(
        /Please specify either commit_hash\+distro_hash, component or ci_name/,
      );
    });

    it('civotes_agg.html and civotes_agg_detail.html show aggregate votes', async () => {
      await f.store.recordPromotion({
        commitId: f.commits.tripleo.id,
        promotionName: 'p',
        component: 'tripleo',
        aggregateHash: 'aggr1',
      });
      await f.store.recordAggregateVote({
        refHash: 'aggr1',
        ciName: 'agg-ci',
        ciVote: false,
        ciUrl: 'javascript:alert(1)',
        timestamp: NOW,
      });

      const page = await f.inject({ method: 'GET', url: '/api/civotes_agg.html' });
      const detail = await f.inject({ method: 'GET', url: '/api/civotes_agg_detail.html?ref_hash=aggr1' });
      const none = await f.inject({ method: 'GET', url: '/api/civotes_agg_detail.html' });

      expect(page.body).toContain('civotes_agg_detail.html?ref_hash=aggr1');
      expect(detail.body).toContain('agg-ci');
      // Not an http(s) URL: shown, never a link.
      expect(detail.body).not.toContain('href="javascript:');
      expect(none.statusCode).toBe(400);
    });

    it('report.html lists builds with their repository links', async () => {
      const res = await f.inject({ method: 'GET', url: '/api/report.html' });
      const failed = await f.inject({ method: 'GET', url: '/api/report.html?status=FAILED' });
      const bad = await f.inject({ method: 'GET', url: '/api/report.html?status=BROKEN' });

      expect(res.body).toContain('python-foo');
      expect(res.body).toContain('1.0.0');
      expect(res.body).toContain('http://ferry.example.org/repos/');
      expect(failed.body).toContain('python-baz');
      expect(failed.body).not.toContain('python-foo');
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('GET /metrics', () => {
    it("reports DLRN's build counters, votes and promotions, and request latency", async () => {
      await f.inject({ method: 'GET', url: '/api/health' });
      await f.inject(
        post('/api/report_result', {
          job_id: 'j',
          commit_hash: f.commits.foo.commitHash,
          distro_hash: f.commits.foo.distroHash,
          url: 'u',
          timestamp: 1,
          success: true,
        }),
      );

      const res = await f.inject({ method: 'GET', url: '/metrics' });

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toContain('dlrn_builds_succeeded_total{baseurl="http://ferry.example.org/repos"} 6');
      expect(res.body).toContain('dlrn_builds_failed_total{baseurl="http://ferry.example.org/repos"} 1');
      expect(res.body).toContain('dlrn_builds_retry_total{baseurl="http://ferry.example.org/repos"} 1');
      expect(res.body).toContain('dlrn_builds_total{baseurl="http://ferry.example.org/repos"} 8');
      expect(res.body).toContain('ferry_votes_total 6');
      expect(res.body).toMatch(
        /ferry_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} [1-9]/,
      );
      expect(res.body).toMatch(
        /ferry_http_request_duration_seconds_count\{method="POST",route="\/api\/report_result",status_code="201"\} [1-9]/,
      );
    });
  });

  describe('GET /api/openapi.json', () => {
    it('documents every DLRN endpoint from the route schemas', async () => {
      const res = await f.inject({ method: 'GET', url: '/api/openapi.json' });
      const doc = res.json<{
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              parameters?: { name: string; required: boolean }[];
              requestBody?: unknown;
              security?: unknown;
              responses: Record<string, unknown>;
            }
          >
        >;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      }>();

      expect(doc.openapi).toBe('3.1.0');
      const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(endpoints).toEqual(
        expect.arrayContaining([
          'GET /api/health',
          'POST /api/health',
          'GET /api/last_tested_repo',
          'POST /api/last_tested_repo',
          'GET /api/repo_status',
          'GET /api/agg_status',
          'GET /api/promotions',
          'GET /api/components',
          'GET /api/metrics/builds',
          'POST /api/report_result',
          'POST /api/promote',
          'POST /api/promote-batch',
          'POST /api/remote/import',
          'POST /api/recheck_package',
          'GET /api/graphql',
          'GET /api/civotes.html',
          'GET /api/civotes_detail.html',
          'GET /api/civotes_agg.html',
          'GET /api/civotes_agg_detail.html',
          'GET /api/report.html',
          'GET /metrics',
        ]),
      );
      const ltr = doc.paths['/api/last_tested_repo']!;
      expect(ltr.get!.parameters!.find((p) => p.name === 'max_age')).toMatchObject({ required: true });
      expect(ltr.post!.requestBody).toBeDefined();
      expect(ltr.post!.security).toEqual([{ basicAuth: [] }]);
      expect(Object.keys(doc.components.schemas.Repo!.properties!)).toEqual(
        expect.arrayContaining([
          'commit_hash',
          'distro_hash',
          'extended_hash',
          'timestamp',
          'job_id',
          'success',
          'in_progress',
          'user',
          'component',
        ]),
      );
      expect(doc.paths['/api/promote']!.post!.responses).toHaveProperty('410');
    });
  });

  describe('errors', () => {
    it('answers unknown paths with a JSON 404', async () => {
      const res = await f.inject({ method: 'GET', url: '/api/nope' });

      expect(res.statusCode).toBe(404);
      expect(errorResponse.parse(res.json()).message).toMatch(/Not found/);
    });
  });
});
