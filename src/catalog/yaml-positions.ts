import { YAML_LIMITS } from '../util/yaml-limits.js';
import type { YamlPath } from './catalog-model.js';
import { resolvePlainScalar, scalarText } from './yaml-parse.js';

/**
 * Where the nodes of a YAML document are, without a full position-aware parse:
 * one pass over the lines of a block-style document (the style rdoinfo and
 * every catalog we know use) maps each mapping key and sequence item to its
 * line and column. A mapping entry is located at its key, a sequence item at
 * its content. Constructs the scanner does not follow (anchors, tags, flow
 * collections or quoted scalars spanning lines, several documents, tabs)
 * make it return `undefined`; `yamlLocator` (yaml-locator.ts) then falls
 * back to the `yaml` package, which is exact but about ten times slower than
 * js-yaml.
 */

export interface LinePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

const KEY_SEP = '\u0000';
const INDEX_SEP = '\u0001';

/** The index key of a path. */
export function pathKey(path: YamlPath): string {
  let key = '';
  for (const segment of path) key += typeof segment === 'number' ? INDEX_SEP + segment : KEY_SEP + segment;
  return key;
}

interface Frame {
  readonly indent: number;
  readonly kind: 'map' | 'seq';
  readonly key: string;
  count: number;
}

interface Pending {
  readonly key: string;
  readonly indent: number;
  /** A mapping key's block sequence may sit at the key's own indentation. */
  readonly sameIndentSeq: boolean;
  /** An empty sequence item is located at its content on the next line, else here (as the yaml package does). */
  readonly emptyItemAt?: LinePosition;
}

interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Offset of the value in the text given to parseKey. */
  readonly valueStart: number;
}

const NOT_A_KEY_START = new Set(['[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`', '#']);

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ') || text.startsWith('-\t');
}

function stripComment(value: string): string {
  if (value.startsWith('#')) return '';
  if (value.startsWith('"') || value.startsWith("'") || value.startsWith('[') || value.startsWith('{')) {
    return value;
  }
  const hash = value.search(/[ \t]#/);
  return (hash < 0 ? value : value.slice(0, hash)).trimEnd();
}

/** `key: value` (or `key:`); `null` when the line is not a mapping entry; `undefined` when unsupported. */
function parseKey(text: string): KeyValue | null | undefined {
  const first = text[0]!;
  let key: string;
  let rest: string;
  if (first === '"' || first === "'") {
    let end = 1;
    for (;;) {
      end = text.indexOf(first, end);
      if (end < 0) return null;
      if (first === "'" && text[end + 1] === "'") {
        end += 2;
        continue;
      }
      break;
    }
    const inner = text.slice(1, end);
    if (first === '"' && inner.includes('\\')) return undefined;
    key = first === "'" ? inner.replace(/''/g, "'") : inner;
    rest = text.slice(end + 1).trimStart();
    if (!rest.startsWith(':') || (rest.length > 1 && rest[1] !== ' ' && rest[1] !== '\t')) return null;
    rest = rest.slice(1);
  } else {
    if (first === '?' && (text.length === 1 || text[1] === ' ')) return undefined;
    if (NOT_A_KEY_START.has(first)) return null;
    let colon = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '#' && i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) return null;
      if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) {
        colon = i;
        break;
      }
    }
    if (colon <= 0) return null;
    key = scalarText(resolvePlainScalar(text.slice(0, colon).trimEnd()));
    rest = text.slice(colon + 1);
  }
  const valueStart = text.length - rest.trimStart().length;
  return { key, value: stripComment(rest.trim()), valueStart };
}

/** False when a scalar continues past its line in a way the scanner does not follow. */
function scalarEndsOnLine(value: string): boolean {
  const first = value[0];
  if (first === '"') {
    for (let i = 1; i < value.length; i++) {
      if (value[i] === '\\') i++;
      else if (value[i] === '"') return true;
    }
    return false;
  }
  if (first === "'") {
    for (let i = 1; i < value.length; i++) {
      if (value[i] === "'") {
        if (value[i + 1] === "'") i++;
        else return true;
      }
    }
    return false;
  }
  if (first === '[' || first === '{') {
    let depth = 0;
    let quote: string | undefined;
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (quote) {
        if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
    }
    return depth === 0 && quote === undefined;
  }
  return !(first === '&' || first === '!');
}

class Scanner {
  readonly positions = new Map<string, LinePosition>();
  /** Stop once all of these are found. */
  private missing: Set<string> | undefined;

