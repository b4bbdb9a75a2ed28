/**
 * The two meanings a rich dependency has, over a caller-supplied answer to
 * "which packages provide this atom" (so `with`/`without`, which are about a
 * single package, can be evaluated):
 *
 * - `evaluateRich`: true/false as rpm decides at install time (lib/depends.c
 *   unsatisfiedDepend), the logical reading: `A if B` = A or not B;
 *   `A if B else C` = B ? A : C; `A unless B` = A and not B;
 *   `A unless B else C` = B ? C : A; `with`/`without` = some single package
 *   in the intersection/difference of the provider sets (`or` inside them is
 *   a union); `(A else B)` = A. For a Conflicts entry, true means conflict.
 * - `richProviders`: the set of packages libsolv lists as providers of the
 *   rich dependency (src/poolwhatprovides.c pool_addrelproviders), which is
 *   what `dnf repoclosure` tests (`available.filter(provides=dep)` non-empty).
 *   It is deliberately optimistic: `and`, `or`, `if`, `unless` give the UNION
 *   of their operands' providers, except that the condition of `if`/`unless`
 *   is ignored (`else` branches count); `with` is the intersection, `without`
 *   the difference; a bare `(A else B)` has none. So for repoclosure
 *   `(a and b)` is resolved when anything provides a or b, and `(a if b)` is
 *   unresolved whenever nothing provides a, whether or not b exists.
 */
import type { RichAtom, RichNode } from './rich-dependency.js';

/** Providers of one atom: the packages (any identity the caller likes) whose provides match it. */
export type AtomProviders<P> = (atom: RichAtom) => ReadonlySet<P> | readonly P[];

function asSet<P>(items: ReadonlySet<P> | readonly P[]): ReadonlySet<P> {
  return items instanceof Set ? items : new Set(items as readonly P[]);
}

function isEmpty<P>(items: ReadonlySet<P> | readonly P[]): boolean {
  return items instanceof Set ? items.size === 0 : (items as readonly P[]).length === 0;
}

/** rpm's "set mode" for with/without: only atoms, or, with, without have a set; anything else is empty. */
function packageSet<P>(node: RichNode, providers: AtomProviders<P>): Set<P> {
  switch (node.type) {
    case 'atom':
      return new Set(asSet(providers(node)));
    case 'or': {
      const union = new Set<P>();
      for (const operand of node.operands) for (const p of packageSet(operand, providers)) union.add(p);
      return union;
    }
    case 'with': {
      let result = packageSet(node.operands[0]!, providers);
      for (const operand of node.operands.slice(1)) {
        if (result.size === 0) break;
        const other = packageSet(operand, providers);
        result = new Set([...result].filter((p) => other.has(p)));
      }
      return result;
    }
    case 'without': {
      const left = packageSet(node.left, providers);
      if (left.size === 0) return left;
      const right = packageSet(node.right, providers);
      return new Set([...left].filter((p) => !right.has(p)));
    }
    default:
      return new Set();
  }
}

/**
 * Whether the rich dependency holds, as rpm evaluates it when installing.
 *
 * @example
 *   const installed = new Map([['a', ['pkgA']], ['b', []]]);
 *   evaluateRich(parseRichDependency('(a if b)'), (atom) => installed.get(atom.dependency.name) ?? []) === true
 */
export function evaluateRich<P>(node: RichNode, providers: AtomProviders<P>): boolean {
  switch (node.type) {
    case 'atom':
      return !isEmpty(providers(node));
    case 'and':
      return node.operands.every((operand) => evaluateRich(operand, providers));
    case 'or':
      return node.operands.some((operand) => evaluateRich(operand, providers));
    case 'with':
    case 'without':
      return packageSet(node, providers).size > 0;
    case 'if': {
      const condition = evaluateRich(node.condition, providers);
      if (node.otherwise !== undefined)
        return evaluateRich(condition ? node.body : node.otherwise, providers);
      return !condition || evaluateRich(node.body, providers);
    }
    case 'unless': {
      const condition = evaluateRich(node.condition, providers);
      if (node.otherwise !== undefined)
        return evaluateRich(condition ? node.otherwise : node.body, providers);
      return !condition && evaluateRich(node.body, providers);
    }
    case 'else':
      return evaluateRich(node.left, providers);
  }
}

/**
 * The packages libsolv (and so dnf) counts as providers of the rich
 * dependency; dnf repoclosure reports it unresolved when this is empty.
 *
 * @example
 *   richProviders(parseRichDependency('(a and b)'), providersOf).size > 0
 */
export function richProviders<P>(node: RichNode, providers: AtomProviders<P>): Set<P> {
  switch (node.type) {
    case 'atom':
      return new Set(asSet(providers(node)));
    case 'and':
    case 'or': {
      const union = new Set<P>();
      for (const operand of node.operands) for (const p of richProviders(operand, providers)) union.add(p);
      return union;
    }
    case 'if':
    case 'unless': {
      // libsolv assumes the condition holds and offers the body's and the else branch's providers.
      const result = richProviders(node.body, providers);
      if (node.otherwise !== undefined)
        for (const p of richProviders(node.otherwise, providers)) result.add(p);
      return result;
    }
    case 'with': {
      let result = richProviders(node.operands[0]!, providers);
      for (const operand of node.operands.slice(1)) {
        const other = richProviders(operand, providers);
        result = new Set([...result].filter((p) => other.has(p)));
      }
      return result;
    }
    case 'without': {
      const right = richProviders(node.right, providers);
      return new Set([...richProviders(node.left, providers)].filter((p) => !right.has(p)));
    }
    case 'else':
      return new Set();
  }
}
