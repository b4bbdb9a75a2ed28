import jsYaml from 'js-yaml';

import { FerryError, type ErrorCode } from '../errors.js';
import {
  YAML_LIMITS,
  formatValuePath,
  yamlExpansionProblem,
  yamlSizeProblem,
  type YamlLimits,
} from './yaml-limits.js';

/** js-yaml within the limits of yaml-limits.ts (its own `maxDepth`, then the expansion check). */

/** js-yaml load options that bound its work (its type definitions omit `maxDepth`). */
export function jsYamlLimitOptions(limits: YamlLimits = YAML_LIMITS): jsYaml.LoadOptions {
  const options: jsYaml.LoadOptions & { maxDepth: number } = { maxDepth: limits.maxDepth };
  return options;
}

/** A js-yaml error as a position and one line; `limit` when it is one of the guard's limits. */
export function jsYamlErrorOf(error: jsYaml.YAMLException): {
  /** Unknown for the errors without a mark (a second document: "expected a single document in the stream"). */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly limit: boolean;
} {
  const mark = (error as { mark?: { line: number; column: number } }).mark;
  const position = mark ? { line: mark.line + 1, column: mark.column + 1 } : {};
  const depth = /^nesting exceeded maxDepth \((\d+)\)/.exec(error.reason);
  if (depth) return { ...position, message: `nested more than ${depth[1]} levels deep`, limit: true };
  const merges = /^merge keys exceeded maxTotalMergeKeys \((\d+)\)/.exec(error.reason);
  if (merges) return { ...position, message: `more than ${merges[1]} keys merged with <<`, limit: true };
  return { ...position, message: error.reason, limit: false };
}

export interface LoadYamlOptions {
  readonly schema?: jsYaml.Schema;
  readonly limits?: YamlLimits;
}

/**
 * js-yaml's `load` within the limits. Throws FerryError(`code`) naming
 * `file` (with line and column where js-yaml gives them) for a syntax error
 * or a limit; never an error of another kind for any text.
 */
export function loadYaml(
  text: string,
  file: string,
  code: ErrorCode,
  options: LoadYamlOptions = {},
): unknown {
  const limits = options.limits ?? YAML_LIMITS;
  const tooLarge = yamlSizeProblem(text.length, limits);
  if (tooLarge) throw new FerryError(code, tooLarge.message, { file });
  let value: unknown;
  try {
    value = jsYaml.load(text, {
      ...jsYamlLimitOptions(limits),
      filename: file,
      ...(options.schema ? { schema: options.schema } : {}),
    });
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const { line, column, message, limit } = jsYamlErrorOf(error);
    throw new FerryError(code, limit ? message : `invalid YAML: ${message}`, {
      file,
      line,
      column,
      cause: error,
    });
  }
  const problem = yamlExpansionProblem(value, limits);
  if (problem) {
    const where = problem.path.length > 0 ? `${formatValuePath(problem.path)}: ` : '';
    throw new FerryError(code, `${where}${problem.message}`, { file });
  }
  return value;
}
