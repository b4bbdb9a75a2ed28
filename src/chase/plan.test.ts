import { describe, expect, it } from 'vitest';

import type { BuildCandidate, ChasePackage } from './chase-model.js';
import {
  classifyFailure,
  DEFAULT_RETRY_PATTERNS,
  logTail,
  planPackageCandidates,
  type PackageScan,
} from './plan-candidates.js';
import { findCycles, planQueue } from './plan-queue.js';

const pkg: ChasePackage = {
  name: 'python-foo',
  project: 'foo',
  upstream: 'https://example.org/foo',
  distgit: 'https://example.org/foo-distgit',
  sourceBranch: 'master',
  distroBranch: 'rpm-master',
  distgitPath: '',
  component: null,
  maintainers: [],
  tagsOnly: false,
};

const c = (hash: string, commitTime: number) => ({
  hash: hash.repeat(40).slice(0, 40),
  commitTime,
  subject: `s${hash}`,
});

function scan(overrides: Partial<PackageScan>): PackageScan {
  return {
    pkg,
    branch: 'master',
    upstream: [],
    head: c('a', 100),
    distroHash: 'd'.repeat(40),
    dtDistro: 50,
    lastProcessed: undefined,
    branchSwitched: false,
    headOnly: false,
    ...overrides,
  };
}

describe('planPackageCandidates', () => {
  it('builds only the head the first time', () => {
    const result = planPackageCandidates(scan({ upstream: [c('a', 100)] }));

    expect(result.map((r) => [r.commitHash[0], r.reason])).toEqual([['a', 'first-build']]);
  });

  it('builds every new commit in order, or only the newest in head-only mode', () => {
    const last = {
      commitHash: 'a'.repeat(40),
      distroHash: 'd'.repeat(40),
      extendedHash: null,
      commitBranch: 'master',
      dtCommit: 100,
      status: 'SUCCESS',
    };
    const upstream = [c('b', 110), c('e', 120)];

    expect(
      planPackageCandidates(scan({ upstream, lastProcessed: last })).map((r) => r.commitHash[0]),
    ).toEqual(['b', 'e']);
    expect(
      planPackageCandidates(scan({ upstream, lastProcessed: last, headOnly: true })).map(
        (r) => r.commitHash[0],
      ),
    ).toEqual(['e']);
  });

  it('rebuilds the last upstream commit when only the distgit changed', () => {
    const last = {
      commitHash: 'a'.repeat(40),
      distroHash: 'f'.repeat(40),
      extendedHash: null,
      commitBranch: 'master',
      dtCommit: 100,
      status: 'FAILED',
    };

    const [result] = planPackageCandidates(scan({ lastProcessed: last }));

    expect(result).toMatchObject({
      commitHash: 'a'.repeat(40),
      distroHash: 'd'.repeat(40),
      reason: 'distgit-change',
      commitTime: 100,
    });
    expect(planPackageCandidates(scan({ lastProcessed: { ...last, distroHash: 'd'.repeat(40) } }))).toEqual(
      [],
    );
  });
});

describe('classifyFailure', () => {
  it('retries known transient errors up to the maximum, as DLRN', () => {
    const log = 'building\nError: Failed to synchronize cache for repo base\n';

    expect(classifyFailure(log, DEFAULT_RETRY_PATTERNS, 0, 3)).toBe('RETRY');
    expect(classifyFailure(log, DEFAULT_RETRY_PATTERNS, 3, 3)).toBe('FAILED');
    expect(classifyFailure('error: File not found\n', DEFAULT_RETRY_PATTERNS, 0, 3)).toBe('FAILED');
    expect(classifyFailure('flaky: ECONNRESET', ['ECONN[A-Z]+'], 1, 3)).toBe('RETRY');
    // A pattern that does not compile matches nothing; the others still apply.
    expect(classifyFailure('flaky: ECONNRESET', ['(unclosed', 'ECONN[A-Z]+'], 1, 3)).toBe('RETRY');
    expect(classifyFailure('error: real reason', ['(unclosed'], 0, 3)).toBe('FAILED');
  });

  it('keeps the tail of a log', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');

    expect(logTail(log, 2)).toBe('line 98\nline 99');
  });
});

const cand = (packageName: string, commitTime: number): BuildCandidate => ({
  packageName,
  commitHash: `${packageName}-${commitTime}`,
  commitTime,
  subject: '',
  commitBranch: 'master',
  distroHash: 'd',
  dtDistro: 0,
  extendedHash: null,
  component: null,
  reason: 'new-commit',
});

describe('planQueue', () => {
  it('orders by commit time across packages, keeping each package in its own order', () => {
    const queue = planQueue({
      candidates: [cand('a', 30), cand('a', 10), cand('b', 20)],
      needs: new Map(),
      built: new Set(),
    });

    // a's commits keep their listed order (30 then 10) even though the clock says otherwise.
    expect(queue.items.map((i) => `${i.packageName}${i.commitTime}`)).toEqual(['a30', 'b20', 'a10']);
    expect(queue.waitFor).toEqual([[], [], []]);
  });

  it('builds a needed package first when it was never built, and makes the dependent wait', () => {
    const queue = planQueue({
      candidates: [cand('app', 10), cand('lib', 20), cand('other', 15)],
      needs: new Map([['app', new Set(['lib'])]]),
      built: new Set(),
    });

    expect(queue.items.map((i) => i.packageName)).toEqual(['other', 'lib', 'app']);
    expect(queue.waitFor).toEqual([[], [], [1]]);
  });

  it('keeps time order when the needed package already has a build', () => {
    const queue = planQueue({
      candidates: [cand('app', 10), cand('lib', 20)],
      needs: new Map([['app', new Set(['lib'])]]),
      built: new Set(['lib']),
    });

    expect(queue.items.map((i) => i.packageName)).toEqual(['app', 'lib']);
  });

  it('reports cycles and keeps their members in time order', () => {
    const queue = planQueue({
      candidates: [cand('b', 10), cand('a', 20), cand('c', 5)],
      needs: new Map([
        ['a', new Set(['b'])],
        ['b', new Set(['a'])],
        ['c', new Set(['a'])],
      ]),
      built: new Set(),
    });

    expect(queue.cycles).toEqual([['a', 'b', 'a']]);
    expect(queue.items.map((i) => i.packageName)).toEqual(['b', 'a', 'c']);
    // a waits for b (the cycle is built one at a time), c for a.
    expect(queue.waitFor).toEqual([[], [0], [1]]);
  });

  it('finds the shortest closed path of a larger cycle', () => {
    expect(
      findCycles(
        new Map([
          ['x', ['y']],
          ['y', ['z']],
          ['z', ['x']],
          ['w', ['w']],
        ]),
      ),
    ).toEqual([
      ['w', 'w'],
      ['x', 'y', 'z', 'x'],
    ]);
  });
});
