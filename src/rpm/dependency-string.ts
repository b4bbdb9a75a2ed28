/**
 * One dependency as text, to and from the Dependency model of package.ts:
 * - `foo`, `foo >= 1:2.0-1`, `/usr/bin/sh`, `pkgconfig(glib-2.0) >= 2.56`,
 *   `(a or b)`: what `rpm -q --requires` and `dnf repoquery --requires` print
 *   and what a spec file's Requires line holds (one entry; for a whole line
 *   of several entries see the spec reader);
 * - the tag of a spec line with its qualifiers, `Requires(pre,post)`.
 *
 * The EVR is split as createrepo_c splits it (see parseDependencyEvr), so a
 * parsed dependency equals the one read back from repodata: `foo >= 1.0`
 * gives epoch `"0"`. Formatting is dnf's: the `0` epoch is not printed.
 */
import { FerryError } from '../errors.js';
import { flagFromOperator, formatEvr, operatorFromFlag, parseDependencyEvr } from './evr.js';
import type { Dependency, DependencyKind } from './package.js';
import { DEPENDENCY_KINDS } from './package.js';
import { formatRichDependency, isRichDependency, parseRichDependency } from './rich-dependency.js';

/** The qualifiers of `Requires(...)` that rpm knows (build/parsePreamble.c). */
export const REQUIRE_QUALIFIERS = [
  'pre',
  'post',
  'preun',
  'postun',
  'pretrans',
  'posttrans',
  'verify',
  'interp',
  'meta',
] as const;
export type RequireQualifier = (typeof REQUIRE_QUALIFIERS)[number];

export function isRequireQualifier(value: string): value is RequireQualifier {
  return (REQUIRE_QUALIFIERS as readonly string[]).includes(value);
}

/**
 * Whether createrepo_c marks a require with these qualifiers `pre="1"`
 * (parsehdr.c): pre and post do, and since createrepo_c 1.1.1 (2024) pretrans
 * and posttrans too; preun, postun, verify, interp and meta never do.
 * `transactionScripts: false` gives the older behaviour (createrepo_c 0.x,
 * e.g. Debian 12's 0.17.3).
 */
export function isPreRequire(
  qualifiers: readonly RequireQualifier[],
  options: { readonly transactionScripts?: boolean } = {},
): boolean {
  const transaction = options.transactionScripts ?? true;
  return qualifiers.some(
    (q) => q === 'pre' || q === 'post' || (transaction && (q === 'pretrans' || q === 'posttrans')),
  );
}

/** A spec dependency tag: its kind and, for Requires, its qualifiers. */
export interface DependencyTag {
  readonly kind: DependencyKind;
  readonly qualifiers: readonly RequireQualifier[];
}

const TAG_KINDS: ReadonlyMap<string, DependencyKind> = new Map(
  DEPENDENCY_KINDS.map((kind) => [kind, kind] as const),
);

function invalid(text: string, reason: string, column?: number): never {
  const where = column === undefined ? '' : ` (column ${column})`;
  throw new FerryError(
    'FERRY_DEPENDENCY_INVALID',
    `invalid dependency ${JSON.stringify(text)}: ${reason}${where}`,
    {
      ...(column === undefined ? {} : { column }),
    },
  );
}

/**
 * Reads a spec tag such as `Requires`, `requires(pre, post)`, `Conflicts`
 * (case-insensitive, as rpm reads tags).
 *
 * @example
 *   parseDependencyTag('Requires(pre,post)') // { kind: 'requires', qualifiers: ['pre', 'post'] }
 */
export function parseDependencyTag(tag: string): DependencyTag {
  const match = /^\s*([A-Za-z]+)\s*(?:\(([^)]*)\))?\s*$/.exec(tag);
  const kind = match === null ? undefined : TAG_KINDS.get(match[1]!.toLowerCase());
  if (match === null || kind === undefined) {
    throw new FerryError(
      'FERRY_DEPENDENCY_INVALID',
      `unknown dependency tag ${JSON.stringify(tag)}: expected one of ${DEPENDENCY_KINDS.map((k) => k[0]!.toUpperCase() + k.slice(1)).join(', ')}`,
    );
  }
  const list = match[2];
  if (list === undefined) return { kind, qualifiers: [] };
  if (kind !== 'requires') {
    throw new FerryError(
      'FERRY_DEPENDENCY_INVALID',
      `${JSON.stringify(tag)}: only Requires takes qualifiers`,
    );
  }
  const qualifiers: RequireQualifier[] = [];
  for (const raw of list.split(',')) {
    const q = raw.trim().toLowerCase();
    if (!isRequireQualifier(q)) {
      throw new FerryError(
        'FERRY_DEPENDENCY_INVALID',
        `${JSON.stringify(tag)}: unknown qualifier ${JSON.stringify(raw.trim())} (known: ${REQUIRE_QUALIFIERS.join(', ')})`,
      );
    }
    if (!qualifiers.includes(q)) qualifiers.push(q);
  }
  return { kind, qualifiers };
}

