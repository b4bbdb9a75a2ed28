import type { FastifyPluginAsync } from 'fastify';
import mercurius from 'mercurius';

import type { RoutePluginOptions } from '../api-context.js';
import { graphqlResolvers, type GraphqlContext } from '../graphql/graphql-resolvers.js';
import { GRAPHQL_SCHEMA } from '../graphql/graphql-schema.js';
import { GRAPHQL_LIMITS, queryLimitRules, type QueryRequest } from '../graphql/query-limits.js';
import { ReadGate } from '../graphql/read-gate.js';
import { HttpError } from '../http-error.js';

/** The query text of a GET (`?query=`) or POST (`{"query"}`) request, if it is a string. */
function queryText(request: { query: unknown; body: unknown }): string | undefined {
  for (const holder of [request.body, request.query]) {
    const text = (holder as { query?: unknown } | null | undefined)?.query;
    if (typeof text === 'string') return text;
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * /api/graphql (GET with `?query=`, or POST JSON), DLRN's read-only queries.
 * Reads follow server.protect_reads like every other read (DLRN left GraphQL
 * unprotected). Query errors answer in GraphQL's own format (`errors`, each
 * with a `message`); HTTP-level errors (401, 413…) are `{"message"}`.
 *
 * A query is bounded before it runs (GRAPHQL_LIMITS: size, tokens, depth,
 * aliases, directives, estimated cost; 400 naming the limit), and its store
 * reads take turns through one ReadGate, so costly queries never hold the
 * event loop for more than one read at a time.
 */
export const graphqlRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  // The size check comes before parsing: parsing is the first cost a query imposes.
  app.addHook('preHandler', (request, _reply, done) => {
    const text = queryText(request);
    if (text !== undefined && text.length > GRAPHQL_LIMITS.maxQueryChars) {
      done(
        new HttpError(
          400,
          `GraphQL query too long: ${text.length} characters, at most ${GRAPHQL_LIMITS.maxQueryChars}`,
        ),
      );
      return;
    }
    // mercurius takes query text that is not GraphQL but parses as JSON for a ready-made syntax tree:
    // that skips the token limit, and a JSON value that is no tree ("0", "null") made validation throw
    // (a 500). No GraphQL document is valid JSON, so such text is refused like any syntax error.
    if (text !== undefined && isJson(text)) {
      done(new HttpError(400, 'Syntax Error: the query is JSON, not a GraphQL document'));
      return;
    }
    done();
  });
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
  const gate = new ReadGate();
  await app.register(mercurius, {
    schema: GRAPHQL_SCHEMA,
    resolvers: graphqlResolvers as never,
    path: '/api/graphql',
    graphiql: false,
    // Errors raised before the query runs (authentication, body size) use the app's {"message"} handler.
    errorHandler: false,
    queryDepth: GRAPHQL_LIMITS.maxDepth,
    graphql: { parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens } },
    allowBatchedQueries: false,
    // The cost depends on the variables (`limit: $n`), so the rules see each request: no parse cache
    // (mercurius refuses rules given as a function with it). Parsing a bounded document is cheap.
    cache: false,
    validationRules: (request: QueryRequest) => queryLimitRules(request),
    context: (): GraphqlContext => ({
      store: ctx.store,
      packages: ctx.packages,
      commitCache: new Map(),
      gate,
    }),
    // A request that produced no data at all (a mutation, say) is the client's error: 400, as DLRN's
    // graphene answers; a partial result keeps GraphQL's 200 with its errors.
    errorFormatter: (execution: { data?: unknown }, context: unknown) => {
      const formatted = mercurius.defaultErrorFormatter(execution as never, context as never);
      const failed = execution.data === null || execution.data === undefined;
      return { ...formatted, statusCode: failed && formatted.statusCode < 400 ? 400 : formatted.statusCode };
    },
  });
};