  constructor(wanted?: Iterable<string>) {
    if (wanted) this.missing = new Set(wanted);
  }

  private readonly stack: Frame[] = [];
  private pending: Pending | undefined = { key: '', indent: -1, sameIndentSeq: true };
  private blockIndent: number | undefined;
  private line = 0;
  private text = '';
  /** Set when a flow collection has a construct the scanner does not follow. */
  private lost = false;

  scan(text: string): boolean {
    const lines = text.split('\n');
    let seenContent = false;
    for (let i = 0; i < lines.length; i++) {
      this.line = i + 1;
      let line = lines[i]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.text = line;
      let indent = 0;
      while (line.charCodeAt(indent) === 32) indent++;
      const rest = line.slice(indent);
      if (this.blockIndent !== undefined) {
        if (rest === '' || indent > this.blockIndent) continue;
        this.blockIndent = undefined;
      }
      if (rest === '' || rest.startsWith('#')) continue;
      if (rest.startsWith('\t')) {
        if (rest.trim() === '' || rest.trimStart().startsWith('#')) continue;
        return false;
      }
      if (indent === 0 && (rest === '---' || rest.startsWith('--- ') || rest.startsWith('%'))) {
        if (seenContent) return false;
        continue;
      }
      if (indent === 0 && (rest === '...' || rest.startsWith('... '))) break;
      seenContent = true;
      if (!this.scanLine(rest, indent)) return false;
      if (this.missing?.size === 0) return true;
    }
    this.settleEmptyItem();
    return true;
  }

  private settleEmptyItem(): void {
    const at = this.pending?.emptyItemAt;
    if (at && !this.positions.has(this.pending!.key)) this.positions.set(this.pending!.key, at);
  }

  private scanLine(rest: string, indent: number): boolean {
    const seq = isSeqItem(rest);
    const pending = this.pending;
    if (pending) {
      if (indent > pending.indent || (seq && pending.sameIndentSeq && indent === pending.indent)) {
        this.stack.push({ indent, kind: seq ? 'seq' : 'map', key: pending.key, count: 0 });
        if (pending.emptyItemAt) this.record(pending.key, indent);
      } else {
        this.settleEmptyItem();
      }
      this.pending = undefined;
    }
    let top = this.stack.at(-1);
    while (top && (top.indent > indent || (top.indent === indent && top.kind === 'seq' && !seq))) {
      this.stack.pop();
      top = this.stack.at(-1);
    }
    if (!top) return false;
    // A deeper line nobody opened: the continuation of a multi-line plain scalar.
    if (top.indent < indent) return true;
    return this.scanNode(rest, indent, top);
  }

  private record(key: string, column: number): void {
    if (this.positions.has(key)) return;
    this.positions.set(key, { line: this.line, column: column + 1 });
    this.missing?.delete(key);
  }

  private scanNode(text: string, column: number, frame: Frame): boolean {
    if (isSeqItem(text)) {
      if (frame.kind !== 'seq') return false;
      const itemKey = frame.key + INDEX_SEP + frame.count++;
      const after = text.slice(1);
      const inner = after.trimStart();
      const innerColumn = column + 1 + (after.length - inner.length);
      if (inner === '' || inner.startsWith('#')) {
        const emptyItemAt = {
          line: this.line,
          column: inner === '' ? this.text.length + 1 : innerColumn + 1,
        };
        this.pending = { key: itemKey, indent: column, sameIndentSeq: false, emptyItemAt };
        return true;
      }
      this.record(itemKey, innerColumn);
      if (isSeqItem(inner)) {
        // `- - - x` recurses once per level: deeper than js-yaml reads is not followed.
        if (this.stack.length >= YAML_LIMITS.maxDepth) return false;
        const nested: Frame = { indent: innerColumn, kind: 'seq', key: itemKey, count: 0 };
        this.stack.push(nested);
        return this.scanNode(inner, innerColumn, nested);
      }
      if (inner.startsWith('|') || inner.startsWith('>')) {
        this.blockIndent = column;
        return true;
      }
      const keyValue = parseKey(inner);
      if (keyValue === undefined) return false;
      if (keyValue === null) return this.scanScalar(inner, innerColumn, itemKey);
      const map: Frame = { indent: innerColumn, kind: 'map', key: itemKey, count: 0 };
      this.stack.push(map);
      return this.scanEntry(keyValue, innerColumn, map);
    }
    if (frame.kind !== 'map') return false;
    const keyValue = parseKey(text);
    if (!keyValue) return false;
    return this.scanEntry(keyValue, column, frame);
  }

