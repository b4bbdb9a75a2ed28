import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderCommitYaml, shardedCommitDir, type SnapshotCommit } from '../../src/layout/index.js';
import type { CommitRecord } from '../../src/store/index.js';
import { exec } from '../../src/util/exec.js';
import { buildRpms } from '../helpers/rpm-factory.js';
import { hashOf, NOW, PASSWORDS, type FixtureCommits } from './api-fixture.js';
import { demoWorkspace, startServe, type ServeProcess } from './serve-process.js';

/**
 * The real dlrnapi client (github softwarefactory-project/dlrnapi_client)
 * against `ferry serve`, every command it has. The client is not part of
 * ferry: point FERRY_DLRNAPI_CLIENT at a checkout of it (it runs from its
 * source tree with Debian's python3-six, python3-urllib3, python3-certifi and
 * python3-dateutil). Without it this file says so and skips.
 */
const CLIENT = process.env.FERRY_DLRNAPI_CLIENT;
const PYTHON = process.env.FERRY_DLRNAPI_PYTHON ?? '/usr/bin/python3';

if (!CLIENT) {
  process.stderr.write(
    'dlrnapi-client.test: skipped (set FERRY_DLRNAPI_CLIENT to a dlrnapi_client checkout to run it)\n',
  );
} else if (!existsSync(join(CLIENT, 'dlrnapi_client', 'shell.py'))) {
  throw new Error(
    `FERRY_DLRNAPI_CLIENT=${CLIENT} is not a dlrnapi_client checkout (no dlrnapi_client/shell.py)`,
  );
}

