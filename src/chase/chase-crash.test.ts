import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { createChaseWorkspace, type ChaseWorkspace } from '../../test/chase/chase-workspace.js';
import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { runFerry } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { importRemoteCommit } from '../api/index.js';
import {
  listLabels,
  parseCommitYaml,
  readLabel,
  renderCommitYaml,
  shardedCommitDir,
  snapshotDir,
  VERSIONS_CSV_HEADER,
} from '../layout/index.js';
import { readRepodata } from '../repo/index.js';
import { snapshotGaps, type WorkspaceProblem } from '../report/index.js';
import { FLAG_IMPORTED, type Store } from '../store/index.js';
import { exec } from '../util/exec.js';
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

/** A pid no process can have (above the largest pid_max): what a killed process's temporaries carry. */
const DEAD_PID = 4_194_305;

/** `ferry status --json`: its exit code and the problems it found. */
async function statusProblems(ws: ChaseWorkspace): Promise<{ code: number; problems: WorkspaceProblem[] }> {
  const run = await runFerry(['status', '--json'], { cwd: ws.root });
  const report = JSON.parse(run.stdout) as { problems: WorkspaceProblem[] };
  return { code: run.code, problems: report.problems };
}

/**
 * The aggregate of `label` is DLRN's join of the components' labels as they
 * are now: `.repo` files concatenated (each followed by a newline), its md5,
 * versions.csv lines after each header, all three links into `xx/yy/<md5>/`.
 */
async function aggregateAgrees(
  ws: ChaseWorkspace,
  label: string,
  components: readonly string[],
): Promise<void> {
  let repo = '';
  let csv = `${VERSIONS_CSV_HEADER}\n`;
  for (const component of [...components].sort()) {
    const dir = join(ws.reposDir, 'component', component, label);
    repo += `${await readFile(join(dir, 'delorean.repo'), 'utf8')}\n`;
    csv += (await readFile(join(dir, 'versions.csv'), 'utf8'))
      .split(/(?<=\n)/)
      .slice(1)
      .join('');
  }
  const md5 = createHash('md5').update(repo).digest('hex');
  const base = join(ws.reposDir, label);
  expect({
    repo: await readFile(join(base, 'delorean.repo'), 'utf8'),
    md5: await readFile(join(base, 'delorean.repo.md5'), 'utf8'),
    csv: await readFile(join(base, 'versions.csv'), 'utf8'),
    links: await Promise.all(
      ['delorean.repo', 'delorean.repo.md5', 'versions.csv'].map((f) => readlink(join(base, f))),
    ),
  }).toEqual({
    repo,
    md5,
    csv,
    links: ['delorean.repo', 'delorean.repo.md5', 'versions.csv'].map(
      (f) => `${md5.slice(0, 2)}/${md5.slice(2, 4)}/${md5}/${f}`,
    ),
  });
}

