import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { buildKey, type NewBuild } from './build-jobs.js';
import type { Store } from './open-store.js';

const NOW = 1_700_000_000;

const FOO: NewBuild = {
  projectName: 'python-foo',
  commitHash: 'a'.repeat(40),
  distroHash: 'b'.repeat(40),
  commitBranch: 'master',
  component: 'tripleo',
  dtCommit: NOW - 600,
  dtDistro: NOW - 900,
  repoDir: '/ws/sources/python-foo',
  distgitDir: '/ws/sources/python-foo_distro',
};

describe('buildKey', () => {
  it('names type, package and the three hashes', () => {
    expect(buildKey(FOO)).toBe(`rpm:python-foo:${'a'.repeat(40)}:${'b'.repeat(40)}:`);
    expect(buildKey({ ...FOO, type: 'container', extendedHash: 'e1' })).toBe(
      `container:python-foo:${'a'.repeat(40)}:${'b'.repeat(40)}:e1`,
    );
  });
});

describe.each(TEST_DIALECTS)('build jobs on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
  });
  afterEach(async () => {
    await store.close();
  });

  it('starts a build, then records its commit and ends the job in one step', async () => {
    const job = await store.startBuild(FOO, { owner: 'host:1' });
    const pending = await store.pendingBuilds();

    const commit = await store.finishBuild(job!, {
      status: 'SUCCESS',
      artifacts: ['repos/aa/aa/x/python-foo-1.0-1.src.rpm'],
      nvr: 'python-foo-1.0-1',
      notes: 'OK',
      versionsCsv: 'repos/aa/aa/x/versions.csv',
    });

    expect(job).toMatchObject({
      projectName: 'python-foo',
      dtBuild: NOW,
      owner: 'host:1',
      heartbeat: NOW,
      attempt: 1,
    });
    expect(pending).toEqual([job]);
    expect(commit).toMatchObject({
      projectName: 'python-foo',
      commitHash: FOO.commitHash,
      distroHash: FOO.distroHash,
      extendedHash: null,
      commitBranch: 'master',
      component: 'tripleo',
      type: 'rpm',
      status: 'SUCCESS',
      dtCommit: NOW - 600,
      dtDistro: NOW - 900,
      dtBuild: NOW,
      repoDir: FOO.repoDir,
      distgitDir: FOO.distgitDir,
      artifacts: 'repos/aa/aa/x/python-foo-1.0-1.src.rpm',
      nvr: 'python-foo-1.0-1',
      notes: 'OK',
      versionsCsv: 'repos/aa/aa/x/versions.csv',
    });
    expect(await store.pendingBuilds()).toEqual([]);
    expect(await store.findCommits()).toEqual([commit]);
  });

  it('refuses a second start of a running build by another owner', async () => {
    const first = await store.startBuild(FOO, { owner: 'host:1' });

    const second = await store.startBuild(FOO, { owner: 'host:2', now: NOW + 10 });
    const stillFresh = await store.startBuild(FOO, { owner: 'host:2', now: NOW + 10, staleAfter: 3600 });

    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(stillFresh).toBeUndefined();
    expect(await store.pendingBuilds()).toHaveLength(1);
  });

  it('redoes a build a killed chaser left: the same job, a new attempt, recorded once', async () => {
    const killed = await store.startBuild(FOO, { owner: 'host:1' });
    // the chaser dies here; a new one (new pid, holding the workspace lock) starts

    const [left] = await store.pendingBuilds();
    const redo = await store.startBuild(FOO, { owner: 'host:2', now: NOW + 60, staleAfter: 0 });
    const commit = await store.finishBuild(redo!, { status: 'FAILED', notes: 'error: bad exit status' });
    const lateFinish = store.finishBuild(killed!, { status: 'SUCCESS' });

    expect(left).toEqual(killed);
    expect(redo).toMatchObject({
      id: killed!.id,
      owner: 'host:2',
      attempt: 2,
      dtBuild: NOW + 60,
      heartbeat: NOW + 60,
    });
    expect(commit).toMatchObject({ status: 'FAILED', dtBuild: NOW + 60, notes: 'error: bad exit status' });
    await expect(lateFinish).rejects.toMatchObject({ code: 'FERRY_CONFLICT' });
    expect(await store.findCommits()).toHaveLength(1);
  });

  it('lets the same owner take its own job back after a restart', async () => {
    const before = await store.startBuild(FOO, { owner: 'host:1' });

    const after = await store.startBuild(FOO, { owner: 'host:1', now: NOW + 5 });

    expect(after).toMatchObject({ id: before!.id, attempt: 2 });
  });

  it('takes over a job whose owner stopped beating, keeps a beating one', async () => {
    const job = await store.startBuild(FOO, { owner: 'host:1' });
    const beat = await store.touchBuild(job!, NOW + 3000);

    const tooEarly = await store.startBuild(FOO, { owner: 'host:2', now: NOW + 3600, staleAfter: 3600 });
    const taken = await store.startBuild(FOO, { owner: 'host:2', now: NOW + 6601, staleAfter: 3600 });
    const lostBeat = await store.touchBuild(job!, NOW + 6602);

    expect(beat).toBe(true);
    expect(tooEarly).toBeUndefined();
    expect(taken).toMatchObject({ owner: 'host:2', attempt: 2 });
    expect(lostBeat).toBe(false);
  });

  it('abandons a job without recording anything', async () => {
    const job = await store.startBuild(FOO, { owner: 'host:1' });

    const abandoned = await store.abandonBuild(job!);
    const twice = await store.abandonBuild(job!);

    expect([abandoned, twice]).toEqual([true, false]);
    expect(await store.pendingBuilds()).toEqual([]);
    expect(await store.findCommits()).toEqual([]);
  });

  it('keeps the job when recording the commit fails (nothing half-done)', async () => {
    const job = await store.startBuild(FOO, { owner: 'host:1' });

    const attempt = store.finishBuild(job!, { status: 'EXPLODED' as never });

    await expect(attempt).rejects.toThrow('unknown build status "EXPLODED"');
    expect(await store.pendingBuilds()).toEqual([job]);
    expect(await store.findCommits()).toEqual([]);
  });

  it('builds the same hashes again after a recheck deleted the failed commit', async () => {
    const first = await store.startBuild(FOO, { owner: 'host:1' });
    const failed = await store.finishBuild(first!, { status: 'FAILED' });
    await store.deleteCommit(failed.id);

    const again = await store.startBuild(FOO, { owner: 'host:1', now: NOW + 100 });
    const ok = await store.finishBuild(again!, { status: 'SUCCESS' });

    expect(again?.attempt).toBe(1);
    expect((await store.findCommits()).map((c) => c.id)).toEqual([ok.id]);
  });

  it('filters pending builds by package', async () => {
    await store.startBuild(FOO, { owner: 'host:1' });
    const bar = await store.startBuild({ ...FOO, projectName: 'python-bar' }, { owner: 'host:1' });

    expect(await store.pendingBuilds({ project: 'python-bar' })).toEqual([bar]);
  });
});
