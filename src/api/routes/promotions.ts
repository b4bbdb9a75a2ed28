import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

import { shardedCommitDir } from '../../layout/index.js';
import type { CommitRecord, PromotionRecord } from '../../store/index.js';
import { MAX_NAME_BYTES } from '../../util/names.js';
import type { ApiContext, RoutePluginOptions } from '../api-context.js';
import { addRoute, userOf } from '../define-route.js';
import { HttpError } from '../http-error.js';
import { promoteBatchInput, promoteInput, promotionsInput } from '../schemas/inputs.js';
import {
  componentsResponse,
  errorResponse,
  promotionResponse,
  type PromotionResponse,
} from '../schemas/responses.js';
import { checkPromoteName, type PromotionOutcome } from '../services/promoter.js';

interface CommitHashes {
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly component: string | null;
}

/** DLRN's promotion JSON: repo_hash is `<commit>_<distro[:8]>`, repo_url the snapshot under baseurl. */
export function promotionJson(
  ctx: ApiContext,
  commit: CommitHashes,
  promotion: PromotionRecord,
): PromotionResponse {
  return {
    timestamp: promotion.timestamp,
    commit_hash: commit.commitHash,
    distro_hash: commit.distroHash,
    extended_hash: commit.extendedHash,
    aggregate_hash: promotion.aggregateHash,
    repo_hash: `${commit.commitHash}_${commit.distroHash.slice(0, 8)}`,
    repo_url: `${ctx.baseurl}/${shardedCommitDir(commit)}`,
    promote_name: promotion.promotionName,
    component: promotion.component,
    user: promotion.user,
  };
}

function outcomeJson(ctx: ApiContext, outcome: PromotionOutcome): PromotionResponse {
  const commit: CommitRecord = outcome.commit;
  return promotionJson(ctx, commit, outcome.promotion);
}

/** A bad promote_name is 403 before any other check, as DLRN's validator raises it first. */
function precheckName(raw: unknown): void {
  const name = (raw as { promote_name?: unknown } | null)?.promote_name;
  if (typeof name === 'string') checkPromoteName(name);
}

const writeErrors = {
  400: {
    description: `Invalid parameters (promote_name over ${MAX_NAME_BYTES} bytes), or no successful build with these hashes`,
    schema: errorResponse,
  },
  401: { description: 'No or wrong credentials', schema: errorResponse },
  403: {
    description: 'The user lacks the write role, or the name is reserved or not a plain name',
    schema: errorResponse,
  },
  409: { description: 'The label path exists and is not a symlink', schema: errorResponse },
  410: { description: 'The snapshot was purged', schema: errorResponse },
  415: { description: 'The body is not JSON', schema: errorResponse },
} as const;

/** GET /api/promotions, GET /api/components, POST /api/promote, POST /api/promote-batch. */
export const promotionRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/promotions',
    operationId: 'getPromotions',
    summary: 'Get promotions, newest first',
    description:
      'At most 100 per query (DLRN returned every promotion when no limit was given); page with offset.',
    tags: ['promotions'],
    access: 'read',
    input: promotionsInput,
    responses: {
      200: { description: 'The promotions', schema: z.array(promotionResponse) },
      400: {
        description: 'Invalid parameters, or no successful build with these hashes',
        schema: errorResponse,
      },
    },
    handler: async ({ input }): Promise<PromotionResponse[]> => {
      let commitId: number | undefined;
      if (input.commit_hash && input.distro_hash) {
        const commit = await ctx.store.findSuccessfulCommit({
          commitHash: input.commit_hash,
          distroHash: input.distro_hash,
          ...(input.extended_hash ? { extendedHash: input.extended_hash } : {}),
        });
        if (!commit) throw new HttpError(400, 'commit_hash+distro_hash+extended_hash combination not found');
        commitId = commit.id;
      }
      const promotions = await ctx.store.findPromotions({
        ...(commitId === undefined ? {} : { commitId }),
        ...(input.promote_name === undefined ? {} : { promotionName: input.promote_name }),
        ...(input.aggregate_hash === undefined ? {} : { aggregateHash: input.aggregate_hash }),
        ...(input.component === undefined ? {} : { component: input.component }),
        limit: input.limit,
        offset: input.offset ?? 0,
      });
      return promotions.map((promotion) =>
        promotionJson(
          ctx,
          {
            commitHash: promotion.commitHash,
            distroHash: promotion.distroHash,
            extendedHash: promotion.extendedHash,
            component: promotion.commitComponent,
          },
          promotion,
        ),
      );
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/components',
    operationId: 'getComponents',
    summary: 'Every component that was ever promoted',
    tags: ['promotions'],
    access: 'read',
    responses: { 200: { description: 'Component names, sorted', schema: componentsResponse } },
    handler: async () => ({ components: await ctx.store.promotionComponents() }),
  });

  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/promote',
    operationId: 'promote',
    summary: 'Promote a repository: point the label promote_name at it and record the promotion',
    description:
      'The label symlink is switched atomically. With components, the label lives in the component directory and the ' +
      'aggregate delorean.repo of the name is recomputed; its md5 is the aggregate_hash.',
    tags: ['promotions'],
    access: 'write',
    input: promoteInput,
    precheck: precheckName,
    status: 201,
    responses: { 201: { description: 'The promotion', schema: promotionResponse }, ...writeErrors },
    handler: async ({ input, identity, request }) => {
      const [outcome] = await ctx.promoter.promote(
        [
          {
            commitHash: input.commit_hash,
            distroHash: input.distro_hash,
            extendedHash: input.extended_hash,
            promoteName: input.promote_name,
          },
        ],
        userOf(identity),
      );
      ctx.counts.add('promotions');
      request.log.info(
        {
          event: 'promotion',
          name: input.promote_name,
          commit: input.commit_hash,
          aggregate: outcome!.promotion.aggregateHash,
          user: userOf(identity),
        },
        'promotion recorded',
      );
      return outcomeJson(ctx, outcome!);
    },
  });

  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/promote-batch',
    operationId: 'promoteBatch',
    summary: 'Promote several repositories at once, all or nothing',
    description:
      'Every item is checked before anything changes; if a link or the database write fails, every link is put back. ' +
      'With components the aggregate of every promoted name is recomputed (DLRN did it only for the last name). ' +
      'Returns the last promotion, as DLRN.',
    tags: ['promotions'],
    access: 'write',
    input: promoteBatchInput,
    precheck: (raw) => {
      if (Array.isArray(raw)) for (const item of raw) precheckName(item);
    },
    status: 201,
    responses: {
      201: { description: 'The last promotion of the batch', schema: promotionResponse },
      ...writeErrors,
    },
    handler: async ({ input, identity, request }) => {
      const outcomes = await ctx.promoter.promote(
        input.map((item) => ({
          commitHash: item.commit_hash,
          distroHash: item.distro_hash,
          extendedHash: item.extended_hash,
          promoteName: item.promote_name,
        })),
        userOf(identity),
      );
      ctx.counts.add('promotions', outcomes.length);
      for (const outcome of outcomes) {
        request.log.info(
          {
            event: 'promotion',
            batch: true,
            name: outcome.promotion.promotionName,
            commit: outcome.commit.commitHash,
            aggregate: outcome.promotion.aggregateHash,
            user: userOf(identity),
          },
          'promotion recorded',
        );
      }
      return outcomeJson(ctx, outcomes[outcomes.length - 1]!);
    },
  });
  return Promise.resolve();
};
