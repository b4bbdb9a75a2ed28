import type { z } from 'zod';

import { HttpError } from '../http-error.js';

/** Words for zod's issues that read like DLRN's (pydantic's "field required"). */
function perParseError(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'field required';
  if (issue.code === 'invalid_type' && issue.expected === 'object') return 'expected a JSON object';
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part) => (typeof part === 'symbol' ? part.toString() : String(part)))
    .join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** One message naming every problem: `Invalid parameters: max_age: field required; success: expected a boolean`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of issues) {
    const text = describeIssue(issue);
    if (!seen.has(text)) {
      seen.add(text);
      parts.push(text);
    }
  }
  return `Invalid parameters: ${parts.join('; ')}`;
}

/**
 * Validates request input with an endpoint's schema; a failure is a 400
 * naming each field and what is wrong with it, before anything touches the
 * database.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data, { error: perParseError });
  if (!result.success) throw new HttpError(400, describeIssues(result.error.issues));
  return result.data;
}
