import type { YamlValue } from './catalog-model.js';

/**
 * Plain YAML scalars as PyYAML (YAML 1.1, distroinfo's parser) resolves them:
 * `yes`/`on` are booleans, `017` is octal, `1e3` a string, `1:30` is 90.
 */

export const BOOL_11 = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
export const INT_11 =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
export const FLOAT_11 =
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

export function constructInt(text: string): number {
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

export function constructFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s.startsWith('-')) sign = -1;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

/** What a plain (unquoted) scalar means under PyYAML's resolution: used for mapping keys found by scanning. */
export function resolvePlainScalar(text: string): YamlValue {
  // Most keys are words: only null and boolean words among them mean something else.
  const first = text.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (letter && (text.length > 5 || !SPECIAL_WORDS.has(text))) return text;
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
