import type { FastifyPluginAsync } from 'fastify';
import mercurius from 'mercurius';

import type { RoutePluginOptions } from '../api-context.js';
import { graphqlResolvers, type GraphqlContext } from '../graphql/graphql-resolvers.js';
import { GRAPHQL_SCHEMA } from '../graphql/graphql-schema.js';

/**
 * /api/graphql (GET with `?query=`, or POST JSON), DLRN's read-only queries.
 * Reads follow server.protect_reads like every other read (DLRN left GraphQL
 * unprotected). Query errors answer in GraphQL's own format (`errors`, each
 * with a `message`); HTTP-level errors (401, 413…) are `{"message"}`.
 */
export const graphqlRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  // GraphQL's error answers carry `errors`; add the `message` every other error of the API has.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    try {
      const body = JSON.parse(payload) as { message?: unknown; errors?: { message?: unknown }[] };
      if (body.message !== undefined || !Array.isArray(body.errors)) return payload;
      return JSON.stringify({ message: body.errors.map((e) => String(e.message)).join('; '), ...body });
    } catch {
      return payload;
    }
  });
  await app.register(mercurius, {
    schema: GRAPHQL_SCHEMA,
    resolvers: graphqlResolvers as never,
    path: '/api/graphql',
    graphiql: false,
    // Errors raised before the query runs (authentication, body size) use the app's {"message"} handler.
    errorHandler: false,
    queryDepth: 8,
    allowBatchedQueries: false,
    context: (): GraphqlContext => ({ store: ctx.store, packages: ctx.packages, commitCache: new Map() }),
    // A request that produced no data at all (a mutation, say) is the client's error: 400, as DLRN's
    // graphene answers; a partial result keeps GraphQL's 200 with its errors.
    errorFormatter: (execution: { data?: unknown }, context: unknown) => {
      const formatted = mercurius.defaultErrorFormatter(execution as never, context as never);
      const failed = execution.data === null || execution.data === undefined;
      return { ...formatted, statusCode: failed && formatted.statusCode < 400 ? 400 : formatted.statusCode };
    },
  });
};