  private scanEntry(entry: KeyValue, column: number, frame: Frame): boolean {
    const key = frame.key + KEY_SEP + entry.key;
    this.record(key, column);
    const value = entry.value;
    if (value === '') {
      this.pending = { key, indent: column, sameIndentSeq: true };
      return true;
    }
    if (value.startsWith('|') || value.startsWith('>')) {
      this.blockIndent = frame.indent;
      return true;
    }
    return this.scanScalar(value, column + entry.valueStart, key);
  }

  /** A value on one line; the items of a flow collection are located too. */
  private scanScalar(value: string, column: number, key: string): boolean {
    if (!scalarEndsOnLine(value)) return false;
    if (value.startsWith('[') || value.startsWith('{')) this.scanFlow(column, key);
    return !this.lost;
  }

  /** Locates the items and keys of a one-line flow collection starting at `start`; returns the index after it. */
  private scanFlow(start: number, key: string, depth = 1): number {
    const line = this.text;
    // Nesting past what js-yaml accepts (YAML_LIMITS.maxDepth) is not followed (nor recursed into).
    if (depth > YAML_LIMITS.maxDepth) {
      this.lost = true;
      return line.length;
    }
    const close = line[start] === '[' ? ']' : '}';
    let i = start + 1;
    let index = 0;
    const skip = (): void => {
      while (line[i] === ' ' || line[i] === '\t') i++;
    };
    for (;;) {
      skip();
      if (i >= line.length) return i;
      if (line[i] === close) return i + 1;
      // Everything wanted is found: the rest of a long flow line is not recorded.
      if (this.missing?.size === 0) return line.length;
      // Every round moves on; one that cannot (a closing bracket of the other kind) is not followed.
      const before = i;
      if (close === ']') {
        const itemKey = key + INDEX_SEP + index++;
        this.record(itemKey, i);
        i = this.skipFlowValue(i, itemKey, false, depth);
      } else {
        const keyStart = i;
        i = this.skipFlowValue(i, undefined, true);
        const raw = line.slice(keyStart, i).trim();
        const quoted = raw.startsWith('"') || raw.startsWith("'");
        const name = quoted ? raw.slice(1, -1) : scalarText(resolvePlainScalar(raw));
        const entryKey = key + KEY_SEP + name;
        this.record(entryKey, keyStart);
        skip();
        if (line[i] === ':') {
          i++;
          skip();
          if (line[i] !== ',' && line[i] !== close) i = this.skipFlowValue(i, entryKey, false, depth);
        }
      }
      skip();
      if (line[i] === ',') i++;
      if (i === before || this.lost) {
        this.lost = true;
        return line.length;
      }
    }
  }

  /** Index after the flow value at `i` (a nested collection, a quoted or a plain scalar). */
  private skipFlowValue(i: number, key: string | undefined, isKey = false, depth = 1): number {
    const line = this.text;
    const c = line[i];
    if ((c === '[' || c === '{') && key !== undefined) return this.scanFlow(i, key, depth + 1);
    // Anchors, aliases and tags are not followed, in flow collections as in blocks.
    if (c === '&' || c === '*' || c === '!') {
      this.lost = true;
      return line.length;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' && c === '"' ? 2 : 1;
      return j + 1;
    }
    let j = i;
    while (j < line.length && line[j] !== ',' && line[j] !== ']' && line[j] !== '}') {
      if (isKey && line[j] === ':' && (line[j + 1] === ' ' || line[j + 1] === ',' || j + 1 === line.length))
        break;
      j++;
    }
    return j;
  }
}

/**
 * Positions of every mapping key and sequence item of a block-style YAML
 * document, by `pathKey`; `undefined` when the text uses a construct the
 * scanner does not follow. With `wanted`, scanning stops once those are all
 * found (later nodes are then missing).
 */
export function scanYamlPositions(
  text: string,
  wanted?: readonly YamlPath[],
): Map<string, LinePosition> | undefined {
  const scanner = new Scanner(wanted?.map(pathKey));
  return scanner.scan(text) ? scanner.positions : undefined;
}

/** Finds `path`, or its nearest ancestor that exists, in a position map. */
export function nearestPosition(
  positions: ReadonlyMap<string, LinePosition>,
  path: YamlPath,
): LinePosition | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const found = positions.get(pathKey(path.slice(0, depth)));
    if (found) return found;
  }
  return undefined;
}
