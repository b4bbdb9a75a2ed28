import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { componentsResponse, errorResponse, promotionResponse } from '../../src/api/schemas/responses.js';
import { shardedCommitDir, snapshotDir } from '../../src/layout/index.js';
import type { CommitRecord } from '../../src/store/index.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, BASEURL, hashOf, NOW, post, useApiFixture } from './api-fixture.js';

function promote(commit: CommitRecord, name: string, extra: Record<string, unknown> = {}) {
  return { commit_hash: commit.commitHash, distro_hash: commit.distroHash, promote_name: name, ...extra };
}

/** Contract of promote, promote-batch, promotions and components, with what they do on disk. */
describe.each(TEST_DIALECTS)('promotion endpoints on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const label = (name: string, component?: string) =>
    component ? join(f.reposDir, 'component', component, name) : join(f.reposDir, name);

  describe('POST /api/promote', () => {
    it('points the label at the snapshot with a relative symlink and records the promotion (201)', async () => {
      const foo = f.commits.foo;

      const res = await f.inject(post('/api/promote', promote(foo, 'tripleo-ci-testing')));

      expect(res.statusCode).toBe(201);
      expect(promotionResponse.parse(res.json())).toEqual({
        timestamp: NOW,
        commit_hash: foo.commitHash,
        distro_hash: foo.distroHash,
        extended_hash: null,
        aggregate_hash: null,
        repo_hash: `${foo.commitHash}_${foo.distroHash.slice(0, 8)}`,
        repo_url: `${BASEURL}/${shardedCommitDir(foo)}`,
        promote_name: 'tripleo-ci-testing',
        component: null,
        user: 'writer',
      });
      expect(await readlink(label('tripleo-ci-testing'))).toBe(shardedCommitDir(foo));
      expect(await realpath(label('tripleo-ci-testing'))).toBe(await realpath(snapshotDir(f.reposDir, foo)));
      expect(await f.store.latestPromotion('tripleo-ci-testing')).toMatchObject({
        commitId: foo.id,
        user: 'writer',
        timestamp: NOW,
      });
    });

    it('moves an existing label', async () => {
      await f.inject(post('/api/promote', promote(f.commits.fooOld, 'moving')));

      const res = await f.inject(post('/api/promote', promote(f.commits.foo, 'moving')));

      expect(res.statusCode).toBe(201);
      expect(await readlink(label('moving'))).toBe(shardedCommitDir(f.commits.foo));
      expect(await f.store.findPromotions({ promotionName: 'moving' })).toHaveLength(2);
    });

    it('matches the extended hash and reports it', async () => {
      const bar = f.commits.bar;

      const ok = await f.inject(
        post('/api/promote', promote(bar, 'ext', { extended_hash: bar.extendedHash })),
      );
      const wrong = await f.inject(
        post('/api/promote', promote(bar, 'ext', { extended_hash: hashOf('nope') })),
      );

      expect(ok.json()).toMatchObject({
        extended_hash: bar.extendedHash,
        repo_url: `${BASEURL}/${shardedCommitDir(bar)}`,
      });
      expect(wrong.statusCode).toBe(400);
    });

    it('refuses reserved names and anything but a plain name (403) before other checks', async () => {
      const foo = f.commits.foo;
      const names = [
        'current',
        'consistent',
        '../escape',
        'a/b',
        '.hidden',
        '-dash',
        'component',
        'repodata',
        'ab',
        '..',
        'x\u0000y',
      ];
      for (const name of names) {
        const res = await f.inject(post('/api/promote', { promote_name: name, commit_hash: foo.commitHash }));
        expect(res.statusCode, name).toBe(403);
        expect(errorResponse.parse(res.json()).message).toBe(`Invalid promote_name ${name}`);
      }
      expect(await f.store.findPromotions()).toEqual([]);
    });

    it('answers 400 for missing or unknown hashes, 410 for a purged snapshot', async () => {
      const missing = await f.inject(
        post('/api/promote', { commit_hash: f.commits.foo.commitHash, promote_name: 'x' }),
      );
      const unknown = await f.inject(
        post('/api/promote', promote({ ...f.commits.foo, commitHash: hashOf('nope') }, 'x')),
      );
      const failed = await f.inject(post('/api/promote', promote(f.commits.baz, 'x')));
      const purged = await f.inject(post('/api/promote', promote(f.commits.purged, 'x')));

      expect(missing.json()).toEqual({
        message: 'Invalid parameters: distro_hash: Both commit_hash and distro_hash must be specified.',
      });
      expect([missing.statusCode, unknown.statusCode, failed.statusCode, purged.statusCode]).toEqual([
        400, 400, 400, 410,
      ]);
      expect(errorResponse.parse(purged.json()).message).toMatch(/has been purged, cannot promote it/);
      await expect(lstat(label('x'))).rejects.toThrow(/ENOENT/);
    });

    it('answers 409 when the label path is not a symlink, and changes nothing', async () => {
      await mkdir(label('taken'));

      const res = await f.inject(post('/api/promote', promote(f.commits.foo, 'taken')));

      expect(res.statusCode).toBe(409);
      expect((await lstat(label('taken'))).isDirectory()).toBe(true);
      expect(await f.store.findPromotions()).toEqual([]);
    });

    it('needs the write role', async () => {
      const anonymous = await f.inject({
        method: 'POST',
        url: '/api/promote',
        payload: promote(f.commits.foo, 'x'),
      });
      const reader = await f.inject(post('/api/promote', promote(f.commits.foo, 'x'), AUTH.reader));
      const admin = await f.inject(post('/api/promote', promote(f.commits.foo, 'x'), AUTH.admin));

      expect([anonymous.statusCode, reader.statusCode, admin.statusCode]).toEqual([401, 403, 201]);
      expect(admin.json()).toMatchObject({ user: 'admin' });
    });

    it('with components: the label goes in the component directory and the aggregate is recomputed', async () => {
      const tht = f.commits.tripleo;
      const nova = f.commits.compute;

      await f.inject(post('/api/promote', promote(nova, 'promoted')));
      const res = await f.inject(post('/api/promote', promote(tht, 'promoted')));

      expect(res.statusCode).toBe(201);
      expect(await readlink(label('promoted', 'tripleo'))).toBe(
        shardedCommitDir({ ...tht, component: null }),
      );
      const repo = await readFile(join(f.reposDir, 'promoted', 'delorean.repo'), 'utf8');
      const md5 = createHash('md5').update(repo).digest('hex');
      expect(res.json()).toMatchObject({ component: 'tripleo', aggregate_hash: md5 });
      expect((await readFile(join(f.reposDir, 'promoted', 'delorean.repo.md5'), 'utf8')).trim()).toBe(md5);
      // Both components' repo files, compute first (sorted).
      expect(repo.indexOf('[delorean-component-compute]')).toBeGreaterThanOrEqual(0);
      expect(repo.indexOf('[delorean-component-compute]')).toBeLessThan(
        repo.indexOf('[delorean-component-tripleo]'),
      );
      const [row] = await f.store.findPromotions({ promotionName: 'promoted', limit: 1 });
      expect(row).toMatchObject({ aggregateHash: md5, component: 'tripleo' });
    });
  });

  describe('POST /api/promote-batch', () => {
    it('promotes every item and answers the last one (201)', async () => {
      const res = await f.inject(
        post('/api/promote-batch', [promote(f.commits.foo, 'batch'), promote(f.commits.bar, 'batch-b')]),
      );

      expect(res.statusCode).toBe(201);
      expect(promotionResponse.parse(res.json())).toMatchObject({
        commit_hash: f.commits.bar.commitHash,
        promote_name: 'batch-b',
      });
      expect(await readlink(label('batch'))).toBe(shardedCommitDir(f.commits.foo));
      expect(await readlink(label('batch-b'))).toBe(shardedCommitDir(f.commits.bar));
    });

    it('checks every item first: one bad item changes nothing', async () => {
      await f.inject(post('/api/promote', promote(f.commits.fooOld, 'stable')));
      const before = await readlink(label('stable'));

      const unknown = await f.inject(
        post('/api/promote-batch', [
          promote(f.commits.foo, 'stable'),
          promote({ ...f.commits.bar, commitHash: hashOf('nope') }, 'stable'),
        ]),
      );
      const purged = await f.inject(
        post('/api/promote-batch', [promote(f.commits.foo, 'stable'), promote(f.commits.purged, 'other')]),
      );
      const badName = await f.inject(
        post('/api/promote-batch', [promote(f.commits.foo, 'stable'), promote(f.commits.bar, 'current')]),
      );

      expect([unknown.statusCode, purged.statusCode, badName.statusCode]).toEqual([400, 410, 403]);
      expect(errorResponse.parse(unknown.json()).message).toMatch(/combination not found for/);
      expect(await readlink(label('stable'))).toBe(before);
      await expect(lstat(label('other'))).rejects.toThrow(/ENOENT/);
      expect(await f.store.findPromotions()).toHaveLength(1);
    });

    it('refuses a component promotion where a plain label holds the name (409), changing nothing', async () => {
      await f.inject(post('/api/promote', promote(f.commits.foo, 'plain')));

      const res = await f.inject(
        post('/api/promote-batch', [promote(f.commits.fooOld, 'other'), promote(f.commits.tripleo, 'plain')]),
      );

      expect(res.statusCode).toBe(409);
      await expect(lstat(label('other'))).rejects.toThrow(/ENOENT/);
      await expect(lstat(label('plain', 'tripleo'))).rejects.toThrow(/ENOENT/);
      expect(await readlink(label('plain'))).toBe(shardedCommitDir(f.commits.foo));
    });

    it('rolls every link back when a later step fails', async () => {
      await f.inject(post('/api/promote', promote(f.commits.compute, 'rollback')));
      const before = await readlink(label('rollback', 'compute'));
      const aggregateBefore = await readlink(join(f.reposDir, 'rollback', 'delorean.repo'));
      // The aggregate the batch would write is tripleo's and compute's repo files; a file where its
      // hashed directory goes makes writing it fail after the component links were switched.
      const read = (commit: CommitRecord) =>
        readFile(join(snapshotDir(f.reposDir, commit), 'delorean.repo'), 'utf8');
      const md5 = createHash('md5')
        .update(`${await read(f.commits.compute)}\n${await read(f.commits.tripleo)}\n`)
        .digest('hex');
      await writeFile(join(f.reposDir, 'rollback', md5.slice(0, 2)), 'in the way');

      const res = await f.inject(
        post('/api/promote-batch', [
          promote(f.commits.tripleo, 'rollback'),
          promote(f.commits.fooOld, 'other'),
          promote(f.commits.compute, 'rollback'),
        ]),
      );

      expect(res.statusCode).toBe(500);
      await expect(lstat(label('rollback', 'tripleo'))).rejects.toThrow(/ENOENT/);
      await expect(lstat(label('other'))).rejects.toThrow(/ENOENT/);
      expect(await readlink(label('rollback', 'compute'))).toBe(before);
      expect(await readlink(join(f.reposDir, 'rollback', 'delorean.repo'))).toBe(aggregateBefore);
      expect(await f.store.findPromotions()).toHaveLength(1);
    });

    it('recomputes the aggregate of every promoted name (DLRN only did the last one)', async () => {
      const res = await f.inject(
        post('/api/promote-batch', [
          promote(f.commits.tripleo, 'name-one'),
          promote(f.commits.compute, 'name-one'),
          promote(f.commits.tripleo, 'name-two'),
        ]),
      );

      expect(res.statusCode).toBe(201);
      for (const name of ['name-one', 'name-two']) {
        const repo = await readFile(join(f.reposDir, name, 'delorean.repo'), 'utf8');
        const md5 = createHash('md5').update(repo).digest('hex');
        const rows = await f.store.findPromotions({ promotionName: name });
        expect(
          rows.map((row) => row.aggregateHash),
          name,
        ).toEqual(rows.map(() => md5));
      }
      const one = await readFile(join(f.reposDir, 'name-one', 'delorean.repo'), 'utf8');
      expect(one).toContain('component-compute');
      expect(one).toContain('component-tripleo');
    });

    it('answers 400 for a body that is not a list of promotions', async () => {
      for (const body of [{}, [], [{ promote_name: 'x' }], 'text', [promote(f.commits.foo, 'x'), 5]]) {
        const res = await f.inject(post('/api/promote-batch', body));
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(errorResponse.parse(res.json()).message).toMatch(/Invalid parameters/);
      }
    });
  });

  describe('concurrent promotions to one name', () => {
    it('leave one symlink pointing at the commit of the newest row', async () => {
      const candidates = [f.commits.foo, f.commits.fooOld, f.commits.bar];

      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          f.inject(post('/api/promote', promote(candidates[i % 3]!, 'race'))),
        ),
      );

      expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 201));
      const rows = await f.store.findPromotions({ promotionName: 'race', limit: 100 });
      expect(rows).toHaveLength(24);
      const newest = rows[0]!;
      const commit = candidates.find((c) => c.id === newest.commitId)!;
      expect(await readlink(label('race'))).toBe(shardedCommitDir(commit));
    });
  });

  describe('GET /api/promotions', () => {
    it('lists promotions newest first, 100 at most by default, with offset and filters', async () => {
      for (let i = 0; i < 105; i++) {
        await f.store.recordPromotion({
          commitId: f.commits.foo.id,
          promotionName: i % 2 ? 'odd' : 'even',
          timestamp: NOW + i,
          user: 'writer',
        });
      }
      await f.store.recordPromotion({
        commitId: f.commits.tripleo.id,
        promotionName: 'c',
        component: 'tripleo',
        aggregateHash: 'agg1',
        timestamp: NOW + 200,
      });

      const all = z
        .array(promotionResponse)
        .parse((await f.inject({ method: 'GET', url: '/api/promotions' })).json());
      const capped = (await f.inject({ method: 'GET', url: '/api/promotions?limit=500' })).json<unknown[]>();
      const page = z
        .array(promotionResponse)
        .parse((await f.inject({ method: 'GET', url: '/api/promotions?offset=100&limit=50' })).json());
      const odd = (await f.inject({ method: 'GET', url: '/api/promotions?promote_name=odd&limit=3' })).json<
        { timestamp: number }[]
      >();
      const byAgg = (await f.inject({ method: 'GET', url: '/api/promotions?aggregate_hash=agg1' })).json<
        unknown[]
      >();
      const byComponent = (await f.inject({ method: 'GET', url: '/api/promotions?component=tripleo' })).json<
        unknown[]
      >();
      const byCommit = await f.inject({
        method: 'GET',
        url: `/api/promotions?commit_hash=${f.commits.tripleo.commitHash}&distro_hash=${f.commits.tripleo.distroHash}`,
      });

      expect(all).toHaveLength(100);
      expect(all[0]).toMatchObject({
        promote_name: 'c',
        component: 'tripleo',
        aggregate_hash: 'agg1',
        timestamp: NOW + 200,
      });
      expect(capped).toHaveLength(100);
      expect(page).toHaveLength(6);
      expect(odd.map((p) => p.timestamp)).toEqual([NOW + 103, NOW + 101, NOW + 99]);
      expect(byAgg).toHaveLength(1);
      expect(byComponent).toHaveLength(1);
      expect(byCommit.json()).toHaveLength(1);
    });

    it('answers 400 for half a hash pair or an unknown one', async () => {
      const half = await f.inject({
        method: 'GET',
        url: `/api/promotions?commit_hash=${f.commits.foo.commitHash}`,
      });
      const unknown = await f.inject({
        method: 'GET',
        url: `/api/promotions?commit_hash=${hashOf('x')}&distro_hash=${hashOf('y')}`,
      });
      const negative = await f.inject({ method: 'GET', url: '/api/promotions?offset=-1' });

      expect([half.statusCode, unknown.statusCode, negative.statusCode]).toEqual([400, 400, 400]);
      expect(errorResponse.parse(half.json()).message).toMatch(
        /Both commit_hash and distro_hash must be specified if one of them is/,
      );
    });
  });

  describe('GET /api/components', () => {
    it('lists the components ever promoted', async () => {
      expect(
        componentsResponse.parse((await f.inject({ method: 'GET', url: '/api/components' })).json()),
      ).toEqual({ components: [] });

      await f.inject(post('/api/promote', promote(f.commits.tripleo, 'x')));
      await f.inject(post('/api/promote', promote(f.commits.compute, 'x')));
      await f.inject(post('/api/promote', promote(f.commits.foo, 'y')));

      expect((await f.inject({ method: 'GET', url: '/api/components' })).json()).toEqual({
        components: ['compute', 'tripleo'],
      });
    });
  });
});
