import jsYaml from 'js-yaml';

import { jsYamlErrorOf, jsYamlLimitOptions } from '../util/load-yaml.js';
import { YAML_LIMITS, measureYaml, yamlSizeProblem, type YamlLimitProblem } from '../util/yaml-limits.js';
import type { YamlMap, YamlValue } from './catalog-model.js';
import { parseOverlayFast } from './overlay-fast-parse.js';
import { BOOL_11, FLOAT_11, INT_11, constructFloat, constructInt } from './pyyaml-scalars.js';

/**
 * Fast YAML parsing with js-yaml, resolving plain scalars the way PyYAML does
 * (YAML 1.1), because distroinfo reads catalogs with PyYAML: `yes`/`on` are
 * booleans, `017` is octal, `1e3` is a string, `1:30` is 90. Dates stay
 * strings (the text as written), so values are always JSON-representable.
 */

const { Type, FAILSAFE_SCHEMA } = jsYaml;

// js-yaml ships `types` at runtime but its type definitions omit it.
const builtinTypes = (jsYaml as unknown as { types: Record<'null' | 'merge', jsYaml.Type> }).types;

const bool11 = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => BOOL_11.test(data),
  construct: (data: string) => /^(?:yes|true|on)$/i.test(data),
  predicate: (value: object) => typeof value === 'boolean',
});

const int11 = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => INT_11.test(data),
  construct: constructInt,
  predicate: (value: object) => typeof value === 'number' && Number.isInteger(value),
});

const float11 = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) => FLOAT_11.test(data),
  construct: constructFloat,
  predicate: (value: object) => typeof value === 'number',
});

/** YAML 1.1 implicit types as PyYAML's SafeLoader resolves them (timestamps excepted: kept as text). */
export const PYYAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [builtinTypes.null, bool11, int11, float11, builtinTypes.merge],
});

/** A YAML syntax problem, 1-based; without a position when js-yaml gives none. */
export interface YamlSyntaxError {
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

export interface ParsedYaml {
  /** The document, or `undefined` when it has a syntax error or goes past a limit. */
  readonly value: YamlValue | undefined;
  readonly syntaxError?: YamlSyntaxError;
  /** A limit of util/yaml-limits.ts the document goes past (size, nesting, aliases). */
  readonly limitError?: YamlLimitProblem;
  /** The value's size with aliases expanded (see YamlLimits); 0 without a value. */
  readonly size: number;
  /** First duplicated mapping key (PyYAML keeps the last value; so does this parse). */
  readonly duplicateKey?: YamlSyntaxError;
}

type JsYamlError = jsYaml.YAMLException;

/** A js-yaml error: a syntax error, or one of the guard's limits (nesting, merge keys). */
function failure(error: JsYamlError, duplicateKey?: YamlSyntaxError): ParsedYaml {
  const { limit, ...position } = jsYamlErrorOf(error);
  return limit
    ? {
        value: undefined,
        size: 0,
        limitError: { ...position, path: [] },
        ...(duplicateKey ? { duplicateKey } : {}),
      }
    : { value: undefined, size: 0, syntaxError: position, ...(duplicateKey ? { duplicateKey } : {}) };
}

function load(text: string, filename: string, json: boolean): YamlValue {
  return jsYaml.load(text, {
    ...jsYamlLimitOptions(),
    filename,
    schema: PYYAML_SCHEMA,
    ...(json ? { json } : {}),
  }) as YamlValue;
}

/** The parsed value, unless its aliases take it past the limits. */
function guarded(value: YamlValue, duplicateKey?: YamlSyntaxError): ParsedYaml {
  const { size, problem } = measureYaml(value, YAML_LIMITS);
  const dup = duplicateKey ? { duplicateKey } : {};
  return problem ? { value: undefined, size: 0, limitError: problem, ...dup } : { value, size, ...dup };
}

/**
 * Parses one YAML document. Duplicate mapping keys are accepted with the last
 * value winning (as PyYAML does) and the first one is reported. Documents
 * past the limits of util/yaml-limits.ts (size, nesting, alias expansion)
 * give `limitError` and no value.
 */
export function parseYaml(text: string, filename: string): ParsedYaml {
  const tooLarge = yamlSizeProblem(text.length);
  if (tooLarge) return { value: undefined, size: 0, limitError: tooLarge };
  // Tag and build-system-tag files (most of a catalog's bytes) have a fast path (no aliases, shallow).
  if (text.startsWith('packages:') || text.startsWith('#')) {
    const fast = parseOverlayFast(text);
    // Without aliases, the value is no larger than its text.
    if (fast) return { value: fast, size: text.length };
  }
  try {
    return guarded(load(text, filename, false));
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) return unexpected(error);
    if (!error.reason.startsWith('duplicated mapping key')) return failure(error);
    const { limit: _limit, ...duplicateKey } = jsYamlErrorOf(error);
    try {
      return guarded(load(text, filename, true), duplicateKey);
    } catch (second) {
      if (!(second instanceof jsYaml.YAMLException)) return unexpected(second, duplicateKey);
      return failure(second, duplicateKey);
    }
  }
}

/** Anything else js-yaml throws (none is known) is still one problem of this file, not a crash. */
function unexpected(error: unknown, duplicateKey?: YamlSyntaxError): ParsedYaml {
  const message = `cannot parse: ${error instanceof Error ? error.message : String(error)}`;
  return {
    value: undefined,
    size: 0,
    limitError: { message, path: [] },
    ...(duplicateKey ? { duplicateKey } : {}),
  };
}

export function isYamlMap(value: YamlValue | undefined): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isYamlList(value: YamlValue | undefined): value is readonly YamlValue[] {
  return Array.isArray(value);
}

export { resolvePlainScalar, scalarText } from './pyyaml-scalars.js';