/** `Requires(pre,post)`, `Provides`, ... */
export function formatDependencyTag(tag: DependencyTag): string {
  const name = tag.kind[0]!.toUpperCase() + tag.kind.slice(1);
  return tag.qualifiers.length === 0 ? name : `${name}(${tag.qualifiers.join(',')})`;
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** End of a name token: rpm stops at a blank or comma, parentheses inside the name balanced. */
function tokenEnd(text: string, p: number): number {
  let depth = 0;
  while (p < text.length) {
    const c = text[p]!;
    if (isBlank(c) || c === ',') break;
    if (c === ')' && depth-- <= 0) break;
    if (c === '(') depth++;
    p++;
  }
  return p;
}

function skipBlanks(text: string, p: number): number {
  while (p < text.length && isBlank(text[p])) p++;
  return p;
}

/**
 * Parses one dependency. `kind` enables the per-tag rules of rich
 * dependencies (see parseRichDependency) and rejects rich Provides/Obsoletes.
 * Throws FERRY_DEPENDENCY_INVALID with the column of the problem.
 *
 * @example
 *   parseDependency('foo >= 1:2.0-1') // { name: 'foo', flags: 'GE', epoch: '1', version: '2.0', release: '1' }
 *   parseDependency('/usr/bin/sh')    // { name: '/usr/bin/sh' }
 *   parseDependency('(a or b)')       // { name: '(a or b)' }
 */
export function parseDependency(text: string, kind?: DependencyKind): Dependency {
  const start = skipBlanks(text, 0);
  if (start === text.length) invalid(text, 'empty dependency');
  if (isRichDependency(text.slice(start))) {
    return { name: formatRichDependency(parseRichDependency(text, kind)) };
  }
  const nameEnd = tokenEnd(text, start);
  if (nameEnd === start) invalid(text, `unexpected ${JSON.stringify(text[start])}`, start + 1);
  const name = text.slice(start, nameEnd);
  const opStart = skipBlanks(text, nameEnd);
  if (opStart === text.length) return { name };
  let opEnd = opStart;
  while (opEnd < text.length && !isBlank(text[opEnd])) opEnd++;
  const operator = text.slice(opStart, opEnd);
  const flags = flagFromOperator(operator);
  if (flags === undefined) {
    invalid(
      text,
      `expected a comparison (<, <=, =, >=, >) after the name, found ${JSON.stringify(operator)}`,
      opStart + 1,
    );
  }
  const evrStart = skipBlanks(text, opEnd);
  if (evrStart === text.length) invalid(text, `version required after '${operator}'`, opStart + 1);
  let evrEnd = evrStart;
  while (evrEnd < text.length && !isBlank(text[evrEnd])) evrEnd++;
  const rest = skipBlanks(text, evrEnd);
  if (rest !== text.length) {
    invalid(
      text,
      `unexpected text after the version: ${JSON.stringify(text.slice(rest))} (one dependency expected)`,
      rest + 1,
    );
  }
  const evr = text.slice(evrStart, evrEnd);
  if (evr.startsWith('-') || evr.endsWith(':'))
    invalid(text, `incomplete version ${JSON.stringify(evr)}`, evrStart + 1);
  try {
    return { name, flags, ...parseDependencyEvr(evr) };
  } catch (error) {
    return invalid(text, error instanceof Error ? error.message : String(error), evrStart + 1);
  }
}

/**
 * The text dnf prints for a dependency (`dnf repoquery --requires`, repoclosure):
 * `name`, or `name op [epoch:]version[-release]` with a `0` epoch left out.
 *
 * @example
 *   formatDependency({ name: 'foo', flags: 'GE', epoch: '0', version: '2.0' }) === 'foo >= 2.0'
 */
export function formatDependency(
  dep: Dependency,
  options: { readonly keepZeroEpoch?: boolean } = {},
): string {
  if (dep.flags === undefined || dep.version === undefined) return dep.name;
  return `${dep.name} ${operatorFromFlag(dep.flags)} ${formatEvr(dep, options)}`;
}

/**
 * A spec line for one dependency: `Requires(pre): foo >= 1.0`. A `pre`
 * dependency without known qualifiers is written `Requires(pre)`.
 */
export function formatDependencyLine(
  kind: DependencyKind,
  dep: Dependency,
  qualifiers?: readonly RequireQualifier[],
): string {
  const quals = qualifiers ?? (kind === 'requires' && dep.pre === true ? (['pre'] as const) : []);
  return `${formatDependencyTag({ kind, qualifiers: quals })}: ${formatDependency(dep, { keepZeroEpoch: false })}`;
}

/**
 * Parses a spec line holding one dependency, `Requires(pre,post): foo >= 1`.
 * The result's `pre` is set as createrepo_c sets it.
 */
export function parseDependencyLine(line: string): DependencyTag & { readonly dependency: Dependency } {
  const colon = line.indexOf(':');
  if (colon < 0) invalid(line, "expected 'Tag: dependency'");
  const tag = parseDependencyTag(line.slice(0, colon));
  const parsed = parseDependency(line.slice(colon + 1), tag.kind);
  const dependency =
    tag.kind === 'requires' && isPreRequire(tag.qualifiers) ? { ...parsed, pre: true } : parsed;
  return { ...tag, dependency };
}
