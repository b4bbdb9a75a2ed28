/**
 * The reference implementations tests compare ferry's RPM primitives against,
 * each called once for a whole batch of cases (never one process per case):
 * - rpm's embedded Lua (`rpm.vercmp`, which is rpmverCmp on parsed EVRs);
 * - rpm's Python binding (`rpm.ds(...).Compare`: rpmdsCompare, range overlap);
 * - libsolv through dnf's hawkey binding (what dnf and repoclosure use).
 *
 * The Python bindings come with dnf (Debian: python3-rpm, python3-hawkey).
 * A missing binding is a test failure with a message saying what to install.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { exec } from '../../src/util/exec.js';

/**
 * For each pair, rpm's `rpm.vercmp(a, b)`. On strings with no `-` and no
 * `digits:` prefix this is exactly rpmvercmp; on full EVRs it is rpmverCmp.
 * Strings must not contain tabs or newlines and must not be empty.
 */
export async function rpmLuaVercmp(
  pairs: readonly (readonly [string, string])[],
  workDir: string,
): Promise<number[]> {
  for (const [a, b] of pairs) {
    if (/[\t\n\r]/.test(a + b) || a === '' || b === '')
      throw new Error(`unusable pair ${JSON.stringify([a, b])}`);
  }
  const input = join(workDir, 'vercmp-input.txt');
  const output = join(workDir, 'vercmp-output.txt');
  const script = join(workDir, 'vercmp.lua');
  await writeFile(input, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
  await writeFile(
    script,
    [
      `local out = assert(io.open(${luaString(output)}, "w"))`,
      `for line in io.lines(${luaString(input)}) do`,
      '  local a, b = line:match("^(.-)\\t(.*)$")',
      '  out:write(tostring(rpm.vercmp(a, b)), "\\n")',
      'end',
      'out:close()',
    ].join('\n'),
  );
  await exec('rpm', ['--eval', `%{lua: dofile(${luaString(script)})}`]);
  const lines = (await readFile(output, 'utf8')).trimEnd().split('\n');
  if (lines.length !== pairs.length) throw new Error(`rpm answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map(Number);
}

function luaString(text: string): string {
  return JSON.stringify(text);
}

let python: Promise<string> | undefined;

/** A python3 that can import rpm and hawkey (dnf's own interpreter usually). */
export function pythonWithRpmBindings(): Promise<string> {
  python ??= (async () => {
    for (const candidate of ['/usr/bin/python3', 'python3', '/usr/libexec/platform-python']) {
      const probe = await exec(candidate, ['-c', 'import rpm, hawkey'], { allowFailure: true }).catch(
        () => undefined,
      );
      if (probe?.exitCode === 0) return candidate;
    }
    throw new Error(
      'no python3 with the rpm and hawkey modules: install python3-rpm and python3-hawkey (they come with dnf; scripts/install-deps.sh --test does it)',
    );
  })();
  return python;
}

/** One side of an overlap case: rpm flag text (`>=`, `=`, ... or `''` for none) and an EVR string. */
export interface OverlapSide {
  readonly flags: '' | '<' | '<=' | '=' | '>=' | '>';
  readonly evr: string;
}

/**
 * For each (provide, require) case, whether rpm's rpmdsCompare finds the two
 * ranges overlapping, and whether libsolv (hawkey) lists a package with that
 * provide among the providers of that require.
 */
export async function referenceOverlaps(
  cases: readonly (readonly [OverlapSide, OverlapSide])[],
  rpmFile: string,
  capabilityName: (index: number) => string,
  workDir: string,
): Promise<{ rpm: boolean[]; libsolv: boolean[] }> {
  const interpreter = await pythonWithRpmBindings();
  const input = join(workDir, 'overlap-input.json');
  await writeFile(
    input,
    JSON.stringify(cases.map(([p, r], index) => ({ name: capabilityName(index), p, r }))),
  );
  const program = `
import json, sys, tempfile, rpm, hawkey
cases = json.load(open(sys.argv[1]))
bits = {'': 0, '<': rpm.RPMSENSE_LESS, '<=': rpm.RPMSENSE_LESS | rpm.RPMSENSE_EQUAL, '=': rpm.RPMSENSE_EQUAL,
        '>=': rpm.RPMSENSE_GREATER | rpm.RPMSENSE_EQUAL, '>': rpm.RPMSENSE_GREATER}
cache = tempfile.TemporaryDirectory()  # removed when python exits
sack = hawkey.Sack(cachedir=cache.name, arch='x86_64')
sack.add_cmdline_package(sys.argv[2])
out = []
for c in cases:
    p, r, n = c['p'], c['r'], c['name']
    pds = rpm.ds((n, bits[p['flags']], p['evr']), rpm.RPMTAG_PROVIDENAME)
    rds = rpm.ds((n, bits[r['flags']], r['evr']), rpm.RPMTAG_REQUIRENAME)
    text = n if r['flags'] == '' else '%s %s %s' % (n, r['flags'], r['evr'])
    found = len(hawkey.Query(sack).filter(provides=hawkey.Reldep(sack, text))) > 0
    out.append([1 if pds.Compare(rds) else 0, 1 if found else 0])
json.dump(out, sys.stdout)
`;
  const { stdout } = await exec(interpreter, ['-c', program, input, rpmFile]);
  const answers = JSON.parse(stdout) as [number, number][];
  return { rpm: answers.map((a) => a[0] === 1), libsolv: answers.map((a) => a[1] === 1) };
}
