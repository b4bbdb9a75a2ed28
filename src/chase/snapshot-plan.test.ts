import { describe, expect, it } from 'vitest';

import type { ChasePackage } from './chase-model.js';
import { planPurge, type PurgeCommit } from './purge.js';
import { snapshotContents, type BuildRef } from './snapshot-contents.js';

const pkg = (name: string, component: string | null = null): ChasePackage => ({
  name,
  project: name,
  upstream: `https://example.org/${name}`,
  distgit: `https://example.org/${name}-distgit`,
  sourceBranch: 'master',
  distroBranch: 'rpm-master',
  distgitPath: '',
  component,
  maintainers: [],
  tagsOnly: false,
});

const H = (c: string): string => c.repeat(40);

const ref = (name: string, over: Partial<BuildRef> = {}): BuildRef => ({
  projectName: name,
  commitHash: H('1'),
  distroHash: H('2'),
  extendedHash: null,
  component: null,
  status: 'SUCCESS',
  dtBuild: 100,
  artifacts: `repos/11/11/x_22222222/${name}-1.0-1.noarch.rpm,repos/11/11/x_22222222/${name}-1.0-1.src.rpm`,
  ...over,
});

describe('snapshotContents (DLRN post_build)', () => {
  const build = {
    pkg: pkg('a'),
    commitHash: H('a'),
    distroHash: H('b'),
    extendedHash: null,
    component: null,
    dtBuild: 500,
    artifacts: ['repos/aa/aa/y/a-2.0-1.noarch.rpm', 'repos/aa/aa/y/a-2.0-1.src.rpm'],
  };

  it('links the newest good build of every other package and lists every package in versions.csv', () => {
    const contents = snapshotContents({
      build,
      packages: [pkg('a'), pkg('b'), pkg('c')],
      useComponents: false,
      lastSuccess: new Map([['b', ref('b')]]),
      lastProcessed: new Map([
        ['b', ref('b')],
        ['c', ref('c', { status: 'FAILED', artifacts: null, dtBuild: 300 })],
      ]),
    });

    expect(contents.links.map((l) => l.name)).toEqual(['b-1.0-1.noarch.rpm', 'b-1.0-1.src.rpm']);
    expect(contents.versions.map((v) => [v.project, v.status, v.lastSuccessTimestamp, v.nvr])).toEqual([
      ['a', 'SUCCESS', 500, 'a-2.0-1'],
      ['b', 'SUCCESS', 100, 'b-1.0-1'],
      ['c', 'FAILED', 300, ''],
    ]);
    expect(contents).toMatchObject({ failures: 1, failing: ['c'], unbuilt: [] });
  });

  it('shows a failing package with its last good build and counts never-built packages', () => {
    const contents = snapshotContents({
      build,
      packages: [pkg('a'), pkg('b'), pkg('d')],
      useComponents: false,
      lastSuccess: new Map([['b', ref('b', { dtBuild: 90 })]]),
      lastProcessed: new Map([['b', ref('b', { status: 'RETRY', dtBuild: 400, artifacts: null })]]),
    });

    expect(contents.versions[1]).toMatchObject({
      project: 'b',
      status: 'RETRY',
      lastSuccessTimestamp: 90,
      nvr: 'b-1.0-1',
    });
    expect(contents).toMatchObject({ failures: 2, failing: ['b'], unbuilt: ['d'] });
  });

  it('keeps to the component of the build when components are used', () => {
    const contents = snapshotContents({
      build: { ...build, pkg: pkg('a', 'x'), component: 'x' },
      packages: [pkg('a', 'x'), pkg('b', 'y')],
      useComponents: true,
      lastSuccess: new Map([['b', ref('b', { component: 'y' })]]),
      lastProcessed: new Map([['b', ref('b', { component: 'y' })]]),
    });

    expect(contents).toMatchObject({ links: [], failures: 0 });
    expect(contents.versions.map((v) => [v.project, v.component])).toEqual([['a', 'x']]);
  });
});

const commit = (id: number, projectName: string, over: Partial<PurgeCommit> = {}): PurgeCommit => ({
  id,
  projectName,
  commitHash: `${String(id).padStart(2, '0')}${'f'.repeat(38)}`,
  distroHash: H('d'),
  extendedHash: null,
  component: null,
  status: 'SUCCESS',
  dtBuild: id * 10,
  purged: false,
  ...over,
});

describe('planPurge', () => {
  it('removes old unreferenced snapshots, keeps linked RPMs and labelled snapshots', () => {
    const commits = [
      commit(1, 'a'), // old, superseded by 3 before any kept snapshot: removed
      commit(2, 'b'), // old, newest b: linked by every later snapshot: rpms-kept
      commit(3, 'a'), // old, labelled: protected
      commit(4, 'a', { status: 'FAILED' }), // old failure: removed
      commit(5, 'a', { dtBuild: 1000 }), // recent: untouched
    ];

    const plan = planPurge(commits, { cutoff: 100, protectedIds: new Set([3]), useComponents: false });

    expect(plan.actions.map((a) => [a.commit.id, a.mode])).toEqual([
      [1, 'removed'],
      [2, 'rpms-kept'],
      [4, 'removed'],
    ]);
    expect(plan.protectedCount).toBe(1);
  });

  it('keeps a directory a newer commit of the same hashes uses, and finishes an earlier partial purge', () => {
    const retry = commit(1, 'a', { status: 'RETRY' });
    const same = { ...commit(2, 'a', { dtBuild: 1000 }), commitHash: retry.commitHash };
    const earlier = commit(3, 'b', { purged: true });
    const newer = commit(4, 'b', { dtBuild: 1000 });

    const plan = planPurge([retry, same, earlier, newer], {
      cutoff: 100,
      protectedIds: new Set(),
      useComponents: false,
    });

    expect(plan.actions.map((a) => [a.commit.id, a.mode, a.alreadyPurged])).toEqual([[3, 'removed', true]]);
  });
});
