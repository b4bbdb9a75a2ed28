/**
 * Rich (boolean) dependencies: `(a or b)`, `(a if b else c)`, `(a with b)`, ...
 * parsed into a typed tree and formatted back to rpm's canonical text.
 *
 * The grammar and its restrictions follow rpm's lib/rpmds.c rpmrichParse and
 * rpmrichParseForTag exactly:
 * - a rich dependency is a parenthesised list `operand op operand op ...`;
 *   an operand is a nested rich dependency or an atom `name [op evr]`; blanks
 *   and commas separate tokens; a name may hold balanced parentheses
 *   (`pkgconfig(glib-2.0)`);
 * - only `and`, `or` and `with` may be chained, `(a and b and c)`; `if` and
 *   `unless` take one `else`; any other mix needs parentheses
 *   (`(a and b or c)` is an error);
 * - `with`/`without` operate on single packages: their operands may only use
 *   `or`, `with` and `without`, at any depth;
 * - context: in Requires/Recommends/Suggests an `unless` may not appear where
 *   its value is and-ed (at the top, or inside `and`, or in the body of an
 *   `if`); in Conflicts/Supplements/Enhances an `if` may not appear where its
 *   value is or-ed. The condition of an `if`/`unless` is exempt. Provides and
 *   Obsoletes take no rich dependencies at all.
 * - rpm accepts a bare `(a else b)` (and treats it as `a`): so does ferry.
 *
 * One deliberate normalization: redundant parentheses around a single operand,
 * `((a))`, format as `(a)`; rpm keeps them in the text it stores.
 */
import type { ErrorCode } from '../errors.js';
import { FerryError } from '../errors.js';
import { flagFromOperator, formatEvr, operatorFromFlag, parseDependencyEvr } from './evr.js';
import type { Dependency, DependencyKind } from './package.js';

export const RICH_OPERATORS = ['and', 'or', 'if', 'unless', 'else', 'with', 'without'] as const;
export type RichOperator = (typeof RICH_OPERATORS)[number];

export function isRichOperator(value: string): value is RichOperator {
  return (RICH_OPERATORS as readonly string[]).includes(value);
}

/** A plain dependency inside a rich one, e.g. `foo >= 1:2.0`. */
export interface RichAtom {
  readonly type: 'atom';
  /** Name, flags and EVR split as repodata carries them (epoch `"0"` when none was written). */
  readonly dependency: Dependency;
  /** The EVR exactly as written (rpm and dnf print it unchanged inside rich dependencies). */
  readonly evr?: string;
}

/** `(a and b ...)`, `(a or b ...)`, `(a with b ...)`: two or more operands. */
export interface RichChain {
  readonly type: 'and' | 'or' | 'with';
  readonly operands: readonly RichNode[];
}

/** `(body if condition [else otherwise])`, `(body unless condition [else otherwise])`. */
export interface RichConditional {
  readonly type: 'if' | 'unless';
  readonly body: RichNode;
  readonly condition: RichNode;
  readonly otherwise?: RichNode;
}

/** `(left without right)`: a package matching left but not right. */
export interface RichWithout {
  readonly type: 'without';
  readonly left: RichNode;
  readonly right: RichNode;
}

/** `(left else right)` with no `if`: rpm accepts it and evaluates it as `left`; libsolv provides nothing for it. */
export interface RichElse {
  readonly type: 'else';
  readonly left: RichNode;
  readonly right: RichNode;
}

/**
 * A parsed rich dependency.
 *
 * @example
 *   parseRichDependency('(foo >= 1.0 or bar)')
 *   // { type: 'or', operands: [
 *   //     { type: 'atom', dependency: { name: 'foo', flags: 'GE', epoch: '0', version: '1.0' }, evr: '1.0' },
 *   //     { type: 'atom', dependency: { name: 'bar' } } ] }
 */
export type RichNode = RichAtom | RichChain | RichConditional | RichWithout | RichElse;

/** True when a dependency string is a rich one (rpm: it starts with `(`). */
export function isRichDependency(text: string): boolean {
  return text.startsWith('(');
}

// rpm's RICHPARSE_* check bits.
const CHECK = 1;
const NO_WITH = 2;
const NO_AND = 4;
const NO_OR = 8;

type Context = 'and' | 'or' | 'none';

function contextOf(kind: DependencyKind | undefined): Context {
  switch (kind) {
    case undefined:
      return 'none';
    case 'conflicts':
    case 'supplements':
    case 'enhances':
      return 'or';
    default:
      return 'and';
  }
}

class RichSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** rpm's SKIPWHITE: blanks and commas. */
function skipWhite(text: string, p: number): number {
  while (p < text.length && (isBlank(text[p]) || text[p] === ',')) p++;
  return p;
}

