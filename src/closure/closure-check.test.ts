import { describe, expect, it } from 'vitest';

import { pkg, poolOf } from '../../test/closure/pool-helper.js';
import {
  findUnresolved,
  latestPerArch,
  requiredPaths,
  selectPackages,
  type ClosureSelection,
} from './closure-check.js';
import type { ClosurePool } from './closure-pool.js';

async function check(pool: ClosurePool, selection: ClosureSelection = {}): Promise<Record<string, string[]>> {
  const chosen = selectPackages(pool, selection);
  await pool.loadFileOwners(requiredPaths(pool, chosen.toCheck));
  const result = findUnresolved(pool, chosen);
  return Object.fromEntries(result.unresolved.map((u) => [`${u.package}@${u.repo}`, [...u.dependencies]]));
}

describe('findUnresolved', () => {
  it('resolves names, versions with epochs, self-provides and files; reports the rest sorted', async () => {
    const pool = poolOf({
      main: [
        pkg('lib-2:1.5-1.noarch', {
          provides: ['api = 3', 'anyver'],
          files: ['/usr/share/lib/data', '/usr/bin/lib'],
        }),
        pkg('app-1.0-1.noarch', {
          requires: [
            'lib >= 5',
            'lib >= 3:1',
            'api = 3',
            'api > 3',
            'anyver >= 99',
            'app = 1.0-1',
            '/usr/share/lib/data',
            '/usr/bin/missing',
            'zzz',
            'aaa',
          ],
        }),
      ],
    });

    expect(await check(pool)).toEqual({
      'app-1.0-1.noarch@main': ['/usr/bin/missing', 'aaa', 'api > 3', 'lib >= 3:1', 'zzz'],
    });
  });

  it('evaluates rich dependencies as libsolv lists providers', async () => {
    const pool = poolOf({
      main: [
        pkg('a-1-1.noarch', { provides: ['both'] }),
        pkg('b-1-1.noarch', { provides: ['both'] }),
        pkg('c-1-1.noarch'),
        pkg('app-1-1.noarch', {
          requires: [
            '(a and missing)',
            '(missing1 and missing2)',
            '(missing if a)',
            '(a if missing)',
            '(missing if a else c)',
            '(missing if a else missing2)',
            '(a with both)',
            '(a with c)',
            '(a without both)',
            '(both without a)',
            '(a or (missing else c))',
            '(missing or (a else c))',
          ],
        }),
      ],
    });

    expect(await check(pool)).toEqual({
      'app-1-1.noarch@main': [
        '(a with c)',
        '(a without both)',
        '(missing if a else missing2)',
        '(missing if a)',
        '(missing or (a else c))',
        '(missing1 and missing2)',
      ],
    });
  });

  it('lets only installable packages provide: multilib yes, foreign arches and source packages no', async () => {
    const pool = poolOf({
      main: [
        pkg('x-1-1.x86_64', { requires: ['i686cap', 'armcap', 'srccap', 'x-src'] }),
        pkg('y-1-1.i686', { provides: ['i686cap'], requires: ['y'] }),
        pkg('z-1-1.aarch64', { provides: ['armcap'], requires: ['armcap', 'z'] }),
        pkg('x-src-1-1.src', { provides: ['srccap'], requires: ['builddep'] }),
      ],
    });

    expect(await check(pool)).toEqual({
      'x-1-1.x86_64@main': ['armcap', 'srccap', 'x-src'],
      'x-src-1-1.src@main': ['builddep'],
      'z-1-1.aarch64@main': ['armcap', 'z'],
    });
    expect(await check(poolOf({ main: [pkg('z-1-1.aarch64', { requires: ['z'] })] }, 'aarch64'))).toEqual({});
  });

  it('skips rpmlib() and solvable: requires but not rich ones that mention rpmlib', async () => {
    const pool = poolOf({
      main: [
        pkg('a-1-1.noarch', { requires: ['rpmlib(Foo) <= 1', 'solvable:x', '(rpmlib(Foo) or nothing)'] }),
      ],
    });

    expect(await check(pool)).toEqual({ 'a-1-1.noarch@main': ['(rpmlib(Foo) or nothing)'] });
  });
});

