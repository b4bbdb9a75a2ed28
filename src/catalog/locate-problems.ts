import { yamlErrorMessage } from '../util/yaml-limits.js';
import type {
  CatalogProblem,
  ProblemRef,
  ProblemSeverity,
  SourcePosition,
  SourceRef,
  YamlPath,
} from './catalog-model.js';
import { quoteValue } from './quote-value.js';
import type { CatalogSources } from './read-catalog-files.js';
import { EXACT_PARSE_MAX_CHARS, yamlLocator } from './yaml-locator.js';
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
    else if (segment.length > 100) out += `[${quoteValue(segment)}]`;
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

/**
 * The first syntax error of a file as the `yaml` package finds it (its
 * messages say more than js-yaml's: "Flow sequence in block collection must
 * be sufficiently indented and end with a ]" for "missed comma between flow
 * collection entries"). The errors after it are most often what the first
 * one leaves behind (rdo.yml with one unclosed `[` gives three), so they
 * are not reported; once it is fixed, the next run shows the next.
 */
async function firstSyntaxError(
  text: string,
): Promise<{ line: number; column: number; message: string } | undefined> {
  // Past this size js-yaml's error stays (see EXACT_PARSE_MAX_CHARS).
  if (text.length > EXACT_PARSE_MAX_CHARS) return undefined;
  const { LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false });
  let first: (typeof doc.errors)[number] | undefined;
  for (const error of doc.errors) if (!first || error.pos[0] < first.pos[0]) first = error;
  if (!first) return undefined;
  const pos = lineCounter.linePos(first.pos[0]);
  return { line: pos.line, column: pos.col, message: yamlErrorMessage(first) };
}

/** YAML errors (the file could not be read) come before everything, which may follow from them. */
const FIRST_CODES: ReadonlySet<string> = new Set(['yaml-syntax', 'yaml-limit']);

/** Problems counted but not located nor listed, by severity (past the limit of locateProblems). */
export type OmittedProblems = Readonly<Record<ProblemSeverity, number>>;

const SEVERITY_RANK: Readonly<Record<ProblemSeverity, number>> = { error: 1, warning: 2, notice: 3 };

/**
 * The first `limit` problems (YAML errors, then other errors, warnings,
 * notices, each in the order found) and a count of the others: a file of
 * 800,000 packages lacking their fields gives 3 million problems, which
 * nobody reads and which took 4 GB to locate and print.
 */
function firstProblems(
  refs: readonly ProblemRef[],
  limit: number,
): { kept: ProblemRef[]; omitted: OmittedProblems } {
  const omitted = { error: 0, warning: 0, notice: 0 };
  if (refs.length <= limit) return { kept: [...refs], omitted };
  const rank = (ref: ProblemRef) => (FIRST_CODES.has(ref.code) ? 0 : SEVERITY_RANK[ref.severity]);
  const ordered = refs.map((ref, index) => ({ ref, index }));
  ordered.sort((a, b) => rank(a.ref) - rank(b.ref) || a.index - b.index);
  for (const { ref } of ordered.slice(limit)) omitted[ref.severity]++;
  return { kept: ordered.slice(0, limit).map(({ ref }) => ref), omitted };
}

/**
 * Gives problems their position and sorts them (YAML errors first, then by
 * file, line, column), after merging repeats of one template problem. At
 * most `limit` are located; the others are only counted.
 */
export async function locateProblems(
  refs: readonly ProblemRef[],
  sources: CatalogSources,
  limit = Infinity,
): Promise<{ problems: CatalogProblem[]; omitted: OmittedProblems }> {
  const { kept: unique, omitted } = firstProblems(dedupe(refs), limit);

  for (const [index, ref] of unique.entries()) {
    if (ref.code !== 'yaml-syntax') continue;
    const text = sources.files.get(ref.at.file)?.text;
    const error = text === undefined ? undefined : await firstSyntaxError(text);
    // js-yaml's position stays when the yaml package finds nothing, or only later in the file.
    const before =
      error &&
      (ref.at.line === undefined ||
        error.line < ref.at.line ||
        (error.line === ref.at.line && error.column <= (ref.at.column ?? 1)));
    if (!before) continue;
    unique[index] = {
      ...ref,
      at: { file: ref.at.file, path: [], line: error.line, column: error.column },
      message: `YAML syntax error: ${error.message}`,
    };
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
  const rank = (problem: CatalogProblem): number => (FIRST_CODES.has(problem.code) ? 0 : 1);
  const problems = located.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      a.message.localeCompare(b.message),
  );
  return { problems, omitted };
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
