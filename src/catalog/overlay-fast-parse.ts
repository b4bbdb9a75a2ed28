import type { YamlMap, YamlValue } from './catalog-model.js';
import { resolvePlainScalar, scalarText } from './pyyaml-scalars.js';

/**
 * A fast reader for the shape of tag and build-system-tag files, which are
 * 95% of rdoinfo's bytes (28,000 entries):
 *
 * ```yaml
 * packages:
 * - project: nova
 *   buildsys-tags:
 *     cloud9s-openstack-caracal-release: openstack-nova-29.2.0-1.el9s
 * ```
 *
 * It accepts only `packages:` followed by a list of block mappings nested at
 * most three levels, two-space indents, plain keys and values made of
 * `[A-Za-z0-9_./+~^@=-]` (resolved as PyYAML would), and whole-line comments.
 * Anything else (quotes, flow collections, trailing comments, tabs, CRLF,
 * duplicate keys, other indents) returns `undefined` and the file is parsed
 * by js-yaml instead. When it answers, the answer is the one js-yaml gives.
 */

const TOKEN = /^[A-Za-z0-9_./+~^][A-Za-z0-9_./+~^@=-]*$/;
const MAX_INDENT = 6;

type Mutable = Record<string, YamlValue>;

interface Open {
  readonly indent: number;
  readonly map: Mutable;
}

/**
 * Sets `key: value` (or `key:`) from `text[start, end)` into `map`;
 * `undefined` when the line is outside the subset.
 */
function entry(
  text: string,
  start: number,
  end: number,
  map: Mutable,
): { key: string; opens: boolean } | undefined {
  const colon = text.indexOf(':', start);
  if (colon <= start || colon >= end) return undefined;
  const rawKey = text.slice(start, colon);
  if (!TOKEN.test(rawKey)) return undefined;
  const key = scalarText(resolvePlainScalar(rawKey));
  if (key === '__proto__' || Object.hasOwn(map, key)) return undefined;
  if (colon === end - 1) {
    map[key] = null;
    return { key, opens: true };
  }
  if (text.charCodeAt(colon + 1) !== 32) return undefined;
  const rawValue = text.slice(colon + 2, end);
  if (!TOKEN.test(rawValue)) return undefined;
  map[key] = resolvePlainScalar(rawValue);
  return { key, opens: false };
}

export function parseOverlayFast(text: string): YamlMap | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const root: Mutable = {};
  let list: Mutable[] | undefined;
  let started = false;
  const stack: Open[] = [];
  let pending: { map: Mutable; key: string; indent: number } | undefined;
  // Lines are walked by index: no array of lines, no copy of each line.
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const lineStart = pos;
    pos = end + 1;
    let indent = 0;
    while (text.charCodeAt(lineStart + indent) === 32) indent++;
    let start = lineStart + indent;
    if (start === end || text.charCodeAt(start) === 35 /* # */) continue;
    if (!started) {
      if (indent !== 0 || end - lineStart !== 9 || !text.startsWith('packages:', lineStart)) return undefined;
      started = true;
      root.packages = null;
      continue;
    }
    if (indent === 0) {
      if (text.charCodeAt(start) !== 45 /* - */ || text.charCodeAt(start + 1) !== 32) return undefined;
      const item: Mutable = {};
      list ??= [];
      list.push(item);
      root.packages = list;
      stack.length = 0;
      stack.push({ indent: 2, map: item });
      pending = undefined;
      indent = 2;
      start += 2;
    } else {
      if (pending && indent === pending.indent + 2 && indent <= MAX_INDENT) {
        const child: Mutable = {};
        pending.map[pending.key] = child;
        stack.push({ indent, map: child });
      }
      pending = undefined;
      while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
      if (stack.length === 0 || stack[stack.length - 1]!.indent !== indent) return undefined;
    }
    const top = stack[stack.length - 1]!;
    const set = entry(text, start, end, top.map);
    if (!set) return undefined;
    if (set.opens) pending = { map: top.map, key: set.key, indent };
  }
  return started ? root : undefined;
}
