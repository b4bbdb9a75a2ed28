/**
 * Dependencies as libsolv (and so dnf) holds them after reading repodata:
 * a plain name, a versioned relation `name op evr`, or a boolean (rich)
 * dependency tree. dnf repoclosure tests and prints exactly these, so the
 * closure uses libsolv's own reading rather than rpm's:
 *
 * - ext/repo_rpmmd.c adddep: an entry without flags whose name starts with
 *   `(` is parsed as a rich dependency; if libsolv cannot parse it the entry is
 *   dropped (dnf never sees it); an entry with flags is a plain name;
 * - the EVR of an entry is `epoch:version-release` with a `0` (or empty) epoch
 *   left out, unless the version itself looks like `N:...` (makeevr_parts);
 * - ext/pool_parserpmrichdep.c parses rich text: operands chain to the right,
 *   `(a and b and c)` is `a and (b and c)`; only `if`/`unless` take an `else`;
 *   inside rich text a `0:` epoch is stripped and the EVR kept as written; a
 *   parenthesised single atom `(foo >= 1)` is just that atom;
 * - src/poolid.c dep2strcpy prints them (what dnf shows).
 */

/** libsolv's REL_* comparison bits. */
export const REL_GT = 1;
export const REL_EQ = 2;
export const REL_LT = 4;

export const BOOL_OPS = ['and', 'or', 'if', 'unless', 'else', 'with', 'without'] as const;
/** A boolean operator of a rich dependency. */
export type BoolOp = (typeof BOOL_OPS)[number];

export function isBoolOp(value: string): value is BoolOp {
  return (BOOL_OPS as readonly string[]).includes(value);
}

/** `name`: any provider of the name matches. */
export interface NameDep {
  readonly type: 'name';
  readonly name: string;
}

/** `name op evr`; `flags` are REL_* bits (LT|EQ = `<=`). */
export interface RelDep {
  readonly type: 'rel';
  readonly name: string;
  readonly flags: number;
  readonly evr: string;
}

/** `(left op right)`; for `if`/`unless` with an else, `right` is an `else` node (condition else branch). */
export interface BoolDep {
  readonly type: 'bool';
  readonly op: BoolOp;
  readonly left: Reldep;
  readonly right: Reldep;
}

/**
 * A dependency as libsolv reads it.
 *
 * @example
 *   parseRichReldep('(a if b else c)')
 *   // { type: 'bool', op: 'if', left: a, right: { type: 'bool', op: 'else', left: b, right: c } }
 */
export type Reldep = NameDep | RelDep | BoolDep;

/** REL_* bits of a repodata flags attribute (libsolv's flagtab; `NE` is LT|GT). */
export function flagsFromAttribute(flags: string): number {
  switch (flags) {
    case 'GT':
      return REL_GT;
    case 'EQ':
      return REL_EQ;
    case 'GE':
      return REL_GT | REL_EQ;
    case 'LT':
      return REL_LT;
    case 'NE':
      return REL_LT | REL_GT;
    case 'LE':
      return REL_LT | REL_EQ;
    default:
      return 0;
  }
}

/** Whether `text` starts with `digits:` (makeevr_parts keeps a `0:` epoch then). */
function looksLikeEpoch(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i > 0 && text.charCodeAt(i) === 0x3a;
}

/**
 * The EVR string libsolv builds from repodata's epoch/ver/rel attributes
 * (makeevr_parts): a `0` or empty epoch is dropped unless the version starts
 * with `digits:`.
 *
 * @example
 *   makeEvr('0', '1.0', '1') === '1.0-1'; makeEvr('2', '1.0', undefined) === '2:1.0'
 */
export function makeEvr(
  epoch: string | number | undefined,
  version: string | undefined,
  release: string | undefined,
): string {
  let e = epoch === undefined ? undefined : String(epoch);
  if (e !== undefined && (e === '' || e === '0')) e = undefined;
  if (version !== undefined && e === undefined && looksLikeEpoch(version)) e = '0';
  let out = e === undefined ? '' : `${e}:`;
  if (version !== undefined) out += version;
  if (release !== undefined) out += `-${release}`;
  return out;
}

const OPERATORS: readonly string[] = [' ! ', ' > ', ' = ', ' >= ', ' < ', ' <> ', ' <= ', ' <=> '];

/** libsolv's spelling of REL_* bits, with blanks (` >= `). */
export function operatorText(flags: number): string {
  return OPERATORS[flags & 7]!;
}

/**
 * libsolv's text of a dependency (pool_dep2str), what dnf prints.
 *
 * @example
 *   formatReldep(parseRichReldep('(a and (b and c))')!) === '(a and b and c)'
 */
export function formatReldep(dep: Reldep): string {
  return format(dep, 'top');
}

