import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { BuiltRpm, FixtureSpec } from '../../test/helpers/rpm-factory.js';
import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { seededRandom } from '../../test/helpers/random-versions.js';
import { randomRich } from '../../test/helpers/random-rich.js';
import { pythonWithRpmBindings } from '../../test/helpers/rpm-reference.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import { parseDependency } from './dependency-string.js';
import { evaluateRich, richProviders } from './evaluate-rich.js';
import { evrSatisfies } from './evr.js';
import type { Dependency, DependencyKind } from './package.js';
import type { RichAtom } from './rich-dependency.js';
import { parseRichDependency } from './rich-dependency.js';

/** Provider packages: name -> provides. */
const PROVIDERS: Readonly<Record<string, readonly string[]>> = {
  pa1: ['a = 1.0', 'x'],
  pa2: ['a = 2.0'],
  pb: ['b', 'x'],
  pab: ['a = 3.0', 'b = 1.0'],
  pc: ['c'],
  pd: ['d = 1:1.0'],
};
const ATOMS = ['a', 'a >= 2', 'a < 2', 'b', 'b >= 2', 'c', 'd', 'd >= 1.0', 'd >= 2:0', 'x', 'nothing'];

const providesOf = new Map(
  Object.entries(PROVIDERS).map(([name, provides]) => [
    name,
    provides.map((p) => parseDependency(p, 'provides')),
  ]),
);

/** Our answer to "which of these packages provide the atom", from their provides and evrSatisfies. */
function providersAmong(packages: readonly string[]): (atom: RichAtom) => string[] {
  return (atom) =>
    packages.filter((pkg) =>
      (providesOf.get(pkg) ?? []).some(
        (p: Dependency) => p.name === atom.dependency.name && evrSatisfies(p, atom.dependency),
      ),
    );
}

function acceptedBy(text: string, kind?: DependencyKind): boolean {
  try {
    parseRichDependency(text, kind);
    return true;
  } catch {
    return false;
  }
}

function generate(count: number, seed: number, kind?: DependencyKind): string[] {
  const random = seededRandom(seed);
  const found = new Set<string>();
  while (found.size < count) {
    const text = randomRich(random, { atoms: ATOMS, depth: 2 });
    if (acceptedBy(text, kind)) found.add(text);
  }
  return [...found];
}

describe('evaluateRich (rpm semantics)', () => {
  it('evaluates each operator', () => {
    const installed = providersAmong(['pa1', 'pb']);
    const cases = [
      '(a and b)',
      '(a and c)',
      '(c or b)',
      '(a if b)',
      '(c if b)',
      '(c if d)',
      '(a if c else b)',
      '(c if a else b)',
      '(a unless c)',
      '(a unless b)',
      '(c unless b else a)',
      '(a with b)',
      '(a with x)',
      '(x without b)',
      '(b without a)',
      '(c else a)',
    ];

    expect(cases.map((text) => `${text} ${evaluateRich(parseRichDependency(text), installed)}`)).toEqual([
      '(a and b) true',
      '(a and c) false',
      '(c or b) true',
      '(a if b) true',
      '(c if b) false',
      '(c if d) true',
      '(a if c else b) true',
      '(c if a else b) false',
      '(a unless c) true',
      '(a unless b) false',
      '(c unless b else a) true',
      '(a with b) false',
      '(a with x) true',
      '(x without b) true',
      '(b without a) true',
      '(c else a) false',
    ]);
  });
});

