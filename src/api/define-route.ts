import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

import type { Identity } from './auth/authenticator.js';
import { parseInput } from './schemas/parse-input.js';
import { readJsonBody, readLooseInput, readQueryInput } from './request-input.js';

/**
 * Who may call a route: `public` (anyone, always), `read` (anyone, or users
 * with the read role when server.protect_reads is on), `write` (users with
 * the write role; admin includes it).
 */
export const ACCESS_LEVELS = ['public', 'read', 'write'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/**
 * Where a route reads its input: `query` (GET: query string, or a JSON body),
 * `json` (POST: a JSON body, 415 otherwise), `loose` (JSON, query string or
 * form, as DLRN's recheck_package).
 */
export type InputSource = 'query' | 'json' | 'loose';

/** A documented response of a route. */
export interface ResponseSpec {
  readonly description: string;
  /** JSON body schema; absent for the error responses (they are all `{"message"}`). */
  readonly schema?: z.ZodType;
  /** Content type when not JSON (HTML pages, Prometheus text). */
  readonly contentType?: string;
}

export interface HandlerArgs<I> {
  readonly input: I;
  readonly identity: Identity;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * One endpoint: its method and path, who may call it, its input schema and
 * responses (the OpenAPI document is built from these), and its handler,
 * which receives validated input. The status of a successful answer is
 * `status` (default 200).
 */
export interface RouteSpec<S extends z.ZodType = z.ZodType> {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly access: Access;
  readonly input?: S;
  readonly inputSource?: InputSource;
  /** Runs on the raw input before validation (DLRN answers 403 for a bad promote_name before anything else). */
  readonly precheck?: (raw: unknown) => void;
  readonly status?: number;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handler: (args: HandlerArgs<z.output<S>>) => Promise<unknown>;
}

/** The routes an app serves, as documented (the OpenAPI document is built from this list). */
export class RouteRegistry {
  readonly #routes: RouteSpec[] = [];

  add(spec: RouteSpec): void {
    this.#routes.push(spec);
  }

  get routes(): readonly RouteSpec[] {
    return this.#routes;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (see Access); routes without it are `read`. */
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the authentication hook before any handler runs. */
    identity: Identity;
  }
}

/** Registers a route on `app` and documents it in `registry`. */
export function addRoute<S extends z.ZodType>(
  app: FastifyInstance,
  registry: RouteRegistry,
  spec: RouteSpec<S>,
): void {
  registry.add(spec);
  const source: InputSource = spec.inputSource ?? (spec.method === 'GET' ? 'query' : 'json');
  app.route({
    method: spec.method,
    url: spec.url,
    config: { access: spec.access },
    handler: async (request, reply) => {
      const raw =
        source === 'query'
          ? readQueryInput(request)
          : source === 'json'
            ? readJsonBody(request)
            : readLooseInput(request);
      spec.precheck?.(raw);
      const input = (spec.input ? parseInput(spec.input, raw) : undefined) as z.output<S>;
      const result = await spec.handler({ input, identity: request.identity, request, reply });
      if (!reply.sent && reply.statusCode === 200 && spec.status !== undefined) reply.code(spec.status);
      return result;
    },
  });
}

/** The user name of an identity, or null (DLRN records the user of every vote and promotion). */
export function userOf(identity: Identity): string | null {
  return identity.kind === 'user' ? identity.name : null;
}
