import type { YamlPath, YamlValue } from './catalog-model.js';
import { pathKey, nearestPosition, scanYamlPositions, type LinePosition } from './yaml-positions.js';
import { resolvePlainScalar, scalarText } from './yaml-parse.js';

/**
 * Locators: where a path of a YAML file is, answered by the quickest means
 * that is exact for the text: counting top-level list items, the line
 * scanner (yaml-positions.ts), or the `yaml` package's position-aware parse.
 */

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
 * Texts past this are not parsed with the `yaml` package: it takes 2 s and
 * 150 MB for 256 KiB of small flow nodes (9 s and 550 MB for 1 MiB).
 * rdoinfo's largest file is 84 KB.
 */
export const EXACT_PARSE_MAX_CHARS = 256 * 1024;

/** The line of a path's top-level key (a key at column 1), else 1:1: the fallback for large texts. */
function topLevelLocator(text: string): (path: YamlPath) => LinePosition {
  return (path) => {
    const key = path[0];
    if (typeof key !== 'string') return { line: 1, column: 1 };
    const found = new RegExp(`^${key.replace(/[^A-Za-z0-9_-]/g, '\\$&')}[ \t]*:`, 'm').exec(text);
    return found
      ? { line: text.slice(0, found.index).split('\n').length, column: 1 }
      : { line: 1, column: 1 };
  };
}

/**
 * A locator for one file: the scanner when it can follow the text, else the
 * `yaml` package's position-aware parse (loaded only then; past
 * EXACT_PARSE_MAX_CHARS, the top-level key's line). With `wanted`, only
 * those paths (and their ancestors) are sure to be located.
 */
export async function yamlLocator(
  text: string,
  wanted?: readonly YamlPath[],
): Promise<(path: YamlPath) => LinePosition> {
  const positions = (wanted && quickItems(text, wanted)) ?? scanYamlPositions(text, wanted);
  if (positions) return (path) => nearestPosition(positions, path) ?? { line: 1, column: 1 };
  if (text.length > EXACT_PARSE_MAX_CHARS) return topLevelLocator(text);
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
