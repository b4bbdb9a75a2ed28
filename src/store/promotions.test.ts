import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from './open-store.js';
import type { CommitRecord } from './records.js';

const NOW = 1_700_000_000;

describe.each(TEST_DIALECTS)('promotions on %s', (dialect) => {
  let store: Store;
  let c1: CommitRecord;
  let c2: CommitRecord;
  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
    const base = { projectName: 'foo', distroHash: 'd'.repeat(40), status: 'SUCCESS' as const };
    c1 = await store.recordCommit({
      ...base,
      commitHash: '1'.repeat(40),
      extendedHash: 'e'.repeat(40),
      component: 'net',
    });
    c2 = await store.recordCommit({ ...base, commitHash: '2'.repeat(40), component: 'compute' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('records a promotion and returns it with its commit hashes', async () => {
    const promotion = await store.recordPromotion({
      commitId: c1.id,
      promotionName: 'tripleo-ci-testing',
      user: 'promoter',
      component: 'net',
      aggregateHash: 'f'.repeat(32),
    });

    const found = await store.findPromotions();

    expect(promotion).toEqual({
      id: promotion.id,
      commitId: c1.id,
      promotionName: 'tripleo-ci-testing',
      timestamp: NOW,
      user: 'promoter',
      component: 'net',
      aggregateHash: 'f'.repeat(32),
    });
    expect(found).toEqual([
      {
        ...promotion,
        commitHash: c1.commitHash,
        distroHash: c1.distroHash,
        extendedHash: c1.extendedHash,
        commitComponent: 'net',
      },
    ]);
  });

  it('filters by commit, name, aggregate hash and component, newest first, paged by 100', async () => {
    const p1 = await store.recordPromotion({
      commitId: c1.id,
      promotionName: 'testing',
      timestamp: 10,
      component: 'net',
    });
    const p2 = await store.recordPromotion({
      commitId: c2.id,
      promotionName: 'testing',
      timestamp: 20,
      aggregateHash: 'h',
    });
    const p3 = await store.recordPromotion({
      commitId: c2.id,
      promotionName: 'current-tripleo',
      timestamp: 30,
    });
    const ids = (list: readonly { id: number }[]) => list.map((p) => p.id);

    expect(ids(await store.findPromotions())).toEqual([p3.id, p2.id, p1.id]);
    expect(ids(await store.findPromotions({ commitId: c2.id }))).toEqual([p3.id, p2.id]);
    expect(ids(await store.findPromotions({ promotionName: 'testing' }))).toEqual([p2.id, p1.id]);
    expect(ids(await store.findPromotions({ aggregateHash: 'h' }))).toEqual([p2.id]);
    expect(ids(await store.findPromotions({ component: 'net' }))).toEqual([p1.id]);
    expect(ids(await store.findPromotions({ limit: 1, offset: 1 }))).toEqual([p2.id]);
    expect((await store.latestPromotion('testing'))?.id).toBe(p2.id);
    expect((await store.latestPromotion('testing', 'net'))?.id).toBe(p1.id);
    expect(await store.latestPromotion('nope')).toBeUndefined();
    expect(await store.isKnownAggregateHash('h')).toBe(true);
    expect(await store.isKnownAggregateHash('x')).toBe(false);
    expect(await store.promotionComponents()).toEqual(['net']);
    expect(await store.promotionNames()).toEqual(['current-tripleo', 'testing']);
  });

  it('returns at most 100 promotions by default (DLRN returned them all)', async () => {
    await store.bulkInsert(
      'promotions',
      Array.from({ length: 130 }, (_, i) => ({ commit_id: c1.id, promotion_name: `p${i}`, timestamp: i })),
    );

    expect(await store.findPromotions()).toHaveLength(100);
    expect(await store.findPromotions({ offset: 100 })).toHaveLength(30);
  });

  it('refuses a promotion of a commit that does not exist', async () => {
    await expect(store.recordPromotion({ commitId: 12345, promotionName: 'x' })).rejects.toThrow();
    expect(await store.findPromotions()).toEqual([]);
  });
});
