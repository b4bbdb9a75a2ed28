import { describe, expect, it } from 'vitest';

import { pkg, poolOf } from '../../test/closure/pool-helper.js';
import { globToRegExp, matchPackageSpec, splitEvr } from './package-spec.js';

const pool = poolOf({
  r: [
    pkg('foo-1.0-1.el9.noarch'),
    pkg('foo-2:2.0-3.x86_64'),
    pkg('foo-bar-1.0-1.noarch'),
    pkg('foo-1.0-1.el9.i686'),
    pkg('python3-foo-0.1-1.noarch'),
  ],
});

function names(spec: string): string[] {
  return matchPackageSpec(pool, spec).map((id) => pool.nevra(id));
}

describe('matchPackageSpec (dnf package specs over NEVRA forms)', () => {
  it('reads a bare name as a name (not as name-version)', () => {
    expect(names('foo')).toEqual(['foo-1.0-1.el9.noarch', 'foo-2:2.0-3.x86_64', 'foo-1.0-1.el9.i686']);
    expect(names('foo-bar')).toEqual(['foo-bar-1.0-1.noarch']);
  });

  it('reads name.arch, name-version-release(.arch) and name-epoch:version', () => {
    expect(names('foo.i686')).toEqual(['foo-1.0-1.el9.i686']);
    expect(names('foo-1.0-1.el9')).toEqual(['foo-1.0-1.el9.noarch', 'foo-1.0-1.el9.i686']);
    expect(names('foo-1.0-1.el9.noarch')).toEqual(['foo-1.0-1.el9.noarch']);
    expect(names('foo-2:2.0')).toEqual(['foo-2:2.0-3.x86_64']);
    expect(names('foo-0:2.0')).toEqual([]);
  });

  it('takes globs in every part and, failing the forms, over the whole NEVRA', () => {
    expect(names('*foo')).toEqual([
      'foo-1.0-1.el9.noarch',
      'foo-2:2.0-3.x86_64',
      'foo-1.0-1.el9.i686',
      'python3-foo-0.1-1.noarch',
    ]);
    expect(names('foo-*.x86_64')).toEqual(['foo-2:2.0-3.x86_64']);
    expect(names('f?o-b*')).toEqual(['foo-bar-1.0-1.noarch']);
    expect(names('nothing*')).toEqual([]);
  });
});

describe('helpers', () => {
  it('globToRegExp follows fnmatch without flags', () => {
    expect(globToRegExp('a*b').test('a/x/b')).toBe(true);
    expect(globToRegExp('[!a]x').test('bx')).toBe(true);
    expect(globToRegExp('[!a]x').test('ax')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('splitEvr splits libsolv EVR strings', () => {
    expect(splitEvr('2:1.0-3.el9')).toEqual({ epoch: 2, version: '1.0', release: '3.el9' });
    expect(splitEvr('1.0')).toEqual({ epoch: 0, version: '1.0', release: '' });
  });
});