describe('against the real tools', () => {
  let dir: string;
  let providers: BuiltRpm[];
  beforeAll(async () => {
    dir = await tempDir('ferry-evaluate-rich-');
    await mkdir(join(dir, 'providers'));
    providers = await buildRpms(
      Object.entries(PROVIDERS).map(([name, provides]) => ({ name, version: '1', release: '1', provides })),
      join(dir, 'providers'),
    );
  });

  it("richProviders lists the packages libsolv lists (dnf repoclosure's test) on 300 generated expressions", async () => {
    const expressions = [
      '(a and nothing)',
      '(nothing if a)',
      '(a if nothing)',
      '(nothing if nothing)',
      '(nothing if a else c)',
      '(nothing unless a)',
      '(a with b)',
      '(a >= 2 with b)',
      '(x without b)',
      '(a else b)',
      ...generate(290, 8080),
    ];
    const python = await pythonWithRpmBindings();
    const program = `
import json, sys, tempfile, hawkey
cache = tempfile.TemporaryDirectory()  # removed when python exits
sack = hawkey.Sack(cachedir=cache.name, arch='x86_64')
for f in sys.argv[2:]:
    sack.add_cmdline_package(f)
out = []
for text in json.loads(sys.argv[1]):
    q = hawkey.Query(sack).filter(provides=hawkey.Reldep(sack, text))
    out.append(sorted(p.name for p in q))
json.dump(out, sys.stdout)
`;

    const { stdout } = await exec(python, [
      '-c',
      program,
      JSON.stringify(expressions),
      ...providers.map((p) => p.path),
    ]);

    const libsolv = JSON.parse(stdout) as string[][];
    const all = Object.keys(PROVIDERS);
    const ours = expressions.map((text) =>
      [...richProviders(parseRichDependency(text), providersAmong(all))].sort(),
    );
    expect(expressions.map((text, i) => `${text} -> ${ours[i]!.join(',')}`)).toEqual(
      expressions.map((text, i) => `${text} -> ${libsolv[i]!.join(',')}`),
    );
    expect(libsolv.filter((p) => p.length === 0).length).toBeGreaterThan(20);
  });

  it('evaluateRich decides what rpm decides in a transaction, for requires and conflicts', async () => {
    const requires = generate(60, 4242, 'requires');
    const conflicts = generate(30, 2424, 'conflicts');
    // Two packages carry every entry: rpm reports each unmet one by its text.
    const checkers: FixtureSpec[] = [
      { name: 'checker-req', version: '1', release: '1', requires },
      { name: 'checker-conf', version: '1', release: '1', conflicts },
    ];
    await mkdir(join(dir, 'checkers'));
    const built = await buildRpms(checkers, join(dir, 'checkers'));
    const candidates = ['pa1', 'pb', 'pab', 'pc'];
    const subsets = Array.from({ length: 1 << candidates.length }, (_, mask) =>
      candidates.filter((_, bit) => (mask & (1 << bit)) !== 0),
    );

    const mismatches: string[] = [];
    let problemsSeen = 0;
    for (const [index, subset] of subsets.entries()) {
      const root = join(dir, `root-${index}`);
      await mkdir(root);
      const files = [
        ...built.map((b) => b.path),
        ...providers.filter((p) => subset.includes(p.name)).map((p) => p.path),
      ];
      const run = await exec('rpm', ['--root', root, '--dbpath', '/db', '-i', '--test', ...files], {
        allowFailure: true,
      });
      const reported = new Set(
        run.stderr
          .split('\n')
          .map((line) =>
            /^\s+(.*) (?:is needed by|conflicts with) (checker-req|checker-conf)-1-1\.noarch$/.exec(line),
          )
          .filter((m) => m !== null)
          .map((m) => `${m[2]} ${m[1]}`),
      );
      problemsSeen += reported.size;
      const installed = providersAmong(subset);
      requires.forEach((text) => {
        const unmet = !evaluateRich(parseRichDependency(text, 'requires'), installed);
        if (unmet !== reported.has(`checker-req ${text}`))
          mismatches.push(`{${subset.join(',')}} Requires: ${text}`);
      });
      conflicts.forEach((text) => {
        const conflict = evaluateRich(parseRichDependency(text, 'conflicts'), installed);
        if (conflict !== reported.has(`checker-conf ${text}`))
          mismatches.push(`{${subset.join(',')}} Conflicts: ${text}`);
      });
    }

    expect(mismatches).toEqual([]);
    expect(problemsSeen).toBeGreaterThan(150);
  });
});
