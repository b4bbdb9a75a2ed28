import type { FastifyPluginAsync } from 'fastify';

import type { RoutePluginOptions } from '../api-context.js';
import { addRoute, userOf } from '../define-route.js';
import { HttpError } from '../http-error.js';
import { reportResultSchema } from '../schemas/inputs.js';
import { checkJobName } from '../services/job-names.js';
import { errorResponse, reportResultResponse, type ReportResultResponse } from '../schemas/responses.js';

/** POST /api/report_result: a CI job's vote on a snapshot (commit+distro hashes) or on an aggregate hash. */
export const reportResultRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/report_result',
    operationId: 'reportResult',
    summary: 'Report the result of a CI job',
    description:
      'Either commit_hash and distro_hash (optionally extended_hash) of a successful build, or the aggregate_hash of a promotion.',
    tags: ['votes'],
    access: 'write',
    input: reportResultSchema(ctx.clock),
    status: 201,
    responses: {
      201: { description: 'The vote recorded', schema: reportResultResponse },
      400: {
        description:
          "Invalid parameters (a timestamp outside 1970 to one day past the server's clock), or unknown hashes",
        schema: errorResponse,
      },
      401: { description: 'No or wrong credentials', schema: errorResponse },
      403: {
        description:
          'The user lacks the write role, or job_id is reserved (current, consistent, a promotion name)',
        schema: errorResponse,
      },
      415: { description: 'The body is not JSON', schema: errorResponse },
    },
    handler: async ({ input, identity, request }): Promise<ReportResultResponse> => {
      await checkJobName(ctx.store, 'job_id', input.job_id);
      const user = userOf(identity);
      const echo = {
        timestamp: input.timestamp,
        job_id: input.job_id,
        success: input.success,
        in_progress: false,
        url: input.url,
        notes: input.notes,
        user,
      };
      if (input.commit_hash && input.distro_hash) {
        const commit = await ctx.store.findVotedCommit({
          commitHash: input.commit_hash,
          distroHash: input.distro_hash,
          ...(input.extended_hash ? { extendedHash: input.extended_hash } : {}),
        });
        if (!commit) throw new HttpError(400, 'commit_hash+distro_hash+extended_hash combination not found');
        await ctx.votes.record({
          commitId: commit.id,
          ciName: input.job_id,
          ciUrl: input.url,
          ciVote: input.success,
          ciInProgress: false,
          timestamp: input.timestamp,
          notes: input.notes,
          user,
          component: commit.component,
        });
        ctx.counts.add('votes');
        request.log.info(
          {
            event: 'vote',
            commit: commit.commitHash,
            distro: commit.distroHash,
            job: input.job_id,
            success: input.success,
            user,
          },
          'vote recorded',
        );
        return {
          ...echo,
          commit_hash: input.commit_hash,
          distro_hash: input.distro_hash,
          extended_hash: commit.extendedHash,
          aggregate_hash: null,
          component: commit.component,
        };
      }
      const aggregateHash = input.aggregate_hash!;
      if (!(await ctx.store.isKnownAggregateHash(aggregateHash))) {
        throw new HttpError(400, 'aggregate_hash not found');
      }
      await ctx.store.recordAggregateVote({
        refHash: aggregateHash,
        ciName: input.job_id,
        ciUrl: input.url,
        ciVote: input.success,
        ciInProgress: false,
        timestamp: input.timestamp,
        notes: input.notes,
        user,
      });
      ctx.counts.add('aggregateVotes');
      request.log.info(
        { event: 'vote', aggregate: aggregateHash, job: input.job_id, success: input.success, user },
        'vote recorded',
      );
      return {
        ...echo,
        commit_hash: null,
        distro_hash: null,
        extended_hash: null,
        aggregate_hash: aggregateHash,
        component: null,
      };
    },
  });
  return Promise.resolve();
};
