import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { DEFAULT_VOTE_LIST_LIMIT } from '../../store/index.js';
import type { RoutePluginOptions } from '../api-context.js';
import { addRoute } from '../define-route.js';
import { HttpError } from '../http-error.js';
import { aggStatusInput, repoStatusInput } from '../schemas/inputs.js';
import {
  aggregateVoteResponse,
  errorResponse,
  voteResponse,
  type AggregateVoteResponse,
  type VoteResponse,
} from '../schemas/responses.js';
import { optional, wireCount } from '../schemas/wire-types.js';

/** Most votes one answer holds (also the default): DLRN's answer is unchanged up to this many votes on a hash. */
export const MAX_VOTE_LIST_LIMIT = DEFAULT_VOTE_LIST_LIMIT;

/** ferry's paging of DLRN's unbounded listings: the `limit` newest votes after skipping the `offset` newest. */
const pageFields = {
  offset: optional(wireCount),
  limit: optional(wireCount).transform((limit) =>
    Math.min(limit ?? MAX_VOTE_LIST_LIMIT, MAX_VOTE_LIST_LIMIT),
  ),
};

const PAGING =
  `The newest ${MAX_VOTE_LIST_LIMIT} votes by default and at most (\`limit\`, ferry's addition; DLRN returned ` +
  'every vote), oldest first, as DLRN lists them; `offset` skips the newest. When older votes remain, the ' +
  'answer has a `Link: <…>; rel="next"` header with the offset of the next page.';

/**
 * Asks for one vote more than the page: if it comes, older votes remain. Returns
 * the page (oldest first) and sets the Link header to the next one.
 */
function pageOf<T>(
  rows: readonly T[],
  page: { offset: number; limit: number },
  request: FastifyRequest,
  reply: FastifyReply,
): readonly T[] {
  if (rows.length <= page.limit) return rows;
  const url = new URL(request.url, 'http://host');
  url.searchParams.set('offset', String(page.offset + page.limit));
  url.searchParams.set('limit', String(page.limit));
  void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  // The extra vote is the oldest one: the page is the newest `limit`.
  return rows.slice(rows.length - page.limit);
}

/** GET /api/repo_status and /api/agg_status: the votes on one snapshot or one aggregate hash, newest page. */
export const voteStatusRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/repo_status',
    operationId: 'getRepoStatus',
    summary: 'Get all the CI reports for a specific repository',
    description: PAGING,
    tags: ['votes'],
    access: 'read',
    input: repoStatusInput.extend(pageFields),
    responses: {
      200: { description: 'The votes, oldest first', schema: z.array(voteResponse) },
      400: {
        description: 'Invalid parameters, or no successful build with these hashes',
        schema: errorResponse,
      },
    },
    handler: async ({ input, request, reply }): Promise<VoteResponse[]> => {
      const commit = await ctx.store.findSuccessfulCommit({
        commitHash: input.commit_hash,
        distroHash: input.distro_hash,
        ...(input.extended_hash ? { extendedHash: input.extended_hash } : {}),
      });
      if (!commit) throw new HttpError(400, 'commit_hash+distro_hash+extended_hash combination not found');
      const page = { offset: input.offset ?? 0, limit: input.limit };
      const votes = await ctx.store.votesForCommit(commit.id, {
        ...(input.success === undefined ? {} : { success: input.success }),
        offset: page.offset,
        limit: page.limit + 1,
      });
      return pageOf(votes, page, request, reply).map((vote) => ({
        timestamp: vote.timestamp,
        commit_hash: commit.commitHash,
        distro_hash: commit.distroHash,
        extended_hash: commit.extendedHash,
        job_id: vote.ciName,
        success: vote.ciVote,
        in_progress: vote.ciInProgress,
        url: vote.ciUrl,
        notes: vote.notes,
        user: vote.user,
        component: vote.component,
      }));
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/agg_status',
    operationId: 'getAggStatus',
    summary: 'Get all the CI reports for a specific aggregated repository',
    description: PAGING,
    tags: ['votes'],
    access: 'read',
    input: aggStatusInput.extend(pageFields),
    responses: {
      200: {
        description: 'The votes, oldest first (empty for an unknown hash, as DLRN)',
        schema: z.array(aggregateVoteResponse),
      },
      400: { description: 'Invalid parameters', schema: errorResponse },
    },
    handler: async ({ input, request, reply }): Promise<AggregateVoteResponse[]> => {
      const page = { offset: input.offset ?? 0, limit: input.limit };
      const votes = await ctx.store.aggregateVotes(input.aggregate_hash, {
        ...(input.success === undefined ? {} : { success: input.success }),
        offset: page.offset,
        limit: page.limit + 1,
      });
      return pageOf(votes, page, request, reply).map((vote) => ({
        timestamp: vote.timestamp,
        aggregate_hash: vote.refHash,
        job_id: vote.ciName,
        success: vote.ciVote,
        in_progress: vote.ciInProgress,
        url: vote.ciUrl,
        notes: vote.notes,
        user: vote.user,
      }));
    },
  });
  return Promise.resolve();
};
