import { z } from 'zod';

import type { RouteSpec } from '../define-route.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The OpenAPI 3.1 document of the API, built from the routes' zod schemas. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: JsonObject;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: { schemas: Record<string, JsonObject>; securitySchemes: JsonObject };
}

/** Moves `$defs` into the shared components and points references there. */
function hoist(schema: JsonObject, components: Record<string, JsonObject>): JsonObject {
  const defs = schema.$defs as Record<string, JsonObject> | undefined;
  const rewrite = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$schema' || key === '$defs') continue;
      out[key] =
        key === '$ref' && typeof inner === 'string'
          ? inner.replace('#/$defs/', '#/components/schemas/')
          : rewrite(inner);
    }
    return out;
  };
  for (const [id, def] of Object.entries(defs ?? {})) components[id] = rewrite(def) as JsonObject;
  return rewrite(schema) as JsonObject;
}

/** JSON Schema of a zod schema; schemas with a meta `id` go to the components and are referenced. */
function toSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonObject>,
): JsonObject {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as unknown as JsonObject;
  return hoist(json, components);
}

function operation(route: RouteSpec, components: Record<string, JsonObject>): JsonObject {
  const op: JsonObject = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [...(route.tags ?? [])],
  };
  if (route.description) op.description = route.description;
  if (route.access === 'write') op.security = [{ basicAuth: [] }];
  else if (route.access === 'read') op.security = [{}, { basicAuth: [] }];
  if (route.input) {
    const schema = z.toJSONSchema(route.input, {
      io: 'input',
      unrepresentable: 'any',
      reused: 'inline',
    }) as unknown as JsonObject;
    const body = hoist(schema, components);
    if (route.method === 'GET' && body.type === 'object') {
      const required = new Set((body.required as string[] | undefined) ?? []);
      op.parameters = Object.entries((body.properties as JsonObject | undefined) ?? {}).map(
        ([name, propertySchema]) => ({
          name,
          in: 'query',
          required: required.has(name),
          schema: propertySchema,
        }),
      );
      op.description = `${route.description ? `${route.description}\n\n` : ''}The parameters may also be sent as a JSON object body with Content-Type: application/json (as the dlrnapi client does); body fields win over query fields.`;
    } else {
      op.requestBody = { required: true, content: { 'application/json': { schema: body } } };
    }
  }
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const content: JsonObject = {};
    if (response.schema)
      content[response.contentType ?? 'application/json'] = {
        schema: toSchema(response.schema, 'output', components),
      };
    else if (response.contentType) content[response.contentType] = { schema: { type: 'string' } };
    responses[status] =
      Object.keys(content).length > 0
        ? { description: response.description, content }
        : { description: response.description };
  }
  op.responses = responses;
  return op;
}

/** Endpoints served outside the route registry (GraphQL, Prometheus, the repos tree), documented by hand. */
function extraPaths(): Record<string, Record<string, JsonObject>> {
  const readSecurity: Json = [{}, { basicAuth: [] }];
  return {
    '/api/graphql': {
      get: {
        operationId: 'graphqlGet',
        summary: "DLRN's read-only GraphQL queries (commits, civote, civoteAgg, packageStatus)",
        tags: ['graphql'],
        security: readSecurity,
        parameters: [{ name: 'query', in: 'query', required: true, schema: { type: 'string' } }],
        responses: {
          200: { description: 'GraphQL result' },
          400: { description: 'Invalid query (GraphQL errors)' },
        },
      },
      post: {
        operationId: 'graphqlPost',
        summary: 'The same, with a JSON body {query, variables}',
        tags: ['graphql'],
        security: readSecurity,
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: { description: 'GraphQL result' },
          400: { description: 'Invalid query (GraphQL errors)' },
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'prometheusMetrics',
        summary: 'Prometheus metrics: builds by status, votes, promotions, request latency',
        tags: ['metrics'],
        security: readSecurity,
        responses: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/repos/{path}': {
      get: {
        operationId: 'repos',
        summary: 'The repos/ tree: snapshots, labels, repodata, delorean.repo (the baseurl of delorean.repo)',
        tags: ['repos'],
        security: readSecurity,
        parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'File or directory listing' }, 404: { description: 'Not found' } },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['meta'],
        responses: {
          200: {
            description: 'OpenAPI 3.1 document',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
  };
}

/** Builds the OpenAPI document from the registered routes. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const schemas: Record<string, JsonObject> = {};
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    (paths[route.url] ??= {})[route.method.toLowerCase()] = operation(route, schemas);
  }
  Object.assign(paths, extraPaths());
  return {
    openapi: '3.1.0',
    info: {
      title: 'ferry API (DLRN-compatible)',
      version,
      description:
        'DLRN\'s REST API under /api, served by ferry. Requests and answers follow DLRN\'s dlrn/api/dlrn_api.py; every error is {"message": ...}.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'Users of `ferry user`' } },
    },
  };
}
