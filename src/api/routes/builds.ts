import type { FastifyPluginAsync } from 'fastify';

import { isFerryError } from '../../errors.js';
import type { RoutePluginOptions } from '../api-context.js';
import { addRoute } from '../define-route.js';
import { HttpError } from '../http-error.js';
import { metricsInput, recheckPackageInput } from '../schemas/inputs.js';
import { errorResponse, metricsResponse, recheckResponse } from '../schemas/responses.js';

/** GET /api/metrics/builds and POST /api/recheck_package. */
export const buildRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/metrics/builds',
    operationId: 'getBuildMetrics',
    summary: 'Successful and failed builds over a period',
    description:
      'Builds whose build started in [start_date, end_date) UTC: from 00:00 of start_date up to, not including, ' +
      '00:00 of end_date, for successes and failures alike (DLRN counted failures up to end_date inclusive).',
    tags: ['builds'],
    access: 'read',
    input: metricsInput,
    responses: {
      200: { description: 'Counts', schema: metricsResponse },
      400: { description: 'Invalid parameters', schema: errorResponse },
    },
    handler: async ({ input }) =>
      ctx.store.buildMetrics({
        start: input.start_date,
        end: input.end_date,
        ...(input.package_name === undefined ? {} : { project: input.package_name }),
      }),
  });

  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/recheck_package',
    operationId: 'recheckPackage',
    summary:
      'Recheck a package whose last build failed: its record is removed, so the chaser builds it again',
    tags: ['builds'],
    access: 'write',
    input: recheckPackageInput,
    inputSource: 'loose',
    status: 201,
    responses: {
      201: { description: 'Rechecked', schema: recheckResponse },
      400: {
        description: 'Invalid parameters, or no build (other than RETRY) of the package',
        schema: errorResponse,
      },
      401: { description: 'No or wrong credentials', schema: errorResponse },
      403: { description: 'The user lacks the write role', schema: errorResponse },
      409: { description: 'The last build succeeded', schema: errorResponse },
    },
    handler: async ({ input, request }) => {
      const name = input.package_name;
      const commit = await ctx.store.lastProcessedCommit(name);
      if (!commit) {
        throw new HttpError(
          400,
          `Error while rechecking ${name}. There are no existing commits or the commit to be rechecked is already marked as RETRY.`,
        );
      }
      if (commit.status === 'SUCCESS') {
        throw new HttpError(
          409,
          `Error while rechecking ${name}. It's not possible to recheck a successful commit`,
        );
      }
      try {
        await ctx.store.deleteCommit(commit.id);
      } catch (error) {
        if (isFerryError(error) && error.code === 'FERRY_CONFLICT') throw new HttpError(409, error.message);
        if (isFerryError(error) && error.code === 'FERRY_NOT_FOUND') {
          throw new HttpError(409, `Error while rechecking ${name}: it was rechecked at the same time`);
        }
        throw error;
      }
      ctx.counts.add('failed', -1);
      request.log.info(
        { event: 'recheck', package: name, commit: commit.commitHash },
        `Successful recheck for ${name}`,
      );
      return { result: 'ok' };
    },
  });
  return Promise.resolve();
};
