import type { FastifyPluginAsync } from 'fastify';

import type { RoutePluginOptions } from '../api-context.js';
import { addRoute } from '../define-route.js';
import { errorResponse, healthResponse } from '../schemas/responses.js';

/** GET and POST /api/health: a database round trip; POST also proves the credentials (write role). */
export const healthRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  const check = async (): Promise<{ result: string }> => {
    const [commit] = await ctx.store.findCommits({ type: null, limit: 1 });
    return { result: commit ? 'ok' : 'ok, no commits in DB' };
  };
  for (const method of ['GET', 'POST'] as const) {
    addRoute(app, ctx.routes, {
      method,
      url: '/api/health',
      operationId: method === 'GET' ? 'getHealth' : 'postHealth',
      summary:
        method === 'GET'
          ? 'Check the API and its database'
          : 'Check the API, its database and the credentials (write role)',
      tags: ['health'],
      access: method === 'GET' ? 'read' : 'write',
      // DLRN's health POST takes no input, so any body (or none) is fine.
      inputSource: 'loose',
      responses: {
        200: { description: '`ok`, or `ok, no commits in DB`', schema: healthResponse },
        401: { description: 'No or wrong credentials', schema: errorResponse },
        403: {
          description:
            method === 'POST'
              ? 'The user lacks the write role'
              : 'The user lacks the read role (protect_reads)',
          schema: errorResponse,
        },
      },
      handler: check,
    });
  }
  return Promise.resolve();
};
