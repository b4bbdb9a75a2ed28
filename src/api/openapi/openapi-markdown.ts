import type { OpenApiDocument } from './openapi-document.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Markers around the generated part of docs/api.md. */
export const REFERENCE_BEGIN =
  '<!-- BEGIN GENERATED: endpoint reference (npm test regenerates it with FERRY_UPDATE_DOCS=1) -->';
export const REFERENCE_END = '<!-- END GENERATED -->';

function typeOf(schema: Json | undefined): string {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.anyOf)) {
    const parts = schema.anyOf.map(typeOf).filter((t) => t !== 'null');
    return [...new Set(parts)].join(' or ');
  }
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (typeof schema.type === 'string') {
    const limit = typeof schema.maxLength === 'number' ? ` (≤ ${schema.maxLength})` : '';
    return `${schema.type}${limit}`;
  }
  return 'object';
}

function access(op: JsonObject): string {
  const security = op.security as Json[] | undefined;
  if (!security) return 'public';
  return security.length === 1 ? 'write' : 'read';
}

/** A JSON value as text (strings as they are). */
function str(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The endpoint reference of docs/api.md, from the OpenAPI document: one
 * table of every operation, then each operation's parameters and answers.
 * Pure, so a test can check the document is up to date.
 */
export function renderEndpointReference(doc: OpenApiDocument): string {
  const lines: string[] = [REFERENCE_BEGIN, '', '| Method | Path | Access | Summary |', '|---|---|---|---|'];
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  for (const { path, method, op } of ops) {
    lines.push(`| ${method} | \`${path}\` | ${access(op)} | ${escapeCell(str(op.summary))} |`);
  }
  for (const { path, method, op } of ops) {
    lines.push('', `### ${method} ${path}`, '', str(op.summary));
    if (typeof op.description === 'string') lines.push('', op.description);
    const parameters = (op.parameters as JsonObject[] | undefined) ?? [];
    if (parameters.length > 0) {
      lines.push('', '| Parameter | In | Required | Type |', '|---|---|---|---|');
      for (const p of parameters) {
        lines.push(
          `| \`${str(p.name)}\` | ${str(p.in)} | ${p.required ? 'yes' : 'no'} | ${escapeCell(typeOf(p.schema))} |`,
        );
      }
    }
    const body = op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined;
    const bodySchema = body?.content?.['application/json']?.schema;
    if (bodySchema && typeof bodySchema === 'object' && !Array.isArray(bodySchema)) {
      const properties = (bodySchema.properties ??
        (bodySchema.items as JsonObject | undefined)?.properties) as JsonObject | undefined;
      const required = new Set(
        ((bodySchema.required ?? (bodySchema.items as JsonObject | undefined)?.required) as
          string[] | undefined) ?? [],
      );
      lines.push('', `JSON body${bodySchema.type === 'array' ? ' (an array of these)' : ''}:`);
      if (properties) {
        lines.push('', '| Field | Required | Type |', '|---|---|---|');
        for (const [name, schema] of Object.entries(properties)) {
          lines.push(
            `| \`${name}\` | ${required.has(name) ? 'yes' : 'no'} | ${escapeCell(typeOf(schema))} |`,
          );
        }
      }
    }
    const responses = (op.responses as Record<string, JsonObject> | undefined) ?? {};
    lines.push('', '| Status | Answer |', '|---|---|');
    for (const [status, response] of Object.entries(responses)) {
      const content = response.content as Record<string, { schema?: Json }> | undefined;
      const [type, media] = Object.entries(content ?? {})[0] ?? [];
      const shape = media?.schema ? ` (${type === 'application/json' ? typeOf(media.schema) : type})` : '';
      lines.push(`| ${status} | ${escapeCell(str(response.description))}${escapeCell(shape)} |`);
    }
  }
  lines.push('', '### Schemas', '');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const properties = (schema.properties as JsonObject | undefined) ?? {};
    const required = new Set((schema.required as string[] | undefined) ?? []);
    lines.push(
      `**${name}**: ${Object.entries(properties)
        .map(
          ([field, s]) =>
            `\`${field}\` ${typeOf(s)}${required.has(field) ? '' : '?'}${isNullable(s) ? ' or null' : ''}`,
        )
        .join(', ')}`,
      '',
    );
  }
  lines.push(REFERENCE_END);
  return lines.join('\n');
}

function isNullable(schema: Json): boolean {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    !Array.isArray(schema) &&
    Array.isArray(schema.anyOf) &&
    schema.anyOf.some((s) => typeof s === 'object' && s !== null && !Array.isArray(s) && s.type === 'null')
  );
}
