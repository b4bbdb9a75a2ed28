import type { Dependency, DependencyFlag } from './package.js';

/** rpm's comparison operators in dependency lists, longest first (build/parseReqs.c). */
const OPERATORS: readonly (readonly [string, DependencyFlag])[] = [
  ['<=', 'LE'],
  ['=<', 'LE'],
  ['>=', 'GE'],
  ['=>', 'GE'],
  ['==', 'EQ'],
  ['=', 'EQ'],
  ['<', 'LT'],
  ['>', 'GT'],
];

function operatorFlag(token: string): DependencyFlag | undefined {
  return OPERATORS.find(([op]) => op === token)?.[1];
}

/** Splits an EVR as rpm writes it, `[epoch:]version[-release]`; the epoch is `"0"` when absent (repodata's convention). */
export function splitEvr(evr: string): {
  readonly epoch: string;
  readonly version: string;
  readonly release?: string;
} {
  const colon = /^([0-9]+):/.exec(evr);
  const epoch = colon?.[1] ?? '0';
  const rest = colon === null ? evr : evr.slice(colon[0].length);
  const dash = rest.lastIndexOf('-');
  return dash < 0
    ? { epoch, version: rest }
    : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

/** End of a parenthesised rich dependency starting at `start`, or -1 when unbalanced. */
function richEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export interface DependencyListProblem {
  /** Column (1-based) in the text where the problem is. */
  readonly column: number;
  readonly message: string;
}

/**
 * Parses the value of a `BuildRequires:`/`Requires:`/`Provides:` line the way
 * rpm tokenizes it: entries separated by blanks or commas, each a name
 * (which may hold parentheses, `pkgconfig(glib-2.0)`) optionally followed by
 * an operator and an EVR, or a whole rich dependency in parentheses. A
 * problem (an operator with no version, unbalanced parentheses) is reported,
 * not thrown, so the caller can point at file:line.
 *
 * @example
 *   parseDependencyList('a, b >= 1:2.0-3 (c or d)')
 *   // deps: a; b GE epoch 1 version 2.0 release 3; (c or d)
 */
export function parseDependencyList(text: string): {
  readonly deps: readonly Dependency[];
  readonly problems: readonly DependencyListProblem[];
} {
  const deps: Dependency[] = [];
  const problems: DependencyListProblem[] = [];
  const isSep = (ch: string | undefined): boolean => ch !== undefined && (/\s/.test(ch) || ch === ',');
  let i = 0;
  const skip = (): void => {
    while (i < text.length && isSep(text[i])) i += 1;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && !isSep(text[i])) i += 1;
    return text.slice(start, i);
  };
  for (skip(); i < text.length; skip()) {
    if (text[i] === '(') {
      const end = richEnd(text, i);
      if (end < 0) {
        problems.push({ column: i + 1, message: `unbalanced parentheses in ${text.slice(i)}` });
        break;
      }
      deps.push({ name: text.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    const name = token();
    const save = i;
    skip();
    const opColumn = i + 1;
    const maybeOp = token();
    const flag = operatorFlag(maybeOp);
    if (flag === undefined) {
      i = save;
      deps.push({ name });
      continue;
    }
    skip();
    const evr = token();
    if (evr === '' || operatorFlag(evr) !== undefined) {
      problems.push({ column: opColumn, message: `version required after ${name} ${maybeOp}` });
      deps.push({ name });
      continue;
    }
    const { epoch, version, release } = splitEvr(evr);
    deps.push({ name, flags: flag, epoch, version, ...(release === undefined ? {} : { release }) });
  }
  return { deps, problems };
}

const RICH_KEYWORDS = new Set(['and', 'or', 'if', 'else', 'with', 'without', 'unless']);

/**
 * The package names a dependency mentions: its name, or for a rich
 * dependency every name inside it (versions and keywords left out). Build
 * ordering uses these: `(foo >= 1 or bar)` may be satisfied by foo or bar.
 */
export function dependencyNames(dep: Dependency): readonly string[] {
  if (!dep.name.startsWith('(')) return [dep.name];
  const names: string[] = [];
  // Split on blanks and on parentheses that are not part of a name such as python3dist(foo).
  const tokens = dep.name.match(/[^\s()]+\([^\s()]*\)|[^\s()]+/g) ?? [];
  let afterOperator = false;
  for (const t of tokens) {
    if (operatorFlag(t) !== undefined) {
      afterOperator = true;
      continue;
    }
    if (afterOperator) {
      afterOperator = false;
      continue;
    }
    if (!RICH_KEYWORDS.has(t) && !names.includes(t)) names.push(t);
  }
  return names;
}

/** A dependency back in spec syntax: `name`, `name >= 1:2.0-3`, or the rich expression. */
export function formatDependency(dep: Dependency): string {
  if (dep.flags === undefined || dep.version === undefined) return dep.name;
  const op = { LT: '<', LE: '<=', EQ: '=', GE: '>=', GT: '>' }[dep.flags];
  const epoch = dep.epoch !== undefined && dep.epoch !== '0' ? `${dep.epoch}:` : '';
  const release = dep.release === undefined ? '' : `-${dep.release}`;
  return `${dep.name} ${op} ${epoch}${dep.version}${release}`;
}
