import { readFile } from 'node:fs/promises';

import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';

import { FerryError, formatLocated } from '../errors.js';
import { configSchema, type FerryConfig } from './config-schema.js';

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/**
 * Reads and validates ferry.yaml. Every problem is collected and reported at
 * once, each with file:line:column and the field path; the thrown error is
 * FERRY_CONFIG_INVALID (exit 2).
 */
export async function loadConfig(file: string): Promise<FerryConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FerryError('FERRY_CONFIG_INVALID', `cannot read configuration: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return parseConfig(text, file);
}

/** Validates configuration text; `file` is used in error messages. */
export function parseConfig(text: string, file: string): FerryConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    problems.push({
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: error.message.split('\n')[0]!,
    });
  }
  if (problems.length === 0) {
    const raw: unknown = doc.toJS() ?? {};
    const result = configSchema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push(locateIssue(issue, doc, lineCounter, file));
  }
  const lines = problems.map((p) =>
    formatLocated(p.path ? `${p.path}: ${p.message}` : p.message, p.file, p.line, p.column),
  );
  const first = problems[0]!;
  throw new FerryError(
    'FERRY_CONFIG_INVALID',
    lines.length === 1
      ? `${first.path ? `${first.path}: ` : ''}${first.message}`
      : `invalid configuration:\n  ${lines.join('\n  ')}`,
    lines.length === 1 ? { file, line: first.line, column: first.column } : {},
  );
}

function locateIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): ConfigProblem {
  const path = issue.path.map((part) => (typeof part === 'symbol' ? part.toString() : part));
  let node = nodeAt(doc, path);
  let message = issue.message;
  let fieldPath = formatPath(path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const parent = node;
    fieldPath = formatPath([...path, key]);
    message = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
  }
  const offset = node?.range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  return { file, line: pos.line, column: pos.col, path: fieldPath, message };
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (node && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return undefined;
}

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