/** Serves a directory over HTTP, as another instance serves its repos/ (404 for anything missing). */
async function serveDirectory(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = join(root, normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    readFile(path).then(
      (data) => response.end(data),
      () => {
        response.statusCode = 404;
        response.end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('with components: the aggregates and labels always follow what the chaser built', () => {
  let ws: ChaseWorkspace;
  const components = ['base', 'tools'];

  beforeAll(async () => {
    ws = await createChaseWorkspace({
      packages: [
        { name: 'agg-lib', component: 'base' },
        { name: 'agg-app', component: 'tools' },
      ],
      workers: 1,
    });
  });

  it('killed after a component label switch, before the aggregates: status flags it, the restart rewrites them and every stale temporary', async () => {
    expect(await chase(ws)).toEqual([
      { package: 'agg-lib', status: 'SUCCESS' },
      { package: 'agg-app', status: 'SUCCESS' },
    ]);
    for (const label of ['current', 'consistent']) await aggregateAgrees(ws, label, components);
    expect(await statusProblems(ws)).toEqual({ code: 0, problems: [] });
    await ws.upstreamCommit('agg-lib', { 'README.md': '# agg-lib\n\nsecond\n' }, 'Second lib commit');
    const staleRepo = await readFile(join(ws.reposDir, 'current', 'delorean.repo'), 'utf8');

    await chaseKilledAt(ws, 'before-aggregate');

    // The component labels moved, the aggregates did not.
    const lib = await readLabel(ws.reposDir, 'current', 'base');
    expect(staleRepo).not.toContain(lib!.target);
    expect(await readFile(join(ws.reposDir, 'current', 'delorean.repo'), 'utf8')).toBe(staleRepo);
    // What killed processes leave deeper than the label directories: an aggregate's
    // hashed copy, an aggregate label directory, a staging directory beside snapshots.
    const md5 = (await readFile(join(ws.reposDir, 'current', 'delorean.repo.md5'), 'utf8')).trim();
    const copy = join(ws.reposDir, 'current', md5.slice(0, 2), md5.slice(2, 4), md5);
    await writeFile(join(copy, `.delorean.repo.${DEAD_PID}.0badbeef.tmp`), 'half');
    await writeFile(join(ws.reposDir, 'consistent', `.versions.csv.${DEAD_PID}.1badbeef.tmp`), 'half');
    const staging = join(lib!.dir, '..', `.${lib!.name}.${DEAD_PID}.2badbeef.tmp`);
    await mkdir(staging);
    await writeFile(join(staging, 'x.rpm'), 'half');
    const status = await statusProblems(ws);
    expect(status.code).toBe(1);
    expect(status.problems.map((p) => [p.kind, p.path])).toEqual([
      ['stale-aggregate', 'repos/consistent'],
      ['stale-aggregate', 'repos/current'],
      [
        'stale-temporary',
        `repos/component/base/${lib!.target.replace(/[^/]+$/, '')}.${lib!.name}.${DEAD_PID}.2badbeef.tmp`,
      ],
      ['stale-temporary', `repos/consistent/.versions.csv.${DEAD_PID}.1badbeef.tmp`],
      [
        'stale-temporary',
        `repos/current/${md5.slice(0, 2)}/${md5.slice(2, 4)}/${md5}/.delorean.repo.${DEAD_PID}.0badbeef.tmp`,
      ],
    ]);

    // Recorded and labelled already: the restart has nothing to build, only the aggregates to rewrite.
    expect(await chase(ws)).toEqual([]);

    for (const label of ['current', 'consistent']) await aggregateAgrees(ws, label, components);
    expect(await leftovers(ws.reposDir)).toEqual([]);
    expect(await statusProblems(ws)).toEqual({ code: 0, problems: [] });
  });
  it('an imported build claiming a future commit time hides no upstream commit and never becomes current', async () => {
    const now = Math.floor(Date.now() / 1000);
    const remoteDir = await tempDir('ferry-remote-');
    const [rpm] = await buildRpms(
      [{ name: 'agg-lib', version: '9.9', release: '1.el9' }],
      join(remoteDir, 'rpms'),
    );
    // A build of another instance: a commit this upstream does not have, "committed" 20 hours from now.
    const commit = {
      id: 7,
      type: 'rpm',
      dtCommit: now + 20 * 3600,
      dtDistro: now,
      dtExtended: null,
      dtBuild: now,
      projectName: 'agg-lib',
      repoDir: null,
      distgitDir: null,
      commitHash: 'f'.repeat(40),
      distroHash: 'e'.repeat(40),
      extendedHash: null,
      commitBranch: 'master',
      status: 'SUCCESS' as const,
      component: 'base',
      artifacts: `repos/component/base/ff/ff/x/${rpm!.fileName}`,
      notes: 'OK',
      flags: 0,
      versionsCsv: null,
    };
    const remoteSnapshot = join(remoteDir, 'repos', shardedCommitDir(commit));
    await mkdir(remoteSnapshot, { recursive: true });
    await copyFile(rpm!.path, join(remoteSnapshot, rpm!.fileName));
    await writeFile(join(remoteSnapshot, 'commit.yaml'), renderCommitYaml(commit));
    await exec('createrepo_c', ['--quiet', remoteSnapshot]);
    const remote = await serveDirectory(remoteDir);
    const store = await ws.openStore();
    try {
      const result = await importRemoteCommit(
        {
          store,
          reposDir: ws.reposDir,
          fetch,
          timeoutMs: 30_000,
          baseurl: ws.workspace.config.baseurl,
          now,
        },
        `${remote.url}/repos/${shardedCommitDir(commit)}`,
      );
      expect(result).toEqual({ imported: [`agg-lib ${commit.commitHash}`], skipped: [] });
      const [imported] = await store.findCommits({ project: 'agg-lib', limit: 1 });
      expect(imported).toMatchObject({ commitHash: commit.commitHash, flags: FLAG_IMPORTED });
      expect(await snapshotGaps(snapshotDir(ws.reposDir, commit))).toEqual([]);
      await ws.upstreamCommit(
        'agg-lib',
        { 'README.md': '# agg-lib\n\nafter the import\n' },
        'Third lib commit',
      );

      // The new upstream commit is built, though older than the time the import claims.
      expect(await chase(ws)).toEqual([{ package: 'agg-lib', status: 'SUCCESS' }]);

      const [built] = await store.findCommits({ project: 'agg-lib', limit: 1 });
      expect(built!.flags).toBe(0);
      for (const label of ['current', 'consistent']) {
        expect((await readLabel(ws.reposDir, label, 'base'))!.dir).toBe(snapshotDir(ws.reposDir, built!));
        await aggregateAgrees(ws, label, components);
      }
      // The snapshot's repodata lists every RPM it holds (derived from the chaser's previous snapshot).
      const dir = snapshotDir(ws.reposDir, built!);
      const rpms = (await readdir(dir)).filter((name) => name.endsWith('.rpm')).sort();
      const { packages } = await readRepodata(dir);
      expect(packages.map((p) => p.locationHref).sort()).toEqual(rpms);
      expect(await statusProblems(ws)).toEqual({ code: 0, problems: [] });
    } finally {
      await store.close();
      await remote.close();
    }
  });
});