/** rpm's SKIPNONWHITEX: up to a blank, a comma, or a `)` that closes nothing opened in the token. */
function skipNonWhite(text: string, p: number): number {
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

interface Parsed {
  readonly node: RichNode;
  readonly end: number;
  readonly check: number;
}

function parseAtom(text: string, start: number): { node: RichAtom; end: number } {
  let p = skipNonWhite(text, start);
  if (p === start) throw new RichSyntaxError(start, 'missing operand');
  const name = text.slice(start, p);
  p = skipWhite(text, p);
  const opEnd = skipNonWhite(text, p);
  const flags = opEnd > p ? flagFromOperator(text.slice(p, opEnd)) : undefined;
  if (flags === undefined) return { node: { type: 'atom', dependency: { name } }, end: p };
  const evrStart = skipWhite(text, opEnd);
  const evrEnd = skipNonWhite(text, evrStart);
  if (evrEnd === evrStart) throw new RichSyntaxError(p, `version required after '${text.slice(p, opEnd)}'`);
  const evr = text.slice(evrStart, evrEnd);
  let split: ReturnType<typeof parseDependencyEvr>;
  try {
    split = parseDependencyEvr(evr);
  } catch (error) {
    throw new RichSyntaxError(evrStart, error instanceof Error ? error.message : String(error));
  }
  return { node: { type: 'atom', dependency: { name, flags, ...split }, evr }, end: evrEnd };
}

function checkContext(op: RichOperator | undefined, check: number, at: number): void {
  if ((op === 'with' || op === 'without') && (check & NO_WITH) !== 0) {
    throw new RichSyntaxError(at, `the operands of '${op}' may only use 'or', 'with' and 'without'`);
  }
  if ((check & CHECK) === 0) return;
  if ((op === 'and' || op === 'if') && (check & NO_AND) !== 0) {
    throw new RichSyntaxError(at, "'unless' is not allowed here (an and-like context): use 'or' instead");
  }
  if ((op === 'or' || op === 'unless') && (check & NO_OR) !== 0) {
    throw new RichSyntaxError(at, "'if' is not allowed here (an or-like context): use 'and' instead");
  }
}

function parseGroup(text: string, open: number, checkIn: number): Parsed {
  if (text[open] !== '(') throw new RichSyntaxError(open, "a rich dependency starts with '('");
  const operands: RichNode[] = [];
  const ops: RichOperator[] = [];
  let op: RichOperator | undefined;
  let firstOp: RichOperator | undefined;
  let chainOp: RichOperator | undefined;
  let check = checkIn;
  let p = open + 1;
  for (;;) {
    p = skipWhite(text, p);
    if (p >= text.length) throw new RichSyntaxError(open, "unbalanced parentheses: missing ')'");
    if (text[p] === ')') {
      throw new RichSyntaxError(
        p,
        chainOp !== undefined ? `missing operand after '${chainOp}'` : 'empty rich dependency',
      );
    }
    if (text[p] === '(') {
      const sub = parseGroup(text, p, check & CHECK);
      let subCheck = sub.check;
      // The condition of an if/unless is evaluated on its own: its and/or context does not apply.
      if (op === 'if' || op === 'unless') subCheck &= ~(NO_AND | NO_OR);
      check |= subCheck;
      operands.push(sub.node);
      p = sub.end;
    } else {
      const atom = parseAtom(text, p);
      operands.push(atom.node);
      p = atom.end;
    }
    p = skipWhite(text, p);
    if (p >= text.length) throw new RichSyntaxError(open, "unbalanced parentheses: missing ')'");
    if (text[p] === ')') break;
    let opEnd = p;
    while (opEnd < text.length && !isBlank(text[opEnd]) && text[opEnd] !== ')') opEnd++;
    const token = text.slice(p, opEnd);
    if (!isRichOperator(token)) {
      const hint = flagFromOperator(token) !== undefined ? ' (a comparison needs a name before it)' : '';
      throw new RichSyntaxError(p, `unknown rich dependency operator '${token}'${hint}`);
    }
    op = token;
    firstOp ??= op;
    if (op === 'else' && (chainOp === 'if' || chainOp === 'unless')) chainOp = undefined;
    if (chainOp !== undefined && op !== chainOp) {
      throw new RichSyntaxError(p, `cannot mix '${chainOp}' and '${op}' without parentheses`);
    }
    if (chainOp !== undefined && op !== 'and' && op !== 'or' && op !== 'with') {
      throw new RichSyntaxError(p, `'${op}' cannot be chained: only 'and', 'or' and 'with' can`);
    }
    chainOp = op;
    ops.push(op);
    p = opEnd;
  }

  checkContext(firstOp, check, open);
  if (firstOp === 'if') check |= NO_OR;
  if (firstOp === 'unless') check |= NO_AND;
  if (op === 'and' || op === 'or') check &= ~(NO_AND | NO_OR);
  if (op !== undefined && op !== 'with' && op !== 'without' && op !== 'or') check |= NO_WITH;
  return { node: buildNode(operands, ops), end: p + 1, check };
}

function buildNode(operands: readonly RichNode[], ops: readonly RichOperator[]): RichNode {
  const [first, second, third] = operands;
  const op = ops[0];
  if (op === undefined) return first!;
  switch (op) {
    case 'and':
    case 'or':
    case 'with':
      return { type: op, operands };
    case 'if':
    case 'unless':
      return third === undefined
        ? { type: op, body: first!, condition: second! }
        : { type: op, body: first!, condition: second!, otherwise: third };
    case 'without':
      return { type: 'without', left: first!, right: second! };
    case 'else':
      return { type: 'else', left: first!, right: second! };
  }
}

function fail(code: ErrorCode, text: string, offset: number, reason: string): never {
  const column = offset + 1;
  throw new FerryError(
    code,
    `invalid rich dependency ${JSON.stringify(text)}: ${reason} (column ${column})`,
    {
      column,
    },
  );
}

/**
 * Parses a rich dependency. `kind` applies rpm's per-tag checks (which of
 * `if`/`unless` may appear where, no rich Provides/Obsoletes); without it only
 * the grammar and the with/without operand rule are checked.
 * Throws FERRY_DEPENDENCY_INVALID naming the 1-based column of the problem.
 */
export function parseRichDependency(text: string, kind?: DependencyKind): RichNode {
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;
  if (kind === 'provides' || kind === 'obsoletes') {
    fail('FERRY_DEPENDENCY_INVALID', text, lead, `${kind} cannot be rich dependencies`);
  }
  const context = contextOf(kind);
  try {
    const parsed = parseGroup(trimmed, 0, context === 'none' ? 0 : CHECK);
    if (parsed.end !== trimmed.length) {
      throw new RichSyntaxError(
        parsed.end,
        `unexpected text after the closing ')': ${JSON.stringify(trimmed.slice(parsed.end))}`,
      );
    }
    if (context === 'or') checkContext('or', parsed.check, 0);
    if (context === 'and') checkContext('and', parsed.check, 0);
    return parsed.node;
  } catch (error) {
    if (error instanceof RichSyntaxError)
      fail('FERRY_DEPENDENCY_INVALID', text, lead + error.offset, error.message);
    throw error;
  }
}

function formatAtom(atom: RichAtom): string {
  const dep = atom.dependency;
  if (dep.flags === undefined) return dep.name;
  return `${dep.name} ${operatorFromFlag(dep.flags)} ${atom.evr ?? formatEvr(dep)}`;
}

function formatOperand(node: RichNode): string {
  return node.type === 'atom' ? formatAtom(node) : formatRichDependency(node);
}

/**
 * rpm's canonical text (what rpmbuild stores and `rpm -q --requires` and dnf
 * print): single blanks around operators, operators as `<`, `<=`, `=`, `>=`, `>`.
 *
 * @example
 *   formatRichDependency(parseRichDependency('(a  or b,c =< 2)')) === '(a or b or c <= 2)'
 */
export function formatRichDependency(node: RichNode): string {
  switch (node.type) {
    case 'atom':
      return `(${formatAtom(node)})`;
    case 'and':
    case 'or':
    case 'with':
      return `(${node.operands.map(formatOperand).join(` ${node.type} `)})`;
    case 'if':
    case 'unless': {
      const otherwise = node.otherwise === undefined ? '' : ` else ${formatOperand(node.otherwise)}`;
      return `(${formatOperand(node.body)} ${node.type} ${formatOperand(node.condition)}${otherwise})`;
    }
    case 'without':
    case 'else':
      return `(${formatOperand(node.left)} ${node.type} ${formatOperand(node.right)})`;
  }
}

/** Every atom of the tree, left to right (to index the names a rich dependency mentions). */
export function richAtoms(node: RichNode): RichAtom[] {
  switch (node.type) {
    case 'atom':
      return [node];
    case 'and':
    case 'or':
    case 'with':
      return node.operands.flatMap(richAtoms);
    case 'if':
    case 'unless':
      return [
        ...richAtoms(node.body),
        ...richAtoms(node.condition),
        ...(node.otherwise ? richAtoms(node.otherwise) : []),
      ];
    case 'without':
    case 'else':
      return [...richAtoms(node.left), ...richAtoms(node.right)];
  }
}
