import type { Kysely } from 'kysely';

import { toPromotion, type PromotionRecord, type PromotionWithCommit } from './records.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/** DLRN's promotions endpoint returned everything when no limit was given; ferry pages by 100. */
export const DEFAULT_PROMOTION_LIMIT = 100;

export interface NewPromotion {
  readonly commitId: number;
  readonly promotionName: string;
  /** Unix seconds; default the store's clock. */
  readonly timestamp?: number;
  readonly user?: string | null;
  readonly component?: string | null;
  readonly aggregateHash?: string | null;
}

/** Filters of `findPromotions` (DLRN's `promotions` endpoint). */
export interface PromotionFilter {
  readonly commitId?: number;
  readonly promotionName?: string;
  readonly aggregateHash?: string;
  readonly component?: string;
  /** Default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

export async function recordPromotion(ctx: StoreContext, input: NewPromotion): Promise<PromotionRecord> {
  const row = await ctx.db
    .insertInto('promotions')
    .values({
      commit_id: input.commitId,
      promotion_name: input.promotionName,
      timestamp: input.timestamp ?? ctx.clock(),
      user: input.user ?? null,
      component: input.component ?? null,
      aggregate_hash: input.aggregateHash ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPromotion(row);
}

export function findPromotionsQuery(db: Kysely<Database>, filter: PromotionFilter) {
  let query = db
    .selectFrom('promotions')
    .innerJoin('commits', 'commits.id', 'promotions.commit_id')
    .selectAll('promotions')
    .select([
      'commits.commit_hash as commit_hash',
      'commits.distro_hash as distro_hash',
      'commits.extended_hash as extended_hash',
      'commits.component as commit_component',
    ]);
  if (filter.commitId !== undefined) query = query.where('promotions.commit_id', '=', filter.commitId);
  if (filter.promotionName !== undefined) {
    query = query.where('promotions.promotion_name', '=', filter.promotionName);
  }
  if (filter.aggregateHash !== undefined) {
    query = query.where('promotions.aggregate_hash', '=', filter.aggregateHash);
  }
  if (filter.component !== undefined) query = query.where('promotions.component', '=', filter.component);
  return query
    .orderBy('promotions.id', 'desc')
    .limit(filter.limit ?? DEFAULT_PROMOTION_LIMIT)
    .offset(filter.offset ?? 0);
}

/** Promotions matching `filter`, newest first, with their commit's hashes; one page (default 100). */
export async function findPromotions(
  ctx: StoreContext,
  filter: PromotionFilter = {},
): Promise<PromotionWithCommit[]> {
  const rows = await findPromotionsQuery(ctx.db, filter).execute();
  return rows.map((row) => ({
    ...toPromotion(row),
    commitHash: row.commit_hash,
    distroHash: row.distro_hash,
    extendedHash: row.extended_hash,
    commitComponent: row.commit_component,
  }));
}

/** The newest promotion under a name (per component when given): where that label points. */
export async function latestPromotion(
  ctx: StoreContext,
  promotionName: string,
  component?: string,
): Promise<PromotionWithCommit | undefined> {
  const [promotion] = await findPromotions(ctx, {
    promotionName,
    ...(component === undefined ? {} : { component }),
    limit: 1,
  });
  return promotion;
}

/** True when some promotion produced this aggregate hash (report_result on an aggregate checks it). */
export async function isKnownAggregateHash(ctx: StoreContext, aggregateHash: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('promotions')
    .select('id')
    .where('aggregate_hash', '=', aggregateHash)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every component that was ever promoted, sorted (DLRN's `getComponents`, the `components` endpoint). */
export async function promotionComponents(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('promotions')
    .select('component')
    .distinct()
    .where('component', 'is not', null)
    .where('component', '!=', '')
    .orderBy('component')
    .execute();
  return rows.map((row) => row.component).filter((c): c is string => c !== null);
}

/** The promotion names in use, sorted (for `ferry status` and the dashboard). */
export async function promotionNames(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('promotions')
    .select('promotion_name')
    .distinct()
    .orderBy('promotion_name')
    .execute();
  return rows.map((row) => row.promotion_name);
}
