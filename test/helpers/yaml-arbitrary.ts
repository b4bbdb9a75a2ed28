import fc from 'fast-check';

/**
 * fast-check generators of YAML documents for the readers' property tests:
 * valid documents (block and flow collections, anchors and aliases, deep
 * nesting, huge scalars), hostile ones (alias bombs, self-referencing
 * anchors, nesting past any parser's stack) and broken ones (a valid
 * document with one syntax-breaking edit).
 */

const WORDS = [
  'a',
  'name',
  'packages',
  'releases',
  'project',
  'nova',
  'x-y',
  'on',
  'yes',
  '017',
  '1e3',
  '1:30',
];

const plainScalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.integer().map(String),
  fc.constantFrom('null', '~', 'true', 'false', '1.5', '.inf', '2024-01-01'),
);
const quotedScalar = fc
  .string({ maxLength: 20 })
  .map((text) => JSON.stringify(text))
  .filter((text) => !text.includes('\\u'));
const hugeScalar = fc
  .tuple(fc.constantFrom('x', 'ab ', '%(project)s'), fc.integer({ min: 1_000, max: 200_000 }))
  .map(([unit, count]) => JSON.stringify(unit.repeat(count)));

interface Ctx {
  anchors: string[];
  next: number;
}

type Shape =
  | { readonly kind: 'scalar'; readonly text: string }
  | { readonly kind: 'alias'; readonly pick: number }
  | { readonly kind: 'seq'; readonly items: readonly Shape[]; readonly anchor: boolean }
  | {
      readonly kind: 'map';
      readonly entries: readonly (readonly [string, Shape])[];
      readonly anchor: boolean;
    };

const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(plainScalar, quotedScalar).map((text): Shape => ({ kind: 'scalar', text })),
    fc.nat(50).map((pick): Shape => ({ kind: 'alias', pick })),
    fc
      .record({ items: fc.array(tie('node'), { maxLength: 5 }), anchor: fc.boolean() })
      .map((r): Shape => ({ kind: 'seq', ...r })),
    fc
      .record({
        entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...WORDS), tie('node')), {
          maxLength: 5,
          selector: ([key]) => key,
        }),
        anchor: fc.boolean(),
      })
      .map((r): Shape => ({ kind: 'map', ...r })),
  ),
})).node;

/** Flow style renders any shape on one line; aliases name anchors already written (else a scalar). */
function flow(node: Shape, ctx: Ctx): string {
  switch (node.kind) {
    case 'scalar':
      return node.text;
    case 'alias':
      return ctx.anchors.length > 0 ? `*${ctx.anchors[node.pick % ctx.anchors.length]}` : 'x';
    case 'seq':
    case 'map': {
      const anchor = node.anchor ? `a${ctx.next++}` : undefined;
      const body =
        node.kind === 'seq'
          ? `[${node.items.map((item) => flow(item, ctx)).join(', ')}]`
          : `{${node.entries.map(([key, value]) => `${key}: ${flow(value, ctx)}`).join(', ')}}`;
      // The anchor is usable after its node (an alias inside it would be a recursive one).
      if (anchor) ctx.anchors.push(anchor);
      return anchor ? `&${anchor} ${body}` : body;
    }
  }
}

/** Block style for the top levels, flow below. */
function block(node: Shape, ctx: Ctx, indent: string, depth: number): string {
  if (depth > 2 || node.kind === 'scalar' || node.kind === 'alias') return ` ${flow(node, ctx)}\n`;
  if (node.kind === 'seq') {
    if (node.items.length === 0) return ' []\n';
    return `\n${node.items.map((item) => `${indent}-${block(item, ctx, `${indent}  `, depth + 1)}`).join('')}`;
  }
  if (node.entries.length === 0) return ' {}\n';
  return `\n${node.entries.map(([key, value]) => `${indent}${key}:${block(value, ctx, `${indent}  `, depth + 1)}`).join('')}`;
}

/** A valid document: a top-level mapping (catalog-like keys among others), anchors and aliases included. */
export const validYaml: fc.Arbitrary<string> = fc
  .record({
    entries: fc.uniqueArray(
      fc.tuple(fc.constantFrom('releases', 'packages', 'package-default', 'import', ...WORDS), shape),
      { maxLength: 6, selector: ([key]) => key },
    ),
    huge: fc.option(hugeScalar, { freq: 4 }),
  })
  .map(({ entries, huge }) => {
    const ctx: Ctx = { anchors: [], next: 0 };
    const lines = entries.map(([key, value]) => `${key}:${block(value, ctx, '  ', 1)}`);
    if (huge !== null) lines.push(`huge: ${huge}\n`);
    return lines.join('');
  });

/** A "billion laughs": `levels` anchors, each a list of `width` aliases of the previous one. */
export function aliasBomb(levels: number, width: number, key = 'x'): string {
  const lines = [`${key}:`, `  l0: &l0 [${Array.from({ length: width }, () => '"lol"').join(',')}]`];
  for (let level = 1; level < levels; level++) {
    lines.push(
      `  l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(',')}]`,
    );
  }
  lines.push(`top: *l${levels - 1}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Hostile documents, each past one of util/yaml-limits.ts's default limits:
 * alias bombs (9^8 to 12^12 nodes), recursive anchors, nesting past 64
 * levels (up to 20,000, past a parser's stack), a 64 KiB scalar aliased
 * hundreds of times.
 */
export const hostileYaml: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 8, max: 12 }), fc.integer({ min: 9, max: 12 }))
    .map(([levels, width]) => aliasBomb(levels, width)),
  fc.constantFrom('a: &a [1, *a]\n', 'a: &a\n  b: *a\n', 'a: &a {b: [*a]}\n'),
  fc.tuple(fc.integer({ min: 70, max: 20_000 }), fc.constantFrom('[', '{a: ', '- ')).map(([depth, open]) => {
    // A compact block sequence (`- - - x`) can only start a line.
    if (open === '- ') return `${open.repeat(depth)}x\n`;
    const close = open === '[' ? ']' : '}';
    return `a: ${open.repeat(depth)}x${close.repeat(depth)}\n`;
  }),
  fc
    .integer({ min: 70, max: 1_500 })
    .map((depth) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n'),
  // A long scalar repeated through aliases: small text, large expansion.
  fc
    .integer({ min: 520, max: 3_000 })
    .map(
      (count) =>
        `a: &s "${'x'.repeat(65_536)}"\nb: [${Array.from({ length: count }, () => '*s').join(', ')}]\n`,
    ),
);

const BREAKERS = [
  '[',
  '{',
  '"',
  "'",
  ': :',
  '\t',
  '*nowhere',
  '&',
  '!!binary',
  '%YAML 1.1\n',
  '\n---\n',
  '? ',
  '|\n x',
  '@',
];

/** A valid document with one edit that (most likely) breaks it. */
export const brokenYaml: fc.Arbitrary<string> = fc
  .tuple(validYaml, fc.nat(), fc.constantFrom(...BREAKERS))
  .map(([text, at, breaker]) => {
    const position = text.length === 0 ? 0 : at % text.length;
    return text.slice(0, position) + breaker + text.slice(position);
  });

/** Any of the above, or arbitrary text. */
export const anyYaml: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: validYaml },
  { weight: 2, arbitrary: hostileYaml },
  { weight: 3, arbitrary: brokenYaml },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);