describe.skipIf(!CLIENT)('the dlrnapi client against ferry serve', () => {
  let dir: string;
  let server: ServeProcess;
  let commits: FixtureCommits;
  let remoteUrl: string;

  /** `dlrnapi --url URL [auth] ARGS`, its JSON output parsed. */
  async function dlrnapi(args: readonly string[], user = 'writer'): Promise<unknown> {
    const result = await exec(
      PYTHON,
      [
        '-c',
        'import sys; from dlrnapi_client.shell import main; sys.exit(main())',
        '--url',
        server.url,
        ...args,
      ],
      {
        env: {
          ...process.env,
          PYTHONPATH: CLIENT,
          DLRNAPI_USERNAME: user,
          DLRNAPI_PASSWORD: user === 'writer' ? PASSWORDS.writer : PASSWORDS.reader,
        },
        allowFailure: true,
        timeoutMs: 60_000,
      },
    );
    if (result.exitCode !== 0)
      throw new Error(
        `dlrnapi ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}${result.stdout}`,
      );
    return JSON.parse(result.stdout) as unknown;
  }

  const hashes = (commit: CommitRecord) => [
    '--commit-hash',
    commit.commitHash,
    '--distro-hash',
    commit.distroHash,
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-dlrnapi-'));
    const demo = await demoWorkspace(dir);
    commits = demo.commits;
    // A snapshot of "another instance" for commit-import, served from this workspace's repos/ tree.
    const remote: SnapshotCommit = {
      id: 1,
      type: 'rpm',
      dtCommit: NOW,
      dtDistro: NOW,
      dtExtended: null,
      dtBuild: NOW,
      projectName: 'python-imported',
      repoDir: null,
      distgitDir: null,
      commitHash: hashOf('imported'),
      distroHash: hashOf('imported-distro'),
      extendedHash: null,
      commitBranch: 'master',
      status: 'SUCCESS',
      component: null,
      artifacts: null,
      notes: 'OK',
      flags: 0,
      versionsCsv: null,
    };
    const [rpm] = await buildRpms(
      [{ name: 'python-imported', version: '2.0', release: '1.el9' }],
      join(dir, 'rpms'),
    );
    const remoteDir = join(demo.workspace, 'repos', 'remote-instance');
    await mkdir(remoteDir, { recursive: true });
    await copyFile(rpm!.path, join(remoteDir, rpm!.fileName));
    await writeFile(
      join(remoteDir, 'commit.yaml'),
      renderCommitYaml({ ...remote, artifacts: `repos/x/${rpm!.fileName}` }),
    );
    server = await startServe(demo.workspace);
    remoteUrl = `${server.url}/repos/remote-instance`;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('repo-get', async () => {
    expect(await dlrnapi(['repo-get', '--max-age', '0'])).toMatchObject({
      commit_hash: commits.tripleo.commitHash,
      job_id: 'job-c',
      success: true,
      component: 'tripleo',
    });
    expect(
      await dlrnapi(['repo-get', '--max-age', '0', '--job-id', 'job-b', '--success', 'false']),
    ).toMatchObject({
      commit_hash: commits.bar.commitHash,
      success: false,
    });
  });

  it('repo-use', async () => {
    expect(
      await dlrnapi(['repo-use', '--max-age', '0', '--reporting-job-id', 'ferry-ci', '--job-id', 'job-a']),
    ).toMatchObject({
      commit_hash: commits.foo.commitHash,
      job_id: 'ferry-ci',
      in_progress: true,
      user: 'writer',
    });
  });

  it('report-result', async () => {
    expect(
      await dlrnapi([
        'report-result',
        ...hashes(commits.foo),
        '--job-id',
        'ferry-ci',
        '--info-url',
        'https://ci.example.org/9',
        '--timestamp',
        '1700000100',
        '--success',
        'true',
        '--notes',
        'from dlrnapi',
      ]),
    ).toMatchObject({
      job_id: 'ferry-ci',
      success: true,
      timestamp: 1_700_000_100,
      url: 'https://ci.example.org/9',
      notes: 'from dlrnapi',
    });
  });

  it('repo-status', async () => {
    const votes = (await dlrnapi(['repo-status', ...hashes(commits.foo)])) as { job_id: string }[];

    expect(votes.map((v) => v.job_id)).toEqual(expect.arrayContaining(['consistent', 'job-a', 'ferry-ci']));
  });

  it('repo-promote', async () => {
    expect(
      await dlrnapi(['repo-promote', ...hashes(commits.foo), '--promote-name', 'ferry-promoted']),
    ).toMatchObject({
      promote_name: 'ferry-promoted',
      repo_hash: `${commits.foo.commitHash}_${commits.foo.distroHash.slice(0, 8)}`,
      repo_url: `http://localhost:8080/repos/${shardedCommitDir(commits.foo)}`,
    });
  });

  it('repo-promote-batch', async () => {
    const pairs = [
      `${commits.fooOld.commitHash}_${commits.fooOld.distroHash}`,
      `${commits.bar.commitHash}_${commits.bar.distroHash}_${commits.bar.extendedHash!}`,
    ].join(',');

    expect(
      await dlrnapi(['repo-promote-batch', '--hash-pairs', pairs, '--promote-name', 'ferry-batch']),
    ).toMatchObject({
      promote_name: 'ferry-batch',
      commit_hash: commits.bar.commitHash,
      extended_hash: commits.bar.extendedHash,
    });
  });

  it('promotion-get', async () => {
    const promotions = (await dlrnapi(['promotion-get', '--promote-name', 'ferry-batch'])) as {
      commit_hash: string;
    }[];

    expect(promotions.map((p) => p.commit_hash)).toEqual([commits.bar.commitHash, commits.fooOld.commitHash]);
  });

  it('build-metrics', async () => {
    expect(
      await dlrnapi(['build-metrics', '--start-date', '2023-11-14', '--end-date', '2023-11-15']),
    ).toEqual({ succeeded: 4, failed: 1, total: 5 });
  });

  it('package-recheck', async () => {
    expect(await dlrnapi(['package-recheck', '--package-name', 'python-baz'])).toEqual({ result: 'ok' });
  });

  it('agg-status', async () => {
    const promoted = (await dlrnapi([
      'repo-promote',
      ...hashes(commits.tripleo),
      '--promote-name',
      'ferry-agg',
    ])) as { aggregate_hash: string };
    await dlrnapi([
      'report-result',
      '--agg-hash',
      promoted.aggregate_hash,
      '--job-id',
      'agg-ci',
      '--info-url',
      'https://ci/agg',
      '--timestamp',
      '1700000200',
      '--success',
      'false',
    ]);

    expect(await dlrnapi(['agg-status', '--agg-hash', promoted.aggregate_hash])).toEqual([
      expect.objectContaining({ aggregate_hash: promoted.aggregate_hash, job_id: 'agg-ci', success: false }),
    ]);
  });

  it('commit-import', async () => {
    expect(await dlrnapi(['commit-import', '--repo-url', remoteUrl])).toEqual({ repo_url: remoteUrl });
    const imported = (await dlrnapi([
      'repo-status',
      '--commit-hash',
      hashOf('imported'),
      '--distro-hash',
      hashOf('imported-distro'),
    ])) as unknown[];
    expect(imported).toEqual([]);
    const log = await readFile(
      join(
        dir,
        'workspace',
        'repos',
        shardedCommitDir({ commitHash: hashOf('imported'), distroHash: hashOf('imported-distro') }),
        'commit.yaml',
      ),
      'utf8',
    );
    expect(log).toContain('python-imported');
  });

  it('refuses writes by a read-only user', async () => {
    await expect(
      dlrnapi(['repo-promote', ...hashes(commits.foo), '--promote-name', 'nope'], 'reader'),
    ).rejects.toThrow(/403/);
  });
});
