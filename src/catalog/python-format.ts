import type { YamlMap, YamlValue } from './catalog-model.js';

/**
 * rdoinfo fills templates with Python's `%` operator applied to the package
 * itself (`value % package`): `%(project)s` becomes the package's project,
 * `%%` a percent sign. Substitution is not recursive: a field is read before
 * any substitution. Only `%(key)s` and `%%` are accepted; anything else
 * Python would either reject or render in a way no catalog wants.
 */

export type FormatResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: string; readonly tooLong?: true };

/**
 * How much longer than its template a substituted value may be. Without a
 * bound, a template repeating `%(big)s` makes every package of a small
 * catalog hold megabytes (a 114 KB catalog made `ferry catalog list --json`
 * run out of memory).
 */
export const MAX_SUBSTITUTION_GROWTH = 64 * 1024;

/** Python's `str()` of a scalar. */
function pythonStr(value: YamlValue): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    const text = String(value);
    return text.includes('.') || text.includes('e') ? text : `${text}.0`;
  }
  return undefined;
}

/** Applies `template % fields`, Python-style; fails (`tooLong`) past `maxLength` characters. */
export function pythonFormat(
  template: string,
  fields: YamlMap,
  maxLength = template.length + MAX_SUBSTITUTION_GROWTH,
): FormatResult {
  if (!template.includes('%')) return { ok: true, value: template };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const percent = template.indexOf('%', i);
    if (percent < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, percent);
    const next = template[percent + 1];
    if (next === '%') {
      out += '%';
      i = percent + 2;
      continue;
    }
    if (next !== '(') {
      return { ok: false, reason: `'%' must be followed by '(field)s' or '%'` };
    }
    const close = template.indexOf(')', percent + 2);
    if (close < 0) return { ok: false, reason: 'unclosed %(' };
    const key = template.slice(percent + 2, close);
    if (template[close + 1] !== 's') {
      return { ok: false, reason: `only %(${key})s is supported` };
    }
    if (!Object.hasOwn(fields, key)) return { ok: false, reason: `no field '${key}' to substitute` };
    const value = pythonStr(fields[key]!);
    if (value === undefined) return { ok: false, reason: `field '${key}' is not a scalar` };
    if (out.length + value.length > maxLength) {
      return { ok: false, reason: `expands to more than ${maxLength} characters`, tooLong: true };
    }
    out += value;
    i = close + 2;
  }
  return { ok: true, value: out };
}
