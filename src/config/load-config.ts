import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';

import { FerryError, formatLocated, isFerryError } from '../errors.js';
import { documentValue } from '../util/yaml-document-value.js';
import {
  YAML_LIMITS,
  readYamlFile,
  yamlErrorMessage,
  yamlSizeProblem,
  type YamlLimits,
} from '../util/yaml-limits.js';
import { configSchema, type FerryConfig } from './config-schema.js';

/**
 * ferry.yaml is a screenful: 256 KiB is already a mistake, and bounds the
 * `yaml` package's parse (2 s, 150 MB at worst; the other limits are the shared ones).
 */
export const CONFIG_YAML_LIMITS: YamlLimits = { ...YAML_LIMITS, maxBytes: 256 * 1024 };

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
    text = await readYamlFile(file, 'FERRY_CONFIG_INVALID', CONFIG_YAML_LIMITS);
  } catch (error) {
    if (isFerryError(error)) throw error;
    throw new FerryError('FERRY_CONFIG_INVALID', `cannot read configuration: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return parseConfig(text, file);
}

/** Validates configuration text; `file` is used in error messages. */
export function parseConfig(text: string, file: string): FerryConfig {
  const tooLarge = yamlSizeProblem(text.length, CONFIG_YAML_LIMITS);
  if (tooLarge) throw new FerryError('FERRY_CONFIG_INVALID', tooLarge.message, { file });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  // The first YAML error only: the ones after it mostly follow from it (an unclosed bracket gives
  // several; a nesting too deep for the parser's stack gives one per level).
  const firstError = doc.errors.reduce<(typeof doc.errors)[number] | undefined>(
    (earliest, error) => (earliest && earliest.pos[0] <= error.pos[0] ? earliest : error),
    undefined,
  );
  for (const error of firstError ? [firstError] : []) {
    const pos = lineCounter.linePos(error.pos[0]);
    problems.push({
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: yamlErrorMessage(error, CONFIG_YAML_LIMITS),
    });
  }
  if (problems.length === 0) {
    const parsed = documentValue(doc, lineCounter, CONFIG_YAML_LIMITS);
    if ('problem' in parsed) {
      const { problem } = parsed;
      problems.push({
        file,
        line: problem.line ?? 1,
        column: problem.column ?? 1,
        path: formatPath(problem.path),
        message: problem.message,
      });
    } else {
      const result = configSchema.safeParse(parsed.value ?? {});
      if (result.success) return result.data;
      for (const issue of result.error.issues) problems.push(...locateIssue(issue, doc, lineCounter, file));
    }
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
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

/** The key node of `key` in the mapping `parent`, for problems about a key. */
function keyNode(parent: Node | undefined, key: unknown): Node | undefined {
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** One problem per offending field (an issue about several unknown keys gives one per key). */
function locateIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): ConfigProblem[] {
  const path = issue.path.map((part) => (typeof part === 'symbol' ? part.toString() : part));
  const at = (node: Node | undefined, fieldPath: readonly (string | number)[], message: string) => {
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line: pos.line, column: pos.col, path: formatPath(fieldPath), message };
  };
  if (issue.code === 'unrecognized_keys') {
    const parent = nodeAt(doc, path);
    return issue.keys.map((key) => at(keyNode(parent, key) ?? parent, [...path, key], 'unknown key'));
  }
  if (issue.code === 'invalid_key') {
    // A record's key (a macro name): point at the key, say what is wrong with it.
    const node = keyNode(nodeAt(doc, path.slice(0, -1)), path.at(-1)) ?? nodeAt(doc, path);
    return [at(node, path, `invalid key: ${issue.issues[0]?.message ?? issue.message}`)];
  }
  return [at(nodeAt(doc, path), path, issue.message)];
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
