import { sectionOf, isDefinition, TAG_LINE } from './spec-parser.js';
import { conditionalDefine, createMacroTable, defineMacro, expandMacros } from './spec-macros.js';

/** What a line is, for matching: a tag (`tag:source0`), a section (`%files`) or a changelog heading. */
function lineKind(line: string, inChangelog: boolean): string | undefined {
  const section = sectionOf(line);
  if (section !== undefined) return `%${section}`;
  if (inChangelog) return line.startsWith('*') ? 'changelog' : undefined;
  const tag = TAG_LINE.exec(line);
  return tag === null ? undefined : `tag:${(tag[1] ?? '').toLowerCase()}`;
}

interface KeyedLine {
  readonly kind: string;
  readonly text: string;
  readonly line: number;
}

function keyedLines(
  text: string,
  expand: (s: string) => string,
  onLine?: (line: string) => boolean,
): KeyedLine[] {
  const lines = text.split('\n');
  const out: KeyedLine[] = [];
  let inChangelog = false;
  for (let i = 0; i < lines.length; i += 1) {
    const start = i + 1;
    let line = (lines[i] ?? '').replace(/\r$/, '');
    while (onLine !== undefined && line.endsWith('\\') && isDefinition(line) && i + 1 < lines.length) {
      i += 1;
      line = `${line.slice(0, -1)}\n${(lines[i] ?? '').replace(/\r$/, '')}`;
    }
    if (onLine?.(line)) continue;
    const kind = lineKind(line, inChangelog);
    if (kind === undefined) continue;
    if (kind.startsWith('%')) inChangelog = kind === '%changelog';
    out.push({ kind, text: expand(line).trim(), line: start });
  }
  return out;
}

/**
 * Maps lines of `rpmspec -P` output back to the spec file they came from.
 * rpm's output does not keep the file's line numbering (a continued macro
 * definition becomes one line, `%autosetup` several), so each tag, section
 * and changelog heading of the output is matched, in order, to the next
 * line of the file of the same kind, preferring one whose text (expanded
 * with the macros ferry can follow) is the same: a tag in a branch rpm left
 * out is skipped over rather than taken.
 */
export function mapExpandedLines(
  original: string,
  expanded: string,
  defines: Readonly<Record<string, string>> = {},
): (line: number) => number {
  const macros = createMacroTable(defines);
  const source = keyedLines(
    original,
    (s) => {
      const text = expandMacros(s, macros);
      const tag = TAG_LINE.exec(s);
      const key = (tag?.[1] ?? '').toLowerCase();
      if (['name', 'version', 'release', 'epoch'].includes(key))
        macros.set(key, expandMacros(tag?.[3] ?? '', macros));
      return text;
    },
    (line) => defineMacro(line, macros) || conditionalDefine(line, macros),
  );
  const target = keyedLines(expanded, (s) => s);
  const map = new Map<number, number>();
  let cursor = 0;
  for (const t of target) {
    let found = -1;
    for (let i = cursor; i < source.length && found < 0; i += 1) {
      if (source[i]?.kind === t.kind && source[i]?.text === t.text) found = i;
    }
    for (let i = cursor; i < source.length && found < 0; i += 1) {
      if (source[i]?.kind === t.kind) found = i;
    }
    if (found < 0) continue;
    map.set(t.line, source[found]?.line ?? t.line);
    cursor = found + 1;
  }
  return (line) => map.get(line) ?? line;
}
