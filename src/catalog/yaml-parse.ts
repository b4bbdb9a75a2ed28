import jsYaml from 'js-yaml';

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

/** A YAML syntax problem, 1-based. */
export interface YamlSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface ParsedYaml {
  /** The document, or `undefined` when it has a syntax error. */
  readonly value: YamlValue | undefined;
  readonly syntaxError?: YamlSyntaxError;
  /** First duplicated mapping key (PyYAML keeps the last value; so does this parse). */
  readonly duplicateKey?: YamlSyntaxError;
}

function toSyntaxError(error: jsYaml.YAMLException): YamlSyntaxError {
  return {
    line: error.mark.line + 1,
    column: error.mark.column + 1,
    message: error.reason,
  };
}

/**
 * Parses one YAML document. Duplicate mapping keys are accepted with the last
 * value winning (as PyYAML does) and the first one is reported.
 */
export function parseYaml(text: string, filename: string): ParsedYaml {
  // Tag and build-system-tag files (most of a catalog's bytes) have a fast path.
  if (text.startsWith('packages:') || text.startsWith('#')) {
    const fast = parseOverlayFast(text);
    if (fast) return { value: fast };
  }
  try {
    return { value: jsYaml.load(text, { filename, schema: PYYAML_SCHEMA }) as YamlValue };
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    if (!error.reason.startsWith('duplicated mapping key')) {
      return { value: undefined, syntaxError: toSyntaxError(error) };
    }
    const duplicateKey = toSyntaxError(error);
    try {
      const value = jsYaml.load(text, { filename, schema: PYYAML_SCHEMA, json: true }) as YamlValue;
      return { value, duplicateKey };
    } catch (second) {
      if (!(second instanceof jsYaml.YAMLException)) throw second;
      return { value: undefined, syntaxError: toSyntaxError(second), duplicateKey };
    }
  }
}

export function isYamlMap(value: YamlValue | undefined): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isYamlList(value: YamlValue | undefined): value is readonly YamlValue[] {
  return Array.isArray(value);
}

export { resolvePlainScalar, scalarText } from './pyyaml-scalars.js';
