import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import {
  renderCommitYaml,
  shardedCommitDir,
  snapshotDir,
  type SnapshotCommit,
} from '../../src/layout/index.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../helpers/databases.js';
import { buildRpms, type BuiltRpm } from '../helpers/rpm-factory.js';
import { hashOf, NOW, post, useApiFixture } from './api-fixture.js';

function remoteCommit(overrides: Partial<SnapshotCommit> = {}): SnapshotCommit {
  return {
    id: 42,
    type: 'rpm',
    dtCommit: NOW - 100,
    dtDistro: NOW - 100,
    dtExtended: null,
    dtBuild: NOW - 50,
    projectName: 'python-remote',
    repoDir: '/home/dlrn/data/python-remote',
    distgitDir: '/home/dlrn/data/python-remote_distro',
    commitHash: hashOf('remote-commit'),
    distroHash: hashOf('remote-distro'),
    extendedHash: null,
    commitBranch: 'master',
    status: 'SUCCESS',
    component: null,
    artifacts: null,
    notes: 'OK',
    flags: 0,
    versionsCsv: null,
    ...overrides,
  };
}

/** remote/import from another instance, served over HTTP by a second ferry app (as DLRN serves its repos). */
describe('POST /api/remote/import', () => {
  const f = useApiFixture('sqlite');
  let remoteDir: string;
  let remoteStore: Store;
  let remote: FastifyInstance;
  let remoteBase: string;
  let rpms: BuiltRpm[];

  /** Publishes a snapshot on the remote side; returns its URL. */
  async function publish(
    commit: SnapshotCommit,
    files: readonly BuiltRpm[],
    extra: Record<string, string> = {},
  ): Promise<string> {
    const dir = snapshotDir(join(remoteDir, 'repos'), commit);
    await mkdir(dir, { recursive: true });
    for (const rpm of files) await copyFile(rpm.path, join(dir, rpm.fileName));
    await writeFile(join(dir, 'commit.yaml'), renderCommitYaml(commit));
    await writeFile(join(dir, 'rpmbuild.log'), 'remote build log\n');
    for (const [name, content] of Object.entries(extra)) await writeFile(join(dir, name), content);
    return `${remoteBase}/repos/${shardedCommitDir(commit)}`;
  }

  beforeAll(async () => {
    remoteDir = await mkdtemp(join(tmpdir(), 'ferry-remote-'));
    rpms = await buildRpms(
      [{ name: 'python-remote', version: '1.2.3', release: '0.1.el9' }],
      join(remoteDir, 'rpms'),
      { srpm: true },
    );
    await mkdir(join(remoteDir, 'repos'), { recursive: true });
    remoteStore = await openTestStore('sqlite');
    remote = await buildApp({
      store: remoteStore,
      reposDir: join(remoteDir, 'repos'),
      baseurl: 'http://remote/repos',
    });
    await remote.listen({ host: '127.0.0.1', port: 0 });
    remoteBase = `http://127.0.0.1:${(remote.server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await remote?.close();
    await remoteStore?.close();
    await rm(remoteDir, { recursive: true, force: true });
  });

  it('downloads the RPMs and logs of the remote snapshot and records the build (201)', async () => {
    const prefix = 'repos/re/mo/remote-dir';
    const commit = remoteCommit({ artifacts: rpms.map((rpm) => `${prefix}/${rpm.fileName}`).join(',') });
    const url = await publish(commit, rpms);

    const res = await f.inject(post('/api/remote/import', { repo_url: url }));

    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ repo_url: url });
    const [imported] = await f.store.findCommits({ project: 'python-remote' });
    const local = `repos/${shardedCommitDir(commit)}`;
    expect(imported).toMatchObject({
      commitHash: commit.commitHash,
      distroHash: commit.distroHash,
      status: 'SUCCESS',
      dtCommit: NOW - 100,
      dtBuild: NOW - 50,
      repoDir: null,
      artifacts: rpms.map((rpm) => `${local}/${rpm.fileName}`).join(','),
    });
    for (const rpm of rpms) {
      expect(await readFile(join(f.dir, local, rpm.fileName))).toEqual(await readFile(rpm.path));
    }
    expect(await readFile(join(f.dir, local, 'rpmbuild.log'), 'utf8')).toBe('remote build log\n');
    expect(await readFile(join(f.dir, local, 'commit.yaml'), 'utf8')).toBe(renderCommitYaml(commit));
  });

  it('skips a commit older than the last build of its package, as DLRN', async () => {
    const newer = remoteCommit({ commitHash: hashOf('newer'), dtCommit: NOW, dtDistro: NOW });
    const older = remoteCommit({ commitHash: hashOf('older'), dtCommit: NOW - 1000, dtDistro: NOW - 1000 });

    expect(
      (await f.inject(post('/api/remote/import', { repo_url: await publish(newer, []) }))).statusCode,
    ).toBe(201);
    const res = await f.inject(post('/api/remote/import', { repo_url: await publish(older, []) }));

    expect(res.statusCode).toBe(201);
    const builds = await f.store.findCommits({ project: 'python-remote' });
    expect(builds.map((c) => c.commitHash)).toEqual([newer.commitHash]);
  });

  it('answers 502 when the remote snapshot cannot be read, and records nothing', async () => {
    const missing = await f.inject(
      post('/api/remote/import', { repo_url: `${remoteBase}/repos/nothing/here` }),
    );
    const badYaml = await publish(remoteCommit({ commitHash: hashOf('bad-yaml') }), []);
    await writeFile(
      join(
        remoteDir,
        'repos',
        shardedCommitDir(remoteCommit({ commitHash: hashOf('bad-yaml') })),
        'commit.yaml',
      ),
      'commits: [oops',
    );
    const yaml = await f.inject(post('/api/remote/import', { repo_url: badYaml }));
    const lostRpm = remoteCommit({
      commitHash: hashOf('lost-rpm'),
      artifacts: 'repos/x/y/z/python-remote-9.9-1.el9.noarch.rpm',
    });
    const lost = await f.inject(post('/api/remote/import', { repo_url: await publish(lostRpm, []) }));
    const evil = remoteCommit({ commitHash: hashOf('evil'), artifacts: 'repos/x/y/z/evil name;rm -rf.rpm' });
    const evilRes = await f.inject(post('/api/remote/import', { repo_url: await publish(evil, []) }));
    const unreachable = await f.inject(post('/api/remote/import', { repo_url: 'http://127.0.0.1:9/repo' }));

    expect([
      missing.statusCode,
      yaml.statusCode,
      lost.statusCode,
      evilRes.statusCode,
      unreachable.statusCode,
    ]).toEqual([502, 502, 502, 502, 502]);
    expect(yaml.json<{ message: string }>().message).toMatch(/invalid YAML/);
    expect(evilRes.json<{ message: string }>().message).toMatch(/invalid artifact/);
    expect(await f.store.findCommits({ project: 'python-remote' })).toEqual([]);
    await expect(stat(snapshotDir(f.reposDir, lostRpm))).rejects.toThrow(/ENOENT/);
  });

  it('refuses URLs that are not http(s) (400)', async () => {
    const res = await f.inject(post('/api/remote/import', { repo_url: 'file:///etc/passwd' }));

    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ message: 'Invalid parameters: repo_url: expected an http or https URL' });
  });
});
