import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

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

/** GET /api/repo_status and /api/agg_status: every vote on one snapshot or one aggregate hash. */
export const voteStatusRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/repo_status',
    operationId: 'getRepoStatus',
    summary: 'Get all the CI reports for a specific repository',
    tags: ['votes'],
    access: 'read',
    input: repoStatusInput,
    responses: {
      200: { description: 'The votes, oldest first', schema: z.array(voteResponse) },
      400: {
        description: 'Invalid parameters, or no successful build with these hashes',
        schema: errorResponse,
      },
    },
    handler: async ({ input }): Promise<VoteResponse[]> => {
      const commit = await ctx.store.findSuccessfulCommit({
        commitHash: input.commit_hash,
        distroHash: input.distro_hash,
        ...(input.extended_hash ? { extendedHash: input.extended_hash } : {}),
      });
      if (!commit) throw new HttpError(400, 'commit_hash+distro_hash+extended_hash combination not found');
      const votes = await ctx.store.votesForCommit(
        commit.id,
        input.success === undefined ? {} : { success: input.success },
      );
      return votes.map((vote) => ({
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
    tags: ['votes'],
    access: 'read',
    input: aggStatusInput,
    responses: {
      200: {
        description: 'The votes, oldest first (empty for an unknown hash, as DLRN)',
        schema: z.array(aggregateVoteResponse),
      },
      400: { description: 'Invalid parameters', schema: errorResponse },
    },
    handler: async ({ input }): Promise<AggregateVoteResponse[]> => {
      const votes = await ctx.store.aggregateVotes(
        input.aggregate_hash,
        input.success === undefined ? {} : { success: input.success },
      );
      return votes.map((vote) => ({
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
