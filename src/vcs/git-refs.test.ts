import { describe, expect, it } from 'vitest';

import { branchCandidates, pickRef } from './branch-resolution.js';
import { mergeByCommitTime } from './commit-log.js';
import {
  assertCommitHash,
  assertRefName,
  assertRemoteUrl,
  isCommitHash,
  isRefName,
  shortHash,
} from './git-refs.js';
import { assertTreePath } from './git-tree.js';

const HASH = 'd7f1b849a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('hash and ref validation', () => {
  it('accepts full SHA-1 and SHA-256 hashes only', () => {
    expect([HASH, 'a'.repeat(64)].map(isCommitHash)).toEqual([true, true]);
    expect(
      ['d7f1b84', HASH.toUpperCase(), `${HASH}0`, `--${HASH.slice(2)}`, 'HEAD', ''].map(isCommitHash),
    ).toEqual([false, false, false, false, false, false]);
    expect(() => assertCommitHash('HEAD~1')).toThrow(/invalid commit hash "HEAD~1"/);
    expect(shortHash(HASH)).toBe('d7f1b84');
  });

  it('accepts branch and tag names git accepts and refuses options and revision syntax', () => {
    const good = [
      'master',
      'stable/2024.1',
      'rpm-master',
      '1.0.0',
      'v2.0.0rc1',
      'feature/a_b+c',
      'unmaintained/zed',
    ];
    const bad = [
      '-b',
      '--upload-pack=x',
      'a..b',
      'a~1',
      'a^',
      'a:b',
      'a b',
      '/a',
      'a/',
      'a//b',
      '.a',
      'a/.b',
      'a.lock',
      '@',
      'a@{1}',
      'a*',
      'a?',
      'a[',
      'a\\b',
      '',
    ];
    expect(good.filter((g) => !isRefName(g))).toEqual([]);
    expect(bad.filter((b) => isRefName(b))).toEqual([]);
    expect(() => assertRefName('--force', 'branch')).toThrow(/invalid branch "--force"/);
  });

  it('accepts paths and plain transports as remotes and refuses options and remote helpers', () => {
    const good = [
      '/srv/git/foo',
      './foo',
      'foo/bar',
      'file:///srv/foo',
      'https://opendev.org/openstack/nova',
      'git://x/y',
      'ssh://git@h/r',
      'git@github.com:a/b.git',
    ];
    const bad = [
      '--upload-pack=touch /tmp/x',
      '-u',
      'ext::sh -c touch% /tmp/x',
      'fd::3',
      'ftp://h/r',
      'a\nb',
      '',
    ];
    expect(
      good.filter((u) => {
        try {
          assertRemoteUrl(u);
          return false;
        } catch {
          return true;
        }
      }),
    ).toEqual([]);
    expect(
      bad.filter((u) => {
        try {
          assertRemoteUrl(u);
          return true;
        } catch {
          return false;
        }
      }),
    ).toEqual([]);
  });

  it('accepts relative tree paths only', () => {
    expect(assertTreePath('a/b.spec')).toBe('a/b.spec');
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', './a', '-a', 'a//b'])
      expect(() => assertTreePath(bad)).toThrow();
  });
});

describe('branchCandidates', () => {
  it('tries a stable branch, its tag, DLRN aliases, then the fallbacks in order', () => {
    expect(branchCandidates('stable/2024.1')).toEqual([
      { name: 'stable/2024.1', kind: 'branch' },
      { name: 'stable/2024.1', kind: 'tag' },
      { name: 'unmaintained/2024.1', kind: 'branch' },
      { name: '2024.1-eol', kind: 'tag' },
      { name: 'master', kind: 'branch' },
      { name: 'main', kind: 'branch' },
    ]);
  });

  it('takes the fallback list as a parameter, empty meaning none', () => {
    expect(branchCandidates('caracal-rdo', { fallbacks: ['rpm-master'] })).toEqual([
      { name: 'caracal-rdo', kind: 'branch' },
      { name: 'caracal-rdo', kind: 'tag' },
      { name: 'rpm-master', kind: 'branch' },
    ]);
    expect(branchCandidates('stable/x', { fallbacks: [], stableAliases: false })).toEqual([
      { name: 'stable/x', kind: 'branch' },
      { name: 'stable/x', kind: 'tag' },
    ]);
    expect(branchCandidates('master')).toEqual([
      { name: 'master', kind: 'branch' },
      { name: 'master', kind: 'tag' },
      { name: 'main', kind: 'branch' },
    ]);
  });

  it('picks the first candidate that exists and says when it fell back', () => {
    const refs = [
      { name: 'main', kind: 'branch' as const, commit: HASH },
      { name: '2024.1-eol', kind: 'tag' as const, commit: 'b'.repeat(40) },
    ];

    const picked = pickRef('stable/2024.1', branchCandidates('stable/2024.1'), refs);
    const none = pickRef('x', branchCandidates('x', { fallbacks: [] }), refs);

    expect(picked).toEqual({
      requested: 'stable/2024.1',
      name: '2024.1-eol',
      kind: 'tag',
      commit: 'b'.repeat(40),
      fellBack: true,
      fullRef: 'refs/tags/2024.1-eol',
    });
    expect(none).toBeUndefined();
  });
});

describe('mergeByCommitTime', () => {
  it('merges per-package lists by commit time, keeping each list in its own order', () => {
    const a = [
      { id: 'a1', commitTime: 10 },
      { id: 'a2', commitTime: 5 }, // a skewed clock: still after a1
      { id: 'a3', commitTime: 30 },
    ];
    const b = [
      { id: 'b1', commitTime: 10 },
      { id: 'b2', commitTime: 20 },
    ];

    const merged = mergeByCommitTime([a, b]).map((c) => c.id);

    expect(merged).toEqual(['a1', 'a2', 'b1', 'b2', 'a3']);
  });
});