function format(dep: Reldep, outer: BoolOp | 'top'): string {
  switch (dep.type) {
    case 'name':
      return dep.name;
    case 'rel':
      return `${dep.name}${operatorText(dep.flags)}${dep.evr}`;
    case 'bool': {
      const op = dep.op;
      // dep2strcpy: parentheses unless this continues a chain of the same and/or/with/without,
      // or it is the else branch of an if/unless.
      const paren =
        (outer !== op || op === 'if' || op === 'unless' || op === 'else') &&
        !((outer === 'if' || outer === 'unless') && op === 'else');
      const text = `${format(dep.left, op)} ${op} ${format(dep.right, op)}`;
      return paren ? `(${text})` : text;
    }
  }
}

function isOperatorChar(c: string | undefined): boolean {
  return c === '<' || c === '=' || c === '>';
}

/** ext/pool_parserpmrichdep.c skipnonwhite: a token ends at a blank, a comma or an unbalanced `)`. */
function skipNonWhite(text: string, start: number): number {
  let p = start;
  let depth = 0;
  while (p < text.length) {
    const c = text[p];
    if (c === ' ' || c === ',') break;
    if (c === ')') {
      const stop = depth <= 0;
      depth--;
      if (stop) break;
    }
    p++;
    if (c === '(') depth++;
  }
  return p;
}

interface Parsed {
  readonly dep: Reldep;
  readonly end: number;
}

function parseRich(text: string, start: number, chain: BoolOp | undefined): Parsed | undefined {
  let p = start;
  if (chain === undefined) {
    if (text[p] !== '(') return undefined;
    p++;
  }
  while (text[p] === ' ') p++;
  if (p >= text.length || text[p] === ')') return undefined;
  let dep: Reldep;
  if (text[p] === '(') {
    const inner = parseRich(text, p, undefined);
    if (!inner) return undefined;
    dep = inner.dep;
    p = inner.end;
  } else {
    const nameStart = p;
    p = skipNonWhite(text, p);
    if (p === nameStart) return undefined;
    const name = text.slice(nameStart, p);
    dep = { type: 'name', name };
    while (text[p] === ' ') p++;
    if (p < text.length) {
      let flags = 0;
      for (; isOperatorChar(text[p]); p++) {
        if (text[p] === '<') flags |= REL_LT;
        else if (text[p] === '=') flags |= REL_EQ;
        else flags |= REL_GT;
      }
      if (flags !== 0) {
        while (text[p] === ' ') p++;
        let evrStart = p;
        p = skipNonWhite(text, p);
        if (p - evrStart > 2 && text[evrStart] === '0' && text[evrStart + 1] === ':') evrStart += 2;
        if (p === evrStart) return undefined;
        dep = { type: 'rel', name, flags, evr: text.slice(evrStart, p) };
      }
    }
  }
  while (text[p] === ' ') p++;
  if (p >= text.length) return undefined;
  if (text[p] === ')') return { dep, end: p + 1 };
  const opStart = p;
  while (p < text.length && text[p] !== ' ') p++;
  const opText = text.slice(opStart, p);
  if (!isBoolOp(opText)) return undefined;
  let nextChain = chain;
  if ((chain === 'if' || chain === 'unless') && opText === 'else') nextChain = undefined;
  if (nextChain !== undefined && opText !== nextChain) return undefined;
  const right = parseRich(text, p, opText);
  if (!right) return undefined;
  return { dep: { type: 'bool', op: opText, left: dep, right: right.dep }, end: right.end };
}

/**
 * Parses rich dependency text as libsolv does; undefined when libsolv would
 * reject it (and drop the dependency).
 *
 * @example
 *   parseRichReldep('(foo >= 0:1.0 or bar)') // or(rel foo >= 1.0, name bar)
 *   parseRichReldep('(foo)')                 // { type: 'name', name: 'foo' }
 *   parseRichReldep('(a and b or c)')        // undefined
 */
export function parseRichReldep(text: string): Reldep | undefined {
  const parsed = parseRich(text, 0, undefined);
  if (!parsed || parsed.end !== text.length) return undefined;
  return parsed.dep;
}

/**
 * The dependency libsolv makes of one repodata entry: rich when it has no
 * flags and starts with `(` (undefined when that does not parse: libsolv
 * drops it), a relation when it has flags, else a plain name.
 */
export function reldepFromEntry(name: string, flags: number, evr: string | undefined): Reldep | undefined {
  if (flags === 0 && name.startsWith('(')) return parseRichReldep(name);
  if (flags !== 0) return { type: 'rel', name, flags, evr: evr ?? '' };
  return { type: 'name', name };
}

/** Every name the dependency mentions (atoms of a rich dependency, left to right). */
export function reldepNames(dep: Reldep, out: string[] = []): string[] {
  if (dep.type === 'bool') {
    reldepNames(dep.left, out);
    reldepNames(dep.right, out);
  } else {
    out.push(dep.name);
  }
  return out;
}
