import { describe, expect, it } from 'vitest';

import { pythonWithRpmBindings } from '../../test/helpers/rpm-reference.js';
import { randomRich } from '../../test/helpers/random-rich.js';
import { seededRandom } from '../../test/helpers/random-versions.js';
import { exec } from '../util/exec.js';
import {
  formatReldep,
  makeEvr,
  parseRichReldep,
  reldepFromEntry,
  reldepNames,
  REL_EQ,
  REL_GT,
} from './reldep.js';

function reformat(text: string): string | undefined {
  const dep = parseRichReldep(text);
  return dep ? formatReldep(dep) : undefined;
}

describe('parseRichReldep (libsolv pool_parserpmrichdep)', () => {
  it('chains operands to the right and keeps if/else together', () => {
    expect(parseRichReldep('(a if b else c)')).toEqual({
      type: 'bool',
      op: 'if',
      left: { type: 'name', name: 'a' },
      right: {
        type: 'bool',
        op: 'else',
        left: { type: 'name', name: 'b' },
        right: { type: 'name', name: 'c' },
      },
    });
    expect(parseRichReldep('(a and b and c)')).toEqual({
      type: 'bool',
      op: 'and',
      left: { type: 'name', name: 'a' },
      right: {
        type: 'bool',
        op: 'and',
        left: { type: 'name', name: 'b' },
        right: { type: 'name', name: 'c' },
      },
    });
  });

  it('reads atoms, operators in any spelling, strips a 0: epoch and keeps names with parentheses', () => {
    expect(parseRichReldep('(pkgconfig(glib-2.0) >= 0:2.56 or b =< 1 or c == 2)')).toEqual({
      type: 'bool',
      op: 'or',
      left: { type: 'rel', name: 'pkgconfig(glib-2.0)', flags: REL_GT | REL_EQ, evr: '2.56' },
      right: {
        type: 'bool',
        op: 'or',
        left: { type: 'rel', name: 'b', flags: 6, evr: '1' },
        right: { type: 'rel', name: 'c', flags: REL_EQ, evr: '2' },
      },
    });
  });

  it('makes a parenthesised single atom a plain dependency', () => {
    expect(parseRichReldep('(foo)')).toEqual({ type: 'name', name: 'foo' });
    expect(parseRichReldep('(foo >= 1:2)')).toEqual({ type: 'rel', name: 'foo', flags: 3, evr: '1:2' });
  });

  it('rejects what libsolv rejects (the dependency is then dropped)', () => {
    for (const text of [
      '(a and b or c)',
      '(a with b without c)',
      '(a or b) ',
      '(a or b,c)',
      '(a and)',
      '(a xor b)',
      '(a or (b)',
      '()',
      '(a >=)',
      'a',
    ]) {
      expect(parseRichReldep(text), text).toBeUndefined();
    }
  });
});

describe('formatReldep (libsolv pool_dep2str)', () => {
  it('prints chains flat and nested operators in parentheses', () => {
    expect(reformat('(a and (b and c))')).toBe('(a and b and c)');
    expect(reformat('((a and b) and c)')).toBe('(a and b and c)');
    expect(reformat('((a or b) and c)')).toBe('((a or b) and c)');
    expect(reformat('(a if (b if c))')).toBe('(a if (b if c))');
    expect(reformat('(a unless b else (c or d))')).toBe('(a unless b else (c or d))');
    expect(reformat('(a  and   b)')).toBe('(a and b)');
    expect(reformat('(a or (b else c))')).toBe('(a or (b else c))');
    expect(reformat('(a <> 3 or b)')).toBe('(a <> 3 or b)');
  });

  it('prints plain and versioned dependencies', () => {
    expect(formatReldep({ type: 'name', name: '/usr/bin/sh' })).toBe('/usr/bin/sh');
    expect(formatReldep(reldepFromEntry('foo', REL_GT | REL_EQ, makeEvr('1', '2.0', '3'))!)).toBe(
      'foo >= 1:2.0-3',
    );
  });

  it('agrees with hawkey (libsolv) on random rich dependencies, well-formed or not', async () => {
    const random = seededRandom(4);
    const atoms = [
      'a',
      'b',
      'c >= 1.0',
      'd = 0:2-1',
      'e < 3:1',
      'pkgconfig(x) > 1',
      '/usr/bin/f',
      'g =< 2',
      'h <=> 1',
    ];
    const texts = Array.from({ length: 1500 }, () => randomRich(random, { atoms, depth: 3, mistakes: 0.12 }));
    const program = `
import json, sys, tempfile, hawkey
cache = tempfile.TemporaryDirectory()  # removed when python exits
sack = hawkey.Sack(cachedir=cache.name, arch='x86_64')
out = []
for t in json.load(sys.stdin):
    try:
        out.append(str(hawkey.Reldep(sack, t)))
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
`;

    const { stdout } = await exec(await pythonWithRpmBindings(), ['-c', program], {
      input: JSON.stringify(texts),
    });

    const expected = JSON.parse(stdout) as (string | null)[];
    const ours = texts.map((text) => reformat(text) ?? null);
    const differences = texts.flatMap((text, i) =>
      ours[i] === expected[i] ? [] : [[text, ours[i], expected[i]]],
    );
    expect(differences).toEqual([]);
    expect(expected.filter((e) => e === null).length).toBeGreaterThan(50);
    expect(expected.filter((e) => e !== null).length).toBeGreaterThan(500);
  });
});

describe('reldepFromEntry and makeEvr (repo_rpmmd adddep, makeevr_parts)', () => {
  it('parses flag-less entries starting with ( as rich, others as names or relations', () => {
    expect(reldepFromEntry('(a or b)', 0, undefined)?.type).toBe('bool');
    expect(reldepFromEntry('(a or', 0, undefined)).toBeUndefined();
    expect(reldepFromEntry('(odd', REL_EQ, '1')).toEqual({
      type: 'rel',
      name: '(odd',
      flags: REL_EQ,
      evr: '1',
    });
    expect(reldepFromEntry('foo', 0, undefined)).toEqual({ type: 'name', name: 'foo' });
  });

  it('drops a 0 epoch unless the version looks like one', () => {
    expect(makeEvr('0', '1.0', '1')).toBe('1.0-1');
    expect(makeEvr('', '1.0', undefined)).toBe('1.0');
    expect(makeEvr('3', '1.0', undefined)).toBe('3:1.0');
    expect(makeEvr('0', '2:1', '1')).toBe('0:2:1-1');
    expect(makeEvr(undefined, '1.0', '')).toBe('1.0-');
  });

  it('lists the names a dependency mentions', () => {
    expect(reldepNames(parseRichReldep('(a if /usr/bin/b else c >= 1)')!)).toEqual(['a', '/usr/bin/b', 'c']);
  });
});
