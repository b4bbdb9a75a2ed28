import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { createChaseWorkspace, type ChaseWorkspace } from '../../test/chase/chase-workspace.js';
import { runFerry } from '../../test/helpers/run-ferry.js';
import { listLabels, parseCommitYaml, snapshotDir } from '../layout/index.js';
import type { Store } from '../store/index.js';
import type { KillPoint } from './kill-points.js';
import { isCompleteSnapshot } from './recovery.js';

/** `ferry chase` killed with SIGKILL at `point` (the process must really die there). */
async function chaseKilledAt(ws: ChaseWorkspace, point: KillPoint): Promise<void> {
  const run = await runFerry(['chase', '--workers', '1'], {
    cwd: ws.root,
    env: { FERRY_TEST_KILL_AT: point },
  });
  expect(run.code, `ferry chase should have been killed at ${point}: ${run.stdout}${run.stderr}`).toBe(128);
}

async function chase(ws: ChaseWorkspace): Promise<{ package: string; status: string }[]> {
  const run = await runFerry(['chase', '--json'], { cwd: ws.root });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { builds: { package: string; status: string }[] }).builds.map((b) => ({
    package: b.package,
    status: b.status,
  }));
}

/** Every label shows a snapshot with all its files: what a consumer may read at any instant. */
async function labelsOnCompleteSnapshots(ws: ChaseWorkspace): Promise<void> {
  for (const label of await listLabels(ws.reposDir)) {
    expect(await isCompleteSnapshot(label.dir), `${label.label} -> ${label.target}`).toBe(true);
  }
}

/** Files a killed process may leave: temporary links and files, staging directories. */
async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => /(^|\/)\.[^/]+\.tmp$/.test(e));
}

/**
 * After a clean run: each commit row has its snapshot with a commit.yaml of
 * the same id, no build is pending, no build recorded twice, current is the
 * newest success and consistent the newest `consistent` vote.
 */
async function storeAndReposAgree(ws: ChaseWorkspace, store: Store): Promise<void> {
  const commits = await store.findCommits({ order: 'asc' });
  for (const commit of commits) {
    const yaml = await readFile(join(snapshotDir(ws.reposDir, commit), 'commit.yaml'), 'utf8');
    expect(parseCommitYaml(yaml)[0]?.id).toBe(commit.id);
  }
  const keys = commits.map((c) => `${c.projectName}:${c.commitHash}:${c.distroHash}:${c.status}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(await store.pendingBuilds()).toEqual([]);
  const [newest] = await store.findCommits({ status: 'SUCCESS', limit: 1 });
  const labels = Object.fromEntries((await listLabels(ws.reposDir)).map((l) => [l.label, l.dir]));
  expect(labels.current).toBe(snapshotDir(ws.reposDir, newest!));
  const vote = await store.newestVote({ ciName: 'consistent' });
  expect(labels.consistent).toBe(snapshotDir(ws.reposDir, vote!.commit));
  expect(await leftovers(ws.reposDir)).toEqual([]);
  expect(await lstat(join(ws.root, '.ferry', 'publish.json')).catch(() => null)).toBeNull();
}

describe('crash safety: SIGKILL at any point leaves complete snapshots, and a restart finishes the work', () => {
  let ws: ChaseWorkspace;

  beforeAll(async () => {
    ws = await createChaseWorkspace({
      packages: [{ name: 'crash-lib' }, { name: 'crash-app', buildRequires: ['crash-lib-devel'] }],
      workers: 1,
    });
  });

  it('killed during a build: nothing is recorded, the build is redone once', async () => {
    await chaseKilledAt(ws, 'during-build');

    const store = await ws.openStore();
    try {
      expect(await store.findCommits()).toEqual([]);
      expect((await store.pendingBuilds()).map((j) => j.projectName)).toEqual(['crash-lib']);
      expect(await listLabels(ws.reposDir)).toEqual([]);

      expect(await chase(ws)).toEqual([
        { package: 'crash-lib', status: 'SUCCESS' },
        { package: 'crash-app', status: 'SUCCESS' },
      ]);
      await storeAndReposAgree(ws, store);
    } finally {
      await store.close();
    }
  });

  it('killed between writing the snapshot and recording it: labels stay on the old snapshot, the build is redone', async () => {
    await ws.upstreamCommit('crash-lib', { 'README.md': '# crash-lib\n\nsecond\n' }, 'Second lib commit');
    const store = await ws.openStore();
    try {
      const before = await listLabels(ws.reposDir);

      await chaseKilledAt(ws, 'after-place');

      expect(await listLabels(ws.reposDir)).toEqual(before);
      await labelsOnCompleteSnapshots(ws);
      expect(await store.findCommits({ project: 'crash-lib' })).toHaveLength(1);

      expect(await chase(ws)).toEqual([{ package: 'crash-lib', status: 'SUCCESS' }]);
      expect(await store.findCommits({ project: 'crash-lib' })).toHaveLength(2);
      await storeAndReposAgree(ws, store);
    } finally {
      await store.close();
    }
  });

  it('killed while switching a label: the old target stays whole; the restart moves it without rebuilding', async () => {
    await ws.upstreamCommit('crash-app', { 'README.md': '# crash-app\n\nsecond\n' }, 'Second app commit');
    const store = await ws.openStore();
    try {
      const before = await listLabels(ws.reposDir);

      await chaseKilledAt(ws, 'label-switch');

      expect(await listLabels(ws.reposDir)).toEqual(before);
      await labelsOnCompleteSnapshots(ws);
      expect(await leftovers(ws.reposDir)).toHaveLength(1);
      // Recorded already: the restart has nothing to build, only the labels to put right.
      expect(await store.findCommits({ project: 'crash-app' })).toHaveLength(2);

      expect(await chase(ws)).toEqual([]);
      await storeAndReposAgree(ws, store);
    } finally {
      await store.close();
    }
  });

  it('killed after staging, and after recording: each restart ends in the same agreement', async () => {
    const store = await ws.openStore();
    try {
      await ws.upstreamCommit('crash-lib', { 'README.md': '# crash-lib\n\nthird\n' }, 'Third lib commit');
      await chaseKilledAt(ws, 'after-stage');
      await labelsOnCompleteSnapshots(ws);
      expect(await chase(ws)).toEqual([{ package: 'crash-lib', status: 'SUCCESS' }]);
      await storeAndReposAgree(ws, store);

      await ws.upstreamCommit('crash-app', { 'README.md': '# crash-app\n\nthird\n' }, 'Third app commit');
      await chaseKilledAt(ws, 'after-record');
      await labelsOnCompleteSnapshots(ws);
      expect(await chase(ws)).toEqual([]);
      await storeAndReposAgree(ws, store);
      expect(await store.findCommits()).toHaveLength(6);
    } finally {
      await store.close();
    }
  });

  it('a second chaser on the same workspace is refused while the first runs', async () => {
    const { acquireWorkspaceLock, chaseLockPath } = await import('./index.js');
    const lock = await acquireWorkspaceLock(chaseLockPath(ws.workspace));
    try {
      const run = await runFerry(['chase'], { cwd: ws.root });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/held by ferry chase \(pid \d+ .*one chaser per workspace/);
    } finally {
      await lock.release();
    }
  });
});
