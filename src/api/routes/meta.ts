import type { FastifyPluginAsync } from 'fastify';

import type { RoutePluginOptions } from '../api-context.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document.js';

/** The version of the API contract: DLRN's api_definition.yaml says 1.0.0, and ferry keeps it. */
const API_VERSION = '1.0.0';

/** GET /api/openapi.json (built once, from the registered routes) and GET /metrics (Prometheus). */
export const metaRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  let document: OpenApiDocument | undefined;
  app.get('/api/openapi.json', { config: { access: 'public' } }, () => {
    document ??= buildOpenApiDocument(ctx.routes.routes, API_VERSION);
    return Promise.resolve(document);
  });

  app.get('/metrics', { config: { access: 'read' } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    void reply.type(ctx.metrics.registry.contentType);
    return text;
  });
  return Promise.resolve();
};
