import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { NewCommit } from './commits.js';
import type { Store } from './open-store.js';
import { splitArtifacts, type CommitRecord } from './records.js';

const NOW = 1_700_000_000;

function hash(seed: string): string {
  return seed.repeat(40).slice(0, 40);
}

function build(project: string, n: number, overrides: Partial<NewCommit> = {}): NewCommit {
  return {
    projectName: project,
    commitHash: hash(`${project[0]}${n}`),
    distroHash: hash(`d${n}`),
    status: 'SUCCESS',
    commitBranch: 'master',
    dtCommit: NOW + n * 100,
    dtDistro: NOW + n * 100 - 50,
    dtBuild: NOW + n * 100 + 10,
    ...overrides,
  };
}

describe.each(TEST_DIALECTS)('commits on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
  });
  afterEach(async () => {
    await store.close();
  });

  it('records a commit and reads back every field', async () => {
    const input: NewCommit = {
      projectName: 'python-foo',
      commitHash: hash('a'),
      distroHash: hash('b'),
      extendedHash: hash('c'),
      commitBranch: 'master',
      component: 'tripleo',
      type: 'rpm',
      status: 'SUCCESS',
      dtCommit: NOW - 300,
      dtDistro: NOW - 200,
      dtExtended: NOW - 100,
      dtBuild: NOW,
      repoDir: '/ws/sources/python-foo',
      distgitDir: '/ws/sources/python-foo_distro',
      artifacts: [
        'repos/aa/aa/x/python-foo-1.0-0.1.el9.src.rpm',
        'repos/aa/aa/x/python-foo-1.0-0.1.el9.noarch.rpm',
      ],
      nvr: 'python-foo-1.0-0.1.el9',
      notes: 'OK',
      versionsCsv: 'repos/aa/aa/x/versions.csv',
    };

    const recorded = await store.recordCommit(input);
    const read = await store.getCommit(recorded.id);

    const expected: CommitRecord = {
      id: recorded.id,
      type: 'rpm',
      projectName: 'python-foo',
      commitHash: hash('a'),
      distroHash: hash('b'),
      extendedHash: hash('c'),
      commitBranch: 'master',
      component: 'tripleo',
      status: 'SUCCESS',
      dtCommit: NOW - 300,
      dtDistro: NOW - 200,
      dtExtended: NOW - 100,
      dtBuild: NOW,
      repoDir: '/ws/sources/python-foo',
      distgitDir: '/ws/sources/python-foo_distro',
      artifacts:
        'repos/aa/aa/x/python-foo-1.0-0.1.el9.src.rpm,repos/aa/aa/x/python-foo-1.0-0.1.el9.noarch.rpm',
      nvr: 'python-foo-1.0-0.1.el9',
      notes: 'OK',
      flags: 0,
      purged: false,
      versionsCsv: 'repos/aa/aa/x/versions.csv',
      notified: false,
    };
    expect(recorded).toEqual(expected);
    expect(read).toEqual(expected);
    expect(splitArtifacts(read!.artifacts)).toEqual(input.artifacts);
    expect(await store.getCommit(recorded.id + 1000)).toBeUndefined();
  });

  it('rejects an unknown status or type', async () => {
    await expect(store.recordCommit(build('foo', 1, { status: 'BROKEN' as never }))).rejects.toThrow(
      'unknown build status "BROKEN"',
    );
    await expect(store.recordCommit(build('foo', 1, { type: 'deb' as never }))).rejects.toThrow(
      'unknown commit type "deb"',
    );
  });

  it('finds commits with each of DLRN getCommits filters', async () => {
    const a1 = await store.recordCommit(build('aaa', 1));
    const a2 = await store.recordCommit(build('aaa', 2, { status: 'FAILED' }));
    const b1 = await store.recordCommit(build('bbb', 3, { component: 'net' }));
    const b2 = await store.recordCommit(build('bbb', 4, { status: 'RETRY', dtBuild: null }));
    const c1 = await store.recordCommit(build('ccc', 5, { type: 'container' }));
    const ids = (list: readonly CommitRecord[]) => list.map((c) => c.id);

    expect(ids(await store.findCommits())).toEqual([b2.id, b1.id, a2.id, a1.id]);
    expect(ids(await store.findCommits({ type: null }))).toEqual([c1.id, b2.id, b1.id, a2.id, a1.id]);
    expect(ids(await store.findCommits({ type: 'container' }))).toEqual([c1.id]);
    expect(ids(await store.findCommits({ project: 'aaa' }))).toEqual([a2.id, a1.id]);
    expect(ids(await store.findCommits({ status: 'SUCCESS' }))).toEqual([b1.id, a1.id]);
    expect(ids(await store.findCommits({ withoutStatus: 'RETRY' }))).toEqual([b1.id, a2.id, a1.id]);
    expect(ids(await store.findCommits({ component: 'net' }))).toEqual([b1.id]);
    expect(ids(await store.findCommits({ since: NOW + 210 }))).toEqual([b1.id]);
    expect(ids(await store.findCommits({ before: NOW + 211 }))).toEqual([b2.id, a2.id, a1.id]);
    expect(ids(await store.findCommits({ commitHash: a2.commitHash, distroHash: a2.distroHash }))).toEqual([
      a2.id,
    ]);
    expect(ids(await store.findCommits({ order: 'asc', limit: 2 }))).toEqual([a1.id, a2.id]);
    expect(ids(await store.findCommits({ extendedHashLike: '%' }))).toEqual([]);
    expect(ids(await store.findCommits({ limit: 2, offset: 1 }))).toEqual([b1.id, a2.id]);
    expect(ids(await store.findCommits({ offset: 3 }))).toEqual([a1.id]);
  });

  it('matches extended hashes with a LIKE pattern, case-insensitively on both dialects', async () => {
    const a = await store.recordCommit(build('foo', 1, { extendedHash: 'abcdef12_9876' }));
    await store.recordCommit(build('foo', 2, { extendedHash: 'ffff0000' }));
    await store.recordCommit(build('foo', 3));

    const prefix = await store.findCommits({ extendedHashLike: 'ABCDEF%' });
    const single = await store.findCommits({ extendedHashLike: 'abcdef1__9876' });
    const none = await store.findCommits({ extendedHashLike: 'abc' });

    expect([prefix, single, none].map((list) => list.map((c) => c.id))).toEqual([[a.id], [a.id], []]);
  });

  it('finds the newest successful build of a snapshot, extended hash optional', async () => {
    const plain = build('foo', 1);
    await store.recordCommit({ ...plain, extendedHash: hash('e'), status: 'FAILED' });
    const withExt = await store.recordCommit({ ...plain, extendedHash: hash('e') });
    const otherExt = await store.recordCommit({ ...plain, extendedHash: hash('f') });

    const any = await store.findSuccessfulCommit({
      commitHash: plain.commitHash,
      distroHash: plain.distroHash,
    });
    const exact = await store.findSuccessfulCommit({
      commitHash: plain.commitHash,
      distroHash: plain.distroHash,
      extendedHash: hash('e'),
    });
    const missing = await store.findSuccessfulCommit({ commitHash: plain.commitHash, distroHash: hash('z') });

    expect(any?.id).toBe(otherExt.id);
    expect(exact?.id).toBe(withExt.id);
    expect(missing).toBeUndefined();
    // The narrow lookup report_result makes: the same commits, the fields a vote needs.
    const voted = async (hashes: Parameters<typeof store.findVotedCommit>[0]) =>
      store.findVotedCommit(hashes);
    const narrow = (c: typeof any) =>
      c && {
        id: c.id,
        commitHash: c.commitHash,
        distroHash: c.distroHash,
        extendedHash: c.extendedHash,
        component: c.component,
      };
    expect(await voted({ commitHash: plain.commitHash, distroHash: plain.distroHash })).toEqual(narrow(any));
    expect(
      await voted({ commitHash: plain.commitHash, distroHash: plain.distroHash, extendedHash: hash('e') }),
    ).toEqual(narrow(exact));
    expect(await voted({ commitHash: plain.commitHash, distroHash: hash('z') })).toBeUndefined();
  });

  it('answers the chaser questions: last processed, last built on a branch, latest success', async () => {
    const first = await store.recordCommit(build('foo', 1));
    const failed = await store.recordCommit(build('foo', 2, { status: 'FAILED' }));
    const retry = await store.recordCommit(build('foo', 3, { status: 'RETRY' }));
    const stable = await store.recordCommit(build('foo', 4, { commitBranch: 'stable/2024.1', dtBuild: NOW }));

    expect((await store.lastProcessedCommit('foo'))?.id).toBe(stable.id);
    expect((await store.lastProcessedCommit('foo', { excludeStatus: null }))?.id).toBe(stable.id);
    expect((await store.lastBuiltCommit('foo', 'master'))?.id).toBe(failed.id);
    expect((await store.lastBuiltCommit('foo', 'stable/2024.1'))?.id).toBe(stable.id);
    expect((await store.latestSuccessfulBuild('foo'))?.id).toBe(stable.id);
    expect((await store.latestSuccessfulBuild('foo', { component: 'none' }))?.id).toBeUndefined();
    expect(await store.lastProcessedCommit('bar')).toBeUndefined();
    expect(await store.countRetries('foo', retry.commitHash, retry.distroHash)).toBe(1);
    expect(await store.countRetries('foo', first.commitHash, first.distroHash)).toBe(0);
  });

  it('lists the newest build of every package in one query', async () => {
    await store.recordCommit(build('aaa', 1));
    const aFail = await store.recordCommit(build('aaa', 2, { status: 'FAILED' }));
    const bOk = await store.recordCommit(build('bbb', 3, { component: 'x' }));
    const bRetry = await store.recordCommit(build('bbb', 4, { status: 'RETRY' }));
    const aOk = await store.recordCommit(build('aaa', 5));
    await store.recordCommit(build('ccc', 6, { type: 'container' }));

    const newest = await store.lastBuildsPerProject();
    const processed = await store.lastBuildsPerProject({ withoutStatus: 'RETRY' });
    const good = await store.lastBuildsPerProject({ status: 'SUCCESS' });
    const onlyB = await store.lastBuildsPerProject({ projects: ['bbb'] });
    const none = await store.lastBuildsPerProject({ projects: [] });
    const inX = await store.lastBuildsPerProject({ component: 'x' });

    expect(newest.map((c) => c.id)).toEqual([aOk.id, bRetry.id]);
    expect(processed.map((c) => c.id)).toEqual([aOk.id, bOk.id]);
    expect(good.map((c) => c.id)).toEqual([aOk.id, bOk.id]);
    expect(onlyB.map((c) => c.id)).toEqual([bRetry.id]);
    expect(none).toEqual([]);
    expect(inX.map((c) => c.id)).toEqual([bOk.id]);
    expect(aFail.status).toBe('FAILED');
    // The narrow form the chaser reads on every publish: the same builds, the fields it links with.
    const project = (c: (typeof good)[number]) => ({
      projectName: c.projectName,
      commitHash: c.commitHash,
      distroHash: c.distroHash,
      extendedHash: c.extendedHash,
      component: c.component,
      status: c.status,
      dtBuild: c.dtBuild,
      artifacts: c.artifacts,
    });
    expect(await store.lastBuildRefs({ status: 'SUCCESS' })).toEqual(good.map(project));
    expect(await store.lastBuildRefs()).toEqual(newest.map(project));
    // Both in one read, as a publish takes them.
    const byName = (a: { projectName: string }, b: { projectName: string }) =>
      a.projectName.localeCompare(b.projectName);
    const both = await store.newestBuildRefs();
    expect([...both.success.values()].sort(byName)).toEqual(good.map(project));
    expect([...both.processed.values()].sort(byName)).toEqual(newest.map(project));
  });

  it('tells whether a candidate was already built, as DLRN decides', async () => {
    const done = await store.recordCommit(build('foo', 1, { extendedHash: null }));
    await store.recordCommit(build('foo', 2, { status: 'RETRY' }));

    const same = { commitHash: done.commitHash, distroHash: done.distroHash };
    expect(await store.isAlreadyBuilt(same)).toBe(true);
    expect(await store.isAlreadyBuilt({ ...same, extendedHash: hash('e') })).toBe(false);
    expect(await store.isAlreadyBuilt({ ...same, distroHash: hash('n') })).toBe(false);
    expect(await store.isAlreadyBuilt({ ...same, type: 'container' })).toBe(false);
    // A RETRY row does not count: it is to be built again.
    expect(await store.isAlreadyBuilt({ commitHash: hash('f2'), distroHash: hash('d2') })).toBe(false);
    // Another upstream commit with the same commit time and distro: DLRN skips it.
    expect(
      await store.isAlreadyBuilt({
        commitHash: hash('x'),
        distroHash: done.distroHash,
        dtCommit: done.dtCommit,
      }),
    ).toBe(true);
  });

  it('updates status, notification and purge flags', async () => {
    const a = await store.recordCommit(build('foo', 1));
    const b = await store.recordCommit(build('foo', 2, { flags: 0x1 }));

    await store.setCommitStatus(a.id, 'FAILED', 'repo sync failed');
    await store.markNotified(a.id);
    const changed = await store.markPurged([a.id, b.id]);
    const again = await store.markPurged([a.id, b.id]);

    expect(await store.getCommit(a.id)).toMatchObject({
      status: 'FAILED',
      notes: 'repo sync failed',
      notified: true,
      flags: 0x2,
      purged: true,
    });
    expect(await store.getCommit(b.id)).toMatchObject({ flags: 0x3, purged: true });
    expect([changed, again]).toEqual([2, 0]);
    expect(await store.markPurged([])).toBe(0);
    await expect(store.setCommitStatus(9999, 'FAILED')).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
  });

  it('marks many commits purged at once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 1200; i++) ids.push(i + 1);
    await store.bulkInsert(
      'commits',
      ids.map((id) => ({
        id,
        project_name: 'bulk',
        commit_hash: hash(String(id % 10)),
        distro_hash: hash('d'),
        status: 'SUCCESS',
      })),
    );

    const changed = await store.markPurged(ids);

    expect(changed).toBe(1200);
    expect((await store.findCommits({ limit: 1 }))[0]?.purged).toBe(true);
  });

  it('deletes a failed build for a recheck, never one with votes', async () => {
    const failed = await store.recordCommit(build('foo', 1, { status: 'FAILED' }));
    const voted = await store.recordCommit(build('foo', 2));
    await store.recordVote({ commitId: voted.id, ciName: 'job', ciVote: true });

    await store.deleteCommit(failed.id);

    expect(await store.getCommit(failed.id)).toBeUndefined();
    await expect(store.deleteCommit(voted.id)).rejects.toMatchObject({ code: 'FERRY_CONFLICT' });
    await expect(store.deleteCommit(failed.id)).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
    expect(await store.getCommit(voted.id)).toBeDefined();
  });

  it('lists components that have builds', async () => {
    await store.recordCommit(build('a', 1, { component: 'network' }));
    await store.recordCommit(build('b', 2, { component: 'compute' }));
    await store.recordCommit(build('c', 3, { component: 'network' }));
    await store.recordCommit(build('d', 4));

    expect(await store.commitComponents()).toEqual(['compute', 'network']);
  });

  it('rolls a transaction back when its callback throws', async () => {
    const attempt = store.transaction(async (tx) => {
      await tx.recordCommit(build('foo', 1));
      await tx.transaction(async (inner) => inner.recordCommit(build('foo', 2)));
      throw new Error('changed my mind');
    });

    await expect(attempt).rejects.toThrow('changed my mind');
    expect(await store.findCommits()).toEqual([]);
  });

  it('commits a transaction and returns its value', async () => {
    const ids = await store.transaction(async (tx) => {
      const a = await tx.recordCommit(build('foo', 1));
      const b = await tx.recordCommit(build('foo', 2));
      return [a.id, b.id];
    });

    expect((await store.findCommits({ order: 'asc' })).map((c) => c.id)).toEqual(ids);
  });
});