describe('selectPackages', () => {
  const pool = (): ClosurePool =>
    poolOf({
      main: [
        pkg('m-1.0-1.noarch', { provides: ['oldcap'], requires: ['gone'] }),
        pkg('m-2.0-1.noarch', { requires: ['base'] }),
        pkg('user-1-1.noarch', { requires: ['oldcap'] }),
        pkg('n-1-1.x86_64', { requires: ['nothing'] }),
        pkg('n-1-1.i686', { requires: ['nothing'] }),
      ],
      base: [pkg('base-1-1.noarch', { requires: ['base-missing'] }), pkg('m-3.0-1.noarch')],
    });

  it('checks every package of every repository by default', async () => {
    expect(Object.keys(await check(pool()))).toEqual([
      'base-1-1.noarch@base',
      'm-1.0-1.noarch@main',
      'n-1-1.i686@main',
      'n-1-1.x86_64@main',
    ]);
  });

  it('--check narrows to repositories; lookaside packages still provide', async () => {
    expect(Object.keys(await check(pool(), { check: ['main'] }))).toEqual([
      'm-1.0-1.noarch@main',
      'n-1-1.i686@main',
      'n-1-1.x86_64@main',
    ]);
    expect(() => selectPackages(pool(), { check: ['nope'] })).toThrow(/no repository has that id/);
  });

  it('--newest keeps the newest of each name.arch per repository, for checking and providing', async () => {
    expect(await check(pool(), { newest: true, check: ['main'] })).toEqual({
      'n-1-1.i686@main': ['nothing'],
      'n-1-1.x86_64@main': ['nothing'],
      'user-1-1.noarch@main': ['oldcap'],
    });
  });

  it('best keeps only the newest across repositories as providers', async () => {
    expect(await check(pool(), { best: true, check: ['main'], pkg: ['user'] })).toEqual({
      'user-1-1.noarch@main': ['oldcap'],
    });
  });

  it('--arch and --pkg narrow what is checked; a spec matching nothing is an error', async () => {
    expect(Object.keys(await check(pool(), { arch: ['i686'] }))).toEqual(['n-1-1.i686@main']);
    expect(Object.keys(await check(pool(), { pkg: ['n.x86_64', 'm-1.0-1'] }))).toEqual([
      'm-1.0-1.noarch@main',
      'n-1-1.x86_64@main',
    ]);
    expect(Object.keys(await check(pool(), { pkg: ['[mn]*'] }))).toEqual([
      'm-1.0-1.noarch@main',
      'n-1-1.i686@main',
      'n-1-1.x86_64@main',
    ]);
    expect(() => selectPackages(pool(), { pkg: ['m', 'nothing-like-it'] })).toThrow(
      'no package matched: nothing-like-it',
    );
    // dnf matches over everything, then keeps what is checked: m-3.0 of base is not, under --check main.
    expect(() => selectPackages(pool(), { pkg: ['m-3.0-1'], check: ['main'] })).not.toThrow();
    expect(selectPackages(pool(), { pkg: ['m-3.0-1'], check: ['main'] }).toCheck.length).toBe(0);
  });
});

describe('latestPerArch', () => {
  it('keeps the highest EVR of each name and arch, ties of the same EVR included', () => {
    const pool = poolOf({
      r: [
        pkg('a-1:1-1.noarch'),
        pkg('a-2-1.noarch'),
        pkg('a-1:1-1.noarch'),
        pkg('a-5-1.x86_64'),
        pkg('b-1.0~rc1-1.noarch'),
        pkg('b-1.0-1.noarch'),
      ],
    });

    expect(latestPerArch(pool, [0, 1, 2, 3, 4, 5]).map((id) => pool.nevra(id))).toEqual([
      'a-1:1-1.noarch',
      'a-1:1-1.noarch',
      'a-5-1.x86_64',
      'b-1.0-1.noarch',
    ]);
  });
});
