import jsYaml from 'js-yaml';

import type { YamlMap, YamlValue } from './catalog-model.js';

/**
 * Fast YAML parsing with js-yaml, resolving plain scalars the way PyYAML does
 * (YAML 1.1), because distroinfo reads catalogs with PyYAML: `yes`/`on` are
 * booleans, `017` is octal, `1e3` is a string, `1:30` is 90. Dates stay
 * strings (the text as written), so values are always JSON-representable.
 */

const { Type, FAILSAFE_SCHEMA } = jsYaml;

// js-yaml ships `types` at runtime but its type definitions omit it.
const builtinTypes = (jsYaml as unknown as { types: Record<'null' | 'merge', jsYaml.Type> }).types;

const BOOL_11 = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT_11 =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_11 =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Plain scalars starting with a letter that are not strings under YAML 1.1. */
const SPECIAL_WORDS = new Set([
  ...'yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' '),
  'null',
  'Null',
  'NULL',
]);

function sexagesimal(digits: string): number {
  let value = 0;
  for (const part of digits.split(':')) value = value * 60 + Number(part);
  return value;
}

function constructInt(text: string): number {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s.startsWith('-')) sign = -1;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

function constructFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s.startsWith('-')) sign = -1;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

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

/** What a plain (unquoted) scalar means under PyYAML's resolution: used for mapping keys found by scanning. */
export function resolvePlainScalar(text: string): YamlValue {
  // Most keys are words: only null and boolean words among them mean something else.
  const first = text.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (letter && !SPECIAL_WORDS.has(text)) return text;
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (BOOL_11.test(text)) return /^(?:yes|true|on)$/i.test(text);
  if (INT_11.test(text)) return constructInt(text);
  if (FLOAT_11.test(text)) return constructFloat(text);
  return text;
}

/** Text of a value for messages and keys: scalars as written, collections as JSON. */
export function scalarText(value: YamlValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return '';
  return JSON.stringify(value);
}
