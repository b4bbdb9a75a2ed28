import type { FastifyPluginAsync } from 'fastify';

import type { CiVoteRecord, CommitRecord, VoteWithCommit } from '../../store/index.js';
import type { ApiContext, RoutePluginOptions } from '../api-context.js';
import { addRoute, userOf } from '../define-route.js';
import { HttpError } from '../http-error.js';
import { lastTestedRepoInput, lastTestedRepoPostInput, type LastTestedRepoInput } from '../schemas/inputs.js';
import { errorResponse, repoResponse, type RepoResponse } from '../schemas/responses.js';
import { checkJobName } from '../services/job-names.js';

/** DLRN: votes newer than now - max_age hours; 0 means any age. */
export function oldestVoteTime(now: number, maxAgeHours: number): number {
  return maxAgeHours === 0 ? 0 : Math.max(0, now - maxAgeHours * 3600);
}

async function findLastTested(ctx: ApiContext, input: LastTestedRepoInput): Promise<VoteWithCommit> {
  const found = await ctx.store.lastTestedVote({
    after: oldestVoteTime(ctx.clock(), input.max_age),
    ...(input.success === undefined ? {} : { success: input.success }),
    ...(input.job_id === undefined ? {} : { jobId: input.job_id }),
    ...(input.component === undefined ? {} : { component: input.component }),
    ...(input.sequential_mode ? { sequential: true, previousJobId: input.previous_job_id } : {}),
  });
  if (!found) throw new HttpError(400, 'No vote found');
  return found;
}

export function repoOf(commit: CommitRecord, vote: CiVoteRecord): RepoResponse {
  return {
    commit_hash: commit.commitHash,
    distro_hash: commit.distroHash,
    extended_hash: commit.extendedHash,
    timestamp: vote.timestamp,
    job_id: vote.ciName,
    success: vote.ciVote,
    in_progress: vote.ciInProgress,
    user: vote.user,
    component: vote.component,
  };
}

const DESCRIPTION = `The newest repository tested within max_age hours, following DLRN's order:
the newest vote of job_id (or of any CI when no job_id is given), then of any CI, then the newest
\`consistent\` vote; every step keeps the success and component filters (DLRN's fallbacks dropped
them). With sequential_mode only votes of previous_job_id count, without fallback.`;

/** GET and POST /api/last_tested_repo. */
export const lastTestedRepoRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/last_tested_repo',
    operationId: 'getLastTestedRepo',
    summary: 'Get the last tested repo since a specific time',
    description: DESCRIPTION,
    tags: ['votes'],
    access: 'read',
    input: lastTestedRepoInput,
    responses: {
      200: { description: 'The repository and the vote that selected it', schema: repoResponse },
      400: { description: 'Invalid parameters, or no vote found', schema: errorResponse },
    },
    handler: async ({ input }) => {
      const { vote, commit } = await findLastTested(ctx, input);
      return repoOf(commit, vote);
    },
  });

  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/last_tested_repo',
    operationId: 'postLastTestedRepo',
    summary: 'Get the last tested repo and record an in-progress vote of reporting_job_id on it',
    description: DESCRIPTION,
    tags: ['votes'],
    access: 'write',
    input: lastTestedRepoPostInput,
    status: 201,
    responses: {
      201: { description: 'The repository, with the in-progress vote just recorded', schema: repoResponse },
      400: { description: 'Invalid parameters, or no vote found', schema: errorResponse },
      401: { description: 'No or wrong credentials', schema: errorResponse },
      403: {
        description:
          'The user lacks the write role, or reporting_job_id is reserved (current, consistent, a promotion name)',
        schema: errorResponse,
      },
      415: { description: 'The body is not JSON', schema: errorResponse },
    },
    handler: async ({ input, identity, request }) => {
      await checkJobName(ctx.store, 'reporting_job_id', input.reporting_job_id);
      const { vote, commit } = await findLastTested(ctx, input);
      const recorded = await ctx.votes.record({
        commitId: commit.id,
        ciName: input.reporting_job_id,
        ciUrl: '',
        ciVote: false,
        ciInProgress: true,
        timestamp: ctx.clock(),
        notes: '',
        user: userOf(identity),
        component: vote.component,
      });
      ctx.counts.add('votes');
      request.log.info(
        {
          event: 'vote',
          commit: commit.commitHash,
          distro: commit.distroHash,
          job: input.reporting_job_id,
          user: userOf(identity),
        },
        'in-progress vote recorded',
      );
      return repoOf(commit, recorded);
    },
  });
  return Promise.resolve();
};
