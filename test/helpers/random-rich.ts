/**
 * Seeded random rich dependency strings, for comparing ferry's parser and
 * evaluators with rpm and libsolv on many shapes at once.
 */

export interface RandomRichOptions {
  /** Atoms to draw from (plain or versioned dependency text). */
  readonly atoms: readonly string[];
  /** Maximum nesting depth. */
  readonly depth: number;
  /** Probability of a deliberate mistake per node (0 for well-formed-looking text). */
  readonly mistakes?: number;
}

const BINARY = ['and', 'or', 'if', 'unless', 'with', 'without', 'else'] as const;
const CHAINABLE = ['and', 'or', 'with', 'if', 'without'] as const;

/** One random rich dependency (always parenthesised at the top). */
export function randomRich(random: () => number, options: RandomRichOptions): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const mistakes = options.mistakes ?? 0;
  const operand = (depth: number): string =>
    depth > 0 && random() < 0.45 ? node(depth - 1) : pick(options.atoms);
  const node = (depth: number): string => {
    const r = random();
    let inner: string;
    if (r < 0.25) {
      const op = pick(CHAINABLE);
      const count = 3 + Math.floor(random() * 2);
      inner = Array.from({ length: count }, () => operand(depth)).join(` ${op} `);
    } else if (r < 0.4) {
      inner = `${operand(depth)} ${pick(['if', 'unless'])} ${operand(depth)} else ${operand(depth)}`;
    } else {
      inner = `${operand(depth)} ${pick(BINARY.slice(0, 6))} ${operand(depth)}`;
    }
    if (random() < mistakes) {
      const m = Math.floor(random() * 7);
      if (m === 0) inner = `${inner} ${pick(BINARY)} ${operand(depth)}`; // mixing operators
      if (m === 1) inner = `${inner} ${pick(BINARY)}`; // missing operand
      if (m === 2) inner = `${pick(BINARY)} ${inner}`; // leading operator (read as a name)
      if (m === 3) inner = inner.replace(/ (and|or|if|with) /, ' xor '); // unknown operator
      if (m === 4) return `(${inner}`; // unbalanced
      if (m === 5) inner = `${operand(depth)} else ${operand(depth)}`; // else without if
      if (m === 6) inner = inner.replace(/ [<>=]+ \S+/, ' >='); // missing version
    }
    return `(${inner})`;
  };
  return node(options.depth);
}
