import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { seededRandom } from '../../test/helpers/random-versions.js';
import { randomRich } from '../../test/helpers/random-rich.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import type { DependencyKind } from './package.js';
import type { RichNode } from './rich-dependency.js';
import { formatRichDependency, parseRichDependency, richAtoms } from './rich-dependency.js';

const atom = (name: string): RichNode => ({ type: 'atom', dependency: { name } });

describe('parseRichDependency', () => {
  it('builds a typed tree for every operator, chains and nesting', () => {
    const inputs = [
      '(a and b and c)',
      '(a or b)',
      '(a if b)',
      '(a if b else c)',
      '(a unless b)',
      '(a unless b else c)',
      '(a with b with c)',
      '(a without b)',
      '(a else b)',
      '((a or b) and (c if d))',
      '(pkgconfig(glib-2.0) >= 1:2.56-3 or foo)',
      '((a))',
    ];

    const trees = inputs.map((text) => parseRichDependency(text));

    expect(trees).toEqual([
      { type: 'and', operands: [atom('a'), atom('b'), atom('c')] },
      { type: 'or', operands: [atom('a'), atom('b')] },
      { type: 'if', body: atom('a'), condition: atom('b') },
      { type: 'if', body: atom('a'), condition: atom('b'), otherwise: atom('c') },
      { type: 'unless', body: atom('a'), condition: atom('b') },
      { type: 'unless', body: atom('a'), condition: atom('b'), otherwise: atom('c') },
      { type: 'with', operands: [atom('a'), atom('b'), atom('c')] },
      { type: 'without', left: atom('a'), right: atom('b') },
      { type: 'else', left: atom('a'), right: atom('b') },
      {
        type: 'and',
        operands: [
          { type: 'or', operands: [atom('a'), atom('b')] },
          { type: 'if', body: atom('c'), condition: atom('d') },
        ],
      },
      {
        type: 'or',
        operands: [
          {
            type: 'atom',
            dependency: {
              name: 'pkgconfig(glib-2.0)',
              flags: 'GE',
              epoch: '1',
              version: '2.56',
              release: '3',
            },
            evr: '1:2.56-3',
          },
          atom('foo'),
        ],
      },
      atom('a'),
    ]);
    expect(richAtoms(trees[9]!).map((a) => a.dependency.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reports malformed input with the column of the problem', () => {
    const bad: readonly (readonly [string, DependencyKind | undefined])[] = [
      ['a or b', undefined],
      ['(a or b', undefined],
      ['()', undefined],
      ['(a or )', undefined],
      ['(a xor b)', undefined],
      ['(a and b or c)', undefined],
      ['(a if b if c)', undefined],
      ['(a >= )', undefined],
      ['(a or b) c', undefined],
      ['((a and b) with c)', undefined],
      ['(a unless b)', 'requires'],
      ['(a if b)', 'conflicts'],
      ['((a if b) or c)', 'requires'],
      ['(a or b)', 'obsoletes'],
      ['(a >= x:1)', undefined],
    ];

    const errors = bad.map(([text, kind]) => {
      try {
        parseRichDependency(text, kind);
        return 'accepted';
      } catch (error) {
        const e = error as { code: string; column: number; message: string };
        return `${e.code} ${e.column}: ${e.message.replace(/^invalid rich dependency "[^"]*": /, '')}`;
      }
    });

    expect(errors).toEqual([
      "FERRY_DEPENDENCY_INVALID 1: a rich dependency starts with '(' (column 1)",
      "FERRY_DEPENDENCY_INVALID 1: unbalanced parentheses: missing ')' (column 1)",
      'FERRY_DEPENDENCY_INVALID 2: empty rich dependency (column 2)',
      "FERRY_DEPENDENCY_INVALID 7: missing operand after 'or' (column 7)",
      "FERRY_DEPENDENCY_INVALID 4: unknown rich dependency operator 'xor' (column 4)",
      "FERRY_DEPENDENCY_INVALID 10: cannot mix 'and' and 'or' without parentheses (column 10)",
      "FERRY_DEPENDENCY_INVALID 9: 'if' cannot be chained: only 'and', 'or' and 'with' can (column 9)",
      "FERRY_DEPENDENCY_INVALID 4: version required after '>=' (column 4)",
      'FERRY_DEPENDENCY_INVALID 9: unexpected text after the closing \')\': " c" (column 9)',
      "FERRY_DEPENDENCY_INVALID 1: the operands of 'with' may only use 'or', 'with' and 'without' (column 1)",
      "FERRY_DEPENDENCY_INVALID 1: 'unless' is not allowed here (an and-like context): use 'or' instead (column 1)",
      "FERRY_DEPENDENCY_INVALID 1: 'if' is not allowed here (an or-like context): use 'and' instead (column 1)",
      "FERRY_DEPENDENCY_INVALID 1: 'if' is not allowed here (an or-like context): use 'and' instead (column 1)",
      'FERRY_DEPENDENCY_INVALID 1: obsoletes cannot be rich dependencies (column 1)',
      'FERRY_DEPENDENCY_INVALID 7: epoch "x" of "x:1" is not a number (column 7)',
    ]);
  });

  it('accepts the contexts rpm accepts: unless in conflicts, if in requires, either as a condition', () => {
    const cases: readonly (readonly [string, DependencyKind])[] = [
      ['(a unless b)', 'conflicts'],
      ['(a if b)', 'requires'],
      ['(a if (b unless c))', 'requires'],
      ['(a unless (b if c))', 'conflicts'],
      ['((a if b) and c)', 'recommends'],
      ['((a unless b) or c)', 'supplements'],
      ['((a or b) with c)', 'requires'],
    ];

    expect(cases.map(([text, kind]) => formatRichDependency(parseRichDependency(text, kind)))).toEqual(
      cases.map(([text]) => text),
    );
  });
});

const TAGS: Readonly<Record<string, DependencyKind>> = {
  Requires: 'requires',
  Recommends: 'recommends',
  Conflicts: 'conflicts',
  Supplements: 'supplements',
};

describe('against rpm (rpmspec parses the spec with rpm own rich parser)', () => {
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await tempDir('ferry-rich-');
  });

  const specWith = async (lines: readonly string[]): Promise<string> => {
    const path = join(dir, `rich-${counter++}.spec`);
    await writeFile(
      path,
      [
        'Name: rich',
        'Version: 1',
        'Release: 1',
        'Summary: rich',
        'License: MIT',
        ...lines,
        '%description',
        'x',
        '',
      ].join('\n'),
    );
    return path;
  };

  /** Whether rpm accepts `tag: text`, checked `jobs` specs at a time. */
  const rpmAccepts = async (cases: readonly (readonly [string, string])[]): Promise<boolean[]> => {
    const results: boolean[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const index = next++;
        const [tag, text] = cases[index]!;
        const spec = await specWith([`${tag}: ${text}`]);
        const run = await exec('rpmspec', ['-q', '--qf', '%{NAME}\n', spec], { allowFailure: true });
        results[index] = run.exitCode === 0;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return results;
  };

  const weAccept = (tag: string, text: string): boolean => {
    try {
      parseRichDependency(text, TAGS[tag]);
      return true;
    } catch {
      return false;
    }
  };

  it('formats to the canonical text rpm stores, whatever the spacing, commas or operator spelling', async () => {
    const inputs: readonly (readonly [string, string])[] = [
      ['Requires', '(a  or b or c =< 2)'],
      ['Requires', '( a if b else c )'],
      ['Requires', '(a, or b)'],
      ['Requires', '(a == 1 and b => 2:3-4 and c<d)'],
      ['Requires', '((a or b) and (c with d) and (e without f))'],
      ['Requires', '(pkgconfig(x) >= 1 or python3dist(y[z]) < 2~rc1)'],
      ['Requires', '(a else b)'],
      ['Requires', '(a if (b unless c) else (d or e))'],
      ['Conflicts', '(a unless b else c)'],
      ['Conflicts', '((a and b) unless c)'],
      ['Supplements', '(a and (b or c))'],
      ['Recommends', '(a if b)'],
    ];
    const spec = await specWith(inputs.map(([tag, text]) => `${tag}: ${text}`));

    const { stdout } = await exec('rpmspec', [
      '-q',
      '--qf',
      '[%{REQUIRENAME}\n][%{CONFLICTNAME}\n][%{SUPPLEMENTNAME}\n][%{RECOMMENDNAME}\n]',
      spec,
    ]);

    const ours = inputs.map(([tag, text]) => formatRichDependency(parseRichDependency(text, TAGS[tag])));
    expect(ours.sort()).toEqual(stdout.trimEnd().split('\n').sort());
  });

  it('accepts and rejects exactly what rpm does on hand-picked hard cases', async () => {
    const cases: readonly (readonly [string, string])[] = [
      ['Requires', '(a unless b)'],
      ['Conflicts', '(a unless b)'],
      ['Requires', '(a if b)'],
      ['Conflicts', '(a if b)'],
      ['Supplements', '(a if b)'],
      ['Requires', '((a if b) or c)'],
      ['Requires', '((a unless b) and c)'],
      ['Requires', '((a unless b) or c)'],
      ['Requires', '(a if (b unless c))'],
      ['Conflicts', '((a if b) and c)'],
      ['Requires', '((a and b) with c)'],
      ['Requires', '(((a and b) or c) with d)'],
      ['Requires', '((a or b) without c)'],
      ['Requires', '((a if b) without c)'],
      ['Requires', '(a with (b without c))'],
      ['Requires', '(a if b else c else d)'],
      ['Requires', '(a if b if c)'],
      ['Requires', '(a without b without c)'],
      ['Requires', '(a with b with c)'],
      ['Requires', '(a and b or c)'],
      ['Requires', '(a else b)'],
      ['Requires', '(a else b if c)'],
      ['Requires', '(and or b)'],
      ['Requires', '(a >= 1 or)'],
      ['Requires', '(a >=)'],
      ['Requires', '()'],
      ['Requires', '(a or b'],
      ['Requires', '(a xor b)'],
      ['Requires', '((a) or (b))'],
      ['Requires', '(a(b) or c)'],
      ['Requires', '(a if (b if c) else d)'],
      ['Recommends', '((a if b) and (c unless d))'],
    ];

    const reference = await rpmAccepts(cases);

    expect(cases.map(([tag, text]) => `${tag}: ${text} ${weAccept(tag, text)}`)).toEqual(
      cases.map(([tag, text], i) => `${tag}: ${text} ${reference[i]}`),
    );
    expect(reference.filter(Boolean).length).toBeGreaterThan(8);
    expect(reference.filter((x) => !x).length).toBeGreaterThan(8);
  });

  it('agrees with rpm on 100 generated expressions, well-formed or not, in four contexts', async () => {
    const random = seededRandom(31337);
    const atoms = ['a', 'b', 'c >= 1.0', 'd < 2:3-4', 'pkgconfig(e)', '/usr/bin/f'];
    const tags = Object.keys(TAGS);
    const cases: (readonly [string, string])[] = Array.from({ length: 100 }, () => [
      tags[Math.floor(random() * tags.length)]!,
      randomRich(random, { atoms, depth: 2, mistakes: 0.3 }),
    ]);

    const reference = await rpmAccepts(cases);

    expect(cases.map(([tag, text]) => `${tag}: ${text} ${weAccept(tag, text)}`)).toEqual(
      cases.map(([tag, text], i) => `${tag}: ${text} ${reference[i]}`),
    );
    expect(reference.filter(Boolean).length).toBeGreaterThan(20);
    expect(reference.filter((x) => !x).length).toBeGreaterThan(20);
  });
});
