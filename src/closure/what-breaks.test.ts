import { describe, expect, it } from 'vitest';

import { pkg, poolOf } from '../../test/closure/pool-helper.js';
import { whatBreaks } from './what-breaks.js';

function basePool() {
  return poolOf({
    main: [
      pkg('lib-1.0-1.noarch', {
        provides: ['libapi = 1', 'oldcap'],
        files: ['/usr/bin/libtool', '/usr/share/lib'],
      }),
      pkg('app-1.0-1.noarch', { requires: ['libapi = 1', '/usr/bin/libtool', 'lib < 2'] }),
      pkg('rich-1.0-1.noarch', { requires: ['(oldcap or nothing)', '(lib with libapi)'] }),
      pkg('already-1.0-1.noarch', { requires: ['oldcap', 'never-there'] }),
      pkg('other-1.0-1.noarch', { requires: ['unrelated'] }),
      pkg('unrelated-1.0-1.noarch'),
      pkg('multi-1.0-1.x86_64', { provides: ['multicap'] }),
      pkg('multi-1.0-1.i686', { provides: ['multicap(x86-32)'] }),
      pkg('multiuser-1.0-1.x86_64', { requires: ['multicap(x86-32)', 'multicap'] }),
    ],
    base: [pkg('baselib-1-1.noarch', { requires: ['oldcap'] })],
  });
}

describe('whatBreaks', () => {
  it('lists what stops resolving when a package is replaced, and the newcomer is checked too', async () => {
    const pool = basePool();

    const result = await whatBreaks(pool, {
      repo: 'main',
      candidates: [
        pkg('lib-2.0-1.noarch', {
          provides: ['libapi = 2'],
          requires: ['newdep'],
          files: ['/usr/bin/libtool'],
        }),
      ],
    });

    expect(result).toEqual({
      replaced: ['lib-1.0-1.noarch'],
      broken: [
        { package: 'already-1.0-1.noarch', repo: 'main', dependencies: ['oldcap'] },
        { package: 'app-1.0-1.noarch', repo: 'main', dependencies: ['lib < 2', 'libapi = 1'] },
        { package: 'rich-1.0-1.noarch', repo: 'main', dependencies: ['(oldcap or nothing)'] },
      ],
      candidates: [{ package: 'lib-2.0-1.noarch', repo: 'main', dependencies: ['newdep'] }],
    });
  });

  it('reports nothing when the replacement keeps what was used; other repositories only when asked', async () => {
    const pool = basePool();
    const same = pkg('lib-1.1-1.noarch', { provides: ['libapi = 1', 'oldcap'], files: ['/usr/bin/libtool'] });

    const kept = await whatBreaks(pool, { repo: 'main', candidates: [same] });
    const wider = await whatBreaks(pool, {
      repo: 'main',
      check: ['main', 'base'],
      candidates: [pkg('lib-2.0-1.noarch', { provides: ['libapi = 1'], files: ['/usr/bin/libtool'] })],
    });

    expect(kept).toEqual({ replaced: ['lib-1.0-1.noarch'], broken: [], candidates: [] });
    expect(wider.broken.map((b) => b.package)).toEqual([
      'already-1.0-1.noarch',
      'app-1.0-1.noarch',
      'baselib-1-1.noarch',
      'rich-1.0-1.noarch',
    ]);
  });

  it('replaces the same arch only (multilib), and a removed file breaks its users', async () => {
    const pool = basePool();

    const result = await whatBreaks(pool, {
      repo: 'main',
      candidates: [pkg('multi-2.0-1.i686'), pkg('lib-3-1.noarch', { provides: ['libapi = 1', 'oldcap'] })],
    });

    expect(result.replaced).toEqual(['lib-1.0-1.noarch', 'multi-1.0-1.i686']);
    expect(result.broken).toEqual([
      { package: 'app-1.0-1.noarch', repo: 'main', dependencies: ['/usr/bin/libtool', 'lib < 2'] },
      { package: 'multiuser-1.0-1.x86_64', repo: 'main', dependencies: ['multicap(x86-32)'] },
    ]);
  });

  it('adds new packages without breaking anything and checks their dependencies against the result', async () => {
    const pool = basePool();

    const result = await whatBreaks(pool, {
      repo: 'main',
      candidates: [
        pkg('fresh-1-1.noarch', { requires: ['libapi', 'partner', '/usr/bin/partner'] }),
        pkg('partner-1-1.aarch64', { files: ['/usr/bin/partner'] }),
      ],
    });

    expect(result).toEqual({
      replaced: [],
      broken: [],
      candidates: [
        { package: 'fresh-1-1.noarch', repo: 'main', dependencies: ['/usr/bin/partner', 'partner'] },
      ],
    });
  });
});
