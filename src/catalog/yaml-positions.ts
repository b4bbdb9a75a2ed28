import type { YamlPath, YamlValue } from './catalog-model.js';
import { resolvePlainScalar, scalarText } from './yaml-parse.js';

/**
 * Where the nodes of a YAML document are, without a full position-aware parse:
 * one pass over the lines of a block-style document (the style rdoinfo and
 * every catalog we know use) maps each mapping key and sequence item to its
 * line and column. A mapping entry is located at its key, a sequence item at
 * its content. Constructs the scanner does not follow (anchors, tags, flow
 * collections or quoted scalars spanning lines, several documents, tabs)
 * make it return `undefined`; `locateInYaml` then falls back to the `yaml`
 * package, which is exact but about ten times slower than js-yaml.
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
    return true;
  }

  /** Locates the items and keys of a one-line flow collection starting at `start`; returns the index after it. */
  private scanFlow(start: number, key: string): number {
    const line = this.text;
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
      if (close === ']') {
        const itemKey = key + INDEX_SEP + index++;
        this.record(itemKey, i);
        i = this.skipFlowValue(i, itemKey);
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
          if (line[i] !== ',' && line[i] !== close) i = this.skipFlowValue(i, entryKey);
        }
      }
      skip();
      if (line[i] === ',') i++;
    }
  }

  /** Index after the flow value at `i` (a nested collection, a quoted or a plain scalar). */
  private skipFlowValue(i: number, key: string | undefined, isKey = false): number {
    const line = this.text;
    const c = line[i];
    if ((c === '[' || c === '{') && key !== undefined) return this.scanFlow(i, key);
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

/**
 * Positions of the items of a top-level block sequence whose items sit at
 * column 1 (`packages:` then `- project: ...` lines), by counting lines: the
 * common case of package entries, without scanning every key. `undefined`
 * when the section is not laid out that way.
 */
export function topLevelItems(text: string, section: string): LinePosition[] | undefined {
  const header = new RegExp(`^${section.replace(/[^A-Za-z0-9_-]/g, '\\$&')}:[ \\t]*(?:#.*)?$`, 'm').exec(
    text,
  );
  if (!header) return undefined;
  const items: LinePosition[] = [];
  let line = text.slice(0, header.index).split('\n').length;
  let pos = text.indexOf('\n', header.index);
  while (pos >= 0 && pos < text.length) {
    const start = pos + 1;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    pos = end === text.length ? -1 : end;
    const first = text[start];
    if (first === undefined || first === ' ' || first === '#' || start === end || text[start] === '\r')
      continue;
    if (first !== '-') break;
    const next = text[start + 1];
    if (next !== ' ') return undefined;
    let column = start + 1;
    while (text[column] === ' ') column++;
    if (column >= end || text[column] === '#' || text[column] === '\r') return undefined;
    items.push({ line, column: column - start + 1 });
  }
  return items;
}

/** The quick answer when every wanted path is an item of a top-level section. */
function quickItems(text: string, wanted: readonly YamlPath[]): Map<string, LinePosition> | undefined {
  const sections = new Set<string>();
  for (const path of wanted) {
    if (path.length !== 2 || typeof path[0] !== 'string' || typeof path[1] !== 'number') return undefined;
    sections.add(path[0]);
  }
  const positions = new Map<string, LinePosition>();
  for (const section of sections) {
    const items = topLevelItems(text, section);
    if (!items) return undefined;
    items.forEach((position, index) => positions.set(pathKey([section, index]), position));
  }
  return wanted.every((path) => positions.has(pathKey(path))) ? positions : undefined;
}

/**
 * A locator for one file: the scanner when it can follow the text, else the
 * `yaml` package's position-aware parse (loaded only then). With `wanted`,
 * only those paths (and their ancestors) are sure to be located.
 */
export async function yamlLocator(
  text: string,
  wanted?: readonly YamlPath[],
): Promise<(path: YamlPath) => LinePosition> {
  const positions = (wanted && quickItems(text, wanted)) ?? scanYamlPositions(text, wanted);
  if (positions) return (path) => nearestPosition(positions, path) ?? { line: 1, column: 1 };
  return exactYamlLocator(text);
}

/** A locator backed by the `yaml` package (exact, slow; used when the scanner gives up, and by tests). */
export async function exactYamlLocator(text: string): Promise<(path: YamlPath) => LinePosition> {
  const { LineCounter, parseDocument, isMap, isSeq, isScalar } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', uniqueKeys: false });
  const at = (offset: number): LinePosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let position: LinePosition = { line: 1, column: 1 };
    for (const segment of path) {
      if (isMap(node)) {
        // Keys are compared as PyYAML reads them (the yaml package's 1.1 schema also takes y/n as booleans).
        const pair = node.items.find(
          (item) =>
            isScalar(item.key) &&
            (item.key.type === 'PLAIN' && typeof item.key.source === 'string'
              ? scalarText(resolvePlainScalar(item.key.source))
              : scalarText(item.key.value as YamlValue)) === String(segment),
        );
        if (!pair || !isScalar(pair.key) || !pair.key.range) break;
        position = at(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (!item?.range) break;
        position = at(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return position;
  };
}
