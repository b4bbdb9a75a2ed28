import type { FastifyRequest } from 'fastify';

import { HttpError } from './http-error.js';

/** Marks a body that was read but is not JSON (the catch-all content-type parser). */
export const NON_JSON_BODY: unique symbol = Symbol('ferry.nonJsonBody');

/** A body of another media type: read (bounded) and ignored, or refused by JSON-only routes. */
export interface NonJsonBody {
  readonly [NON_JSON_BODY]: true;
  /** Fields of an `application/x-www-form-urlencoded` body (repeated keys become arrays). */
  readonly form?: Record<string, string | string[]>;
}

export function isNonJsonBody(body: unknown): body is NonJsonBody {
  return typeof body === 'object' && body !== null && NON_JSON_BODY in body;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';', 1)[0]!.trim().toLowerCase();
}

export function isJsonRequest(request: FastifyRequest): boolean {
  return mediaType(request.headers['content-type']) === 'application/json';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isNonJsonBody(value);
}

/** Decodes a form body: repeated keys become arrays (which no field accepts). */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = fields[key];
    fields[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

/**
 * The parameters of a GET, as DLRN's clients send them: the query string,
 * and a JSON body when the request says it is JSON (the dlrnapi client sends
 * both, the same values). Body fields win, as DLRN reads only the body of a
 * JSON request. Bodies of other types are ignored.
 */
export function readQueryInput(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body;
  // No body, or one of another media type; a JSON `null` is not an object of parameters.
  if (body === undefined || isNonJsonBody(body)) return { ...query };
  if (!isPlainObject(body)) throw new HttpError(400, 'Invalid parameters: expected a JSON object');
  return { ...query, ...body };
}

/**
 * The JSON body of a POST. DLRN refuses anything but `application/json`
 * with 415 before looking at it.
 */
export function readJsonBody(request: FastifyRequest): unknown {
  if (!isJsonRequest(request)) throw new HttpError(415, 'Unsupported Media Type, use JSON');
  return request.body ?? {};
}

/**
 * DLRN's recheck_package reads JSON when the request is JSON, else the
 * query string, else a form body (it has no JSON-only guard).
 */
export function readLooseInput(request: FastifyRequest): unknown {
  if (isJsonRequest(request)) return request.body ?? {};
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (Object.keys(query).length > 0) return { ...query };
  const body = request.body;
  if (isNonJsonBody(body) && body.form) return { ...body.form };
  return {};
}
