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
  });
};
