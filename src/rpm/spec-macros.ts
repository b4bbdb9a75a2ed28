/**
 * A small subset of rpm's macro language, for reading a spec when rpmspec is
 * not installed: `%define`/`%global` values, `%{name}`, `%name`,
 * `%{?name}`, `%{!?name:text}`, `%{?name:text}`, `%%`, and `%if`
 * expressions over integers and strings. Anything else (`%{lua:...}`,
 * parametric macros, `%(shell)`) is left as written, which is what rpm does
 * with a macro it does not know. rpmspec stays the reference.
 */

export type MacroTable = Map<string, string>;

const MAX_DEPTH = 32;

export function createMacroTable(defines: Readonly<Record<string, string>> = {}): MacroTable {
  return new Map(Object.entries(defines));
}

/** Finds the `}` matching the `{` at `open`, or -1. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '{') depth += 1;
    else if (ch === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Expands the macros of `text` that the table knows; unknown ones stay as written. */
export function expandMacros(text: string, macros: MacroTable, depth = 0): string {
  if (depth > MAX_DEPTH || !text.includes('%')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '%') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 1);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      out += expandBraced(text.slice(i + 2, close), text.slice(i, close + 1), macros, depth);
      i = close + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (name !== undefined && macros.has(name)) {
      out += expandMacros(macros.get(name) ?? '', macros, depth + 1);
      i += 1 + name.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

function expandBraced(body: string, original: string, macros: MacroTable, depth: number): string {
  const conditional = /^(!?\?)?(!?\?)?([A-Za-z_][A-Za-z0-9_]*)(?::([\s\S]*))?$/.exec(body);
  if (conditional === null) return original;
  const flags = `${conditional[1] ?? ''}${conditional[2] ?? ''}`;
  const name = conditional[3] ?? '';
  const alternative = conditional[4];
  const defined = macros.has(name);
  if (flags === '') {
    if (alternative !== undefined) return original; // %{name:arg}: a builtin such as %{expand:...}
    return defined ? expandMacros(macros.get(name) ?? '', macros, depth + 1) : original;
  }
  const negated = flags.includes('!');
  if (alternative === undefined) {
    if (negated) return '';
    return defined ? expandMacros(macros.get(name) ?? '', macros, depth + 1) : '';
  }
  return defined !== negated ? expandMacros(alternative, macros, depth + 1) : '';
}

/** Records a `%define`/`%global` line's macro; `%global` expands its body now, `%define` when used. */
export function defineMacro(line: string, macros: MacroTable): boolean {
  const match = /^\s*%(define|global)\s+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?\s+(.*?)\s*$/.exec(line);
  if (match === null) return false;
  if (match[3] !== undefined) return true; // parametric macro: not supported, ignore its body
  const body = match[4] ?? '';
  macros.set(match[2] ?? '', match[1] === 'global' ? expandMacros(body, macros) : body);
  return true;
}

/**
 * The idiom `%{!?name: %global name value}` (define unless defined) and its
 * `%{?name: ...}` counterpart, common at the top of distribution specs.
 */
export function conditionalDefine(line: string, macros: MacroTable): boolean {
  const match = /^\s*%\{(!?)\?([A-Za-z_][A-Za-z0-9_]*):\s*(%(?:define|global)\s[\s\S]*)\}\s*$/.exec(line);
  if (match === null) return false;
  if (macros.has(match[2] ?? '') !== (match[1] === '!')) defineMacro(match[3] ?? '', macros);
  return true;
}

/** Removes a macro (`%undefine name`). */
export function undefineMacro(line: string, macros: MacroTable): boolean {
  const match = /^\s*%undefine\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line);
  if (match === null) return false;
  macros.delete(match[1] ?? '');
  return true;
}

type Token =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'op'; readonly value: string };

function tokenize(expr: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^[0-9]+/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const str = /^"([^"]*)"/.exec(rest);
    if (str) {
      tokens.push({ kind: 'str', value: str[1] ?? '' });
      i += str[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|<=|>=|<|>|!|\(|\)|\+|-|\*|\/)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[0] });
      i += op[0].length;
      continue;
    }
    return undefined;
  }
  return tokens;
}

type Value = number | string;

/**
 * Evaluates an `%if` expression after macro expansion, like rpm's expression
 * parser for the common cases (`0%{?fedora} >= 38`, `"%{x}" == "y"`,
 * `!0%{?rhel} || %{with_docs}`). Returns undefined when it cannot tell.
 */
export function evaluateCondition(expr: string): boolean | undefined {
  const tokens = tokenize(expr);
  if (tokens === undefined || tokens.length === 0) return undefined;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (value: string): boolean => {
    const t = peek();
    return t?.kind === 'op' && t.value === value;
  };
  const truthy = (v: Value): boolean => (typeof v === 'number' ? v !== 0 : v !== '');
  const primary = (): Value => {
    const t = tokens[pos];
    pos += 1;
    if (t === undefined) throw new Error('end');
    if (t.kind !== 'op') return t.value;
    if (t.value === '!') return truthy(primary()) ? 0 : 1;
    if (t.value === '-') {
      const v = primary();
      if (typeof v !== 'number') throw new Error('type');
      return -v;
    }
    if (t.value === '(') {
      const v = or();
      if (!isOp(')')) throw new Error('paren');
      pos += 1;
      return v;
    }
    throw new Error('token');
  };
  const arith = (): Value => {
    let left = primary();
    while (isOp('*') || isOp('/') || isOp('+') || isOp('-')) {
      const op = (tokens[pos] as Token).value;
      pos += 1;
      const right = primary();
      if (typeof left !== 'number' || typeof right !== 'number') throw new Error('type');
      left =
        op === '*'
          ? left * right
          : op === '/'
            ? Math.trunc(left / (right || 1))
            : op === '+'
              ? left + right
              : left - right;
    }
    return left;
  };
  const compare = (): Value => {
    const left = arith();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (!isOp(op)) continue;
      pos += 1;
      const right = arith();
      if (typeof left !== typeof right) throw new Error('type');
      const r =
        op === '=='
          ? left === right
          : op === '!='
            ? left !== right
            : op === '<='
              ? left <= right
              : op === '>='
                ? left >= right
                : op === '<'
                  ? left < right
                  : left > right;
      return r ? 1 : 0;
    }
    return left;
  };
  const and = (): Value => {
    let left = compare();
    while (isOp('&&')) {
      pos += 1;
      const right = compare();
      left = truthy(left) && truthy(right) ? 1 : 0;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (isOp('||')) {
      pos += 1;
      const right = and();
      left = truthy(left) || truthy(right) ? 1 : 0;
    }
    return left;
  };
  try {
    const value = or();
    return pos === tokens.length ? truthy(value) : undefined;
  } catch {
    return undefined;
  }
}
