import type { CatalogProblem, ProblemRef, SourcePosition, SourceRef, YamlPath } from './catalog-model.js';
import type { CatalogSources } from './read-catalog-files.js';
import { yamlLocator } from './yaml-locator.js';
import { pathKey, type LinePosition } from './yaml-positions.js';

/**
 * Gives problems their line and column. Only the files that have problems
 * are scanned (see yaml-positions.ts), so a clean catalog costs nothing here.
 */

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `packages[312].maintainers[0]`. */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!PLAIN_KEY.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `file:line:column path: message` (the path left out when the problem is about the whole file). */
export function formatProblem(problem: CatalogProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where} ${problem.message}`;
}

function dedupe(refs: readonly ProblemRef[]): ProblemRef[] {
  const byKey = new Map<string, { ref: ProblemRef; count: number }>();
  for (const ref of refs) {
    const related = (ref.related ?? []).map((r) => r.file + pathKey(r.path)).join('|');
    const key = [
      ref.severity,
      ref.code,
      ref.at.file,
      pathKey(ref.at.path),
      ref.at.line,
      ref.message,
      related,
    ].join('\u0002');
    const seen = byKey.get(key);
    if (seen) seen.count++;
    else byKey.set(key, { ref, count: 1 });
  }
  return [...byKey.values()].map(({ ref, count }) => {
    const inTemplate = ref.at.path[0] === 'package-configs' || ref.at.path[0] === 'package-default';
    return inTemplate && count > 1
      ? { ...ref, count, message: `${ref.message} (in ${count} packages)` }
      : ref;
  });
}

/** All syntax errors of a file, from the `yaml` package (js-yaml stops at the first). */
async function allSyntaxErrors(text: string): Promise<{ line: number; column: number; message: string }[]> {
  const { LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false });
  return doc.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return { line: pos.line, column: pos.col, message: error.message.split('\n')[0]! };
  });
}

export async function locateProblems(
  refs: readonly ProblemRef[],
  sources: CatalogSources,
): Promise<CatalogProblem[]> {
  let unique = dedupe(refs);

  const syntaxFiles = new Set(unique.filter((ref) => ref.code === 'yaml-syntax').map((ref) => ref.at.file));
  for (const file of syntaxFiles) {
    const text = sources.files.get(file)?.text;
    if (text === undefined) continue;
    const errors = await allSyntaxErrors(text);
    if (errors.length === 0) continue;
    unique = unique.filter((ref) => !(ref.code === 'yaml-syntax' && ref.at.file === file));
    for (const error of errors) {
      unique.push({
        severity: 'error',
        code: 'yaml-syntax',
        at: { file, path: [], line: error.line, column: error.column },
        message: `YAML syntax error: ${error.message}`,
      });
    }
  }

  const wanted = new Map<string, YamlPath[]>();
  const want = (ref: SourceRef): void => {
    const paths = wanted.get(ref.file);
    if (paths) paths.push(ref.path);
    else wanted.set(ref.file, [ref.path]);
  };
  for (const ref of unique) {
    if (ref.at.line === undefined) want(ref.at);
    for (const related of ref.related ?? []) want(related);
  }
  const locators = new Map<string, (path: YamlPath) => LinePosition>();
  await Promise.all(
    [...wanted].map(async ([file, paths]) => {
      const text = sources.files.get(file)?.text;
      if (text !== undefined) locators.set(file, await yamlLocator(text, paths));
    }),
  );
  const locate = (ref: SourceRef & { line?: number; column?: number }): SourcePosition => {
    if (ref.line !== undefined) return { ...ref, line: ref.line, column: ref.column ?? 1 };
    const position = locators.get(ref.file)?.(ref.path) ?? { line: 1, column: 1 };
    return { file: ref.file, path: ref.path, ...position };
  };

  const fileOrder = new Map([...sources.files.keys()].map((file, index) => [file, index]));
  const located = unique.map((ref): CatalogProblem => {
    const at = locate(ref.at);
    const related = (ref.related ?? []).map(locate);
    const message = ref.message.replace(/\{(\d+)\}/g, (whole, index: string) => {
      const target = related[Number(index)];
      return target ? `${target.file}:${target.line}:${target.column}` : whole;
    });
    return {
      severity: ref.severity,
      code: ref.code,
      file: at.file,
      line: at.line,
      column: at.column,
      path: formatYamlPath(ref.at.path),
      message,
      related,
    };
  });
  return located.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      a.message.localeCompare(b.message),
  );
}

/** Resolves source references of a catalog to positions; each call scans each file it needs once. */
export function createSourceLocator(
  sources: CatalogSources,
): (refs: readonly SourceRef[]) => Promise<SourcePosition[]> {
  return async (refs) => {
    const byFile = new Map<string, YamlPath[]>();
    for (const ref of refs) {
      const paths = byFile.get(ref.file);
      if (paths) paths.push(ref.path);
      else byFile.set(ref.file, [ref.path]);
    }
    const locators = new Map<string, (path: YamlPath) => LinePosition>();
    for (const [file, paths] of byFile) {
      const text = sources.files.get(file)?.text;
      if (text !== undefined) locators.set(file, await yamlLocator(text, paths));
    }
    return refs.map((ref) => ({
      file: ref.file,
      path: ref.path,
      ...(locators.get(ref.file)?.(ref.path) ?? { line: 1, column: 1 }),
    }));
  };
}
