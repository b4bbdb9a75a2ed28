import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import { FerryError } from '../../src/errors.js';
import { importDlrn, parseDlrnUrl, type ImportReport } from '../../src/import/index.js';
import type { Store } from '../../src/store/index.js';
import { sha512Crypt, TEST_SCRYPT } from '../api/api-fixture.js';
import { mariadbTestDatabase, openTestStore, type MariadbTestDatabase } from '../helpers/databases.js';
import { runFerry } from '../helpers/run-ferry.js';
import { COMMIT_A, COMMIT_B, createDlrnMariadb, createDlrnSqlite, DISTRO } from './dlrn-database-fixture.js';

const NOW = 1_700_000_000;

/** What every import of the fixture must produce, whatever the source database. */
async function expectImported(
  store: Store,
  report: ImportReport,
  sha512: string,
  orphanVote: boolean,
): Promise<void> {
  expect(report.tables).toEqual({
    projects: { read: 3, imported: 2, skipped: 1 },
    commits: { read: 3, imported: 2, skipped: 1 },
    civotes: { read: orphanVote ? 4 : 3, imported: 3, skipped: orphanVote ? 1 : 0 },
    civotes_agg: { read: 1, imported: 1, skipped: 0 },
    promotions: { read: 2, imported: 2, skipped: 0 },
    users: { read: 2, imported: 1, skipped: 1 },
  });
  expect(report.problems).toEqual(
    expect.arrayContaining([
      'commit 11: unknown status "BUILDING"',
      'user "bad name": not a valid ferry user name',
      ...(orphanVote ? ['vote 6: commit 999 does not exist'] : []),
    ]),
  );
  expect(report.problemCount).toBe(report.problems.length);

  expect(await store.getCommit(7)).toEqual({
    id: 7,
    type: 'rpm',
    projectName: 'python-foo',
    commitHash: COMMIT_A,
    distroHash: DISTRO,
    extendedHash: null,
    commitBranch: 'master',
    component: null,
    status: 'SUCCESS',
    dtCommit: 1_500_000_000,
    dtDistro: 1_500_000_001,
    dtExtended: null,
    dtBuild: 1_500_000_100,
    repoDir: '/home/dlrn/data/python-foo',
    distgitDir: '/home/dlrn/data/python-foo_distro',
    artifacts: `repos/aa/aa/${COMMIT_A}_dddddddd/python-foo-1.0.0-0.20170714.aaaaaaa.el9.src.rpm,repos/aa/aa/${COMMIT_A}_dddddddd/python-foo-1.0.0-0.20170714.aaaaaaa.el9.noarch.rpm`,
    nvr: 'python-foo-1.0.0-0.20170714.aaaaaaa.el9',
    notes: 'OK',
    flags: 0,
    purged: false,
    versionsCsv: null,
    notified: false,
  });
  expect(await store.getCommit(9)).toMatchObject({
    type: 'rpm',
    status: 'FAILED',
    component: 'tripleo',
    dtCommit: 1_500_000_500,
    artifacts: null,
    purged: true,
    notified: true,
  });
  expect(await store.votesForCommit(7)).toEqual([
    {
      id: 3,
      commitId: 7,
      ciName: 'tempest',
      ciUrl: 'https://ci/1',
      ciVote: true,
      ciInProgress: false,
      timestamp: 1_500_000_200,
      notes: 'passed',
      user: 'ci-bot',
      component: null,
    },
    {
      id: 4,
      commitId: 7,
      ciName: 'tempest',
      ciUrl: 'https://ci/2',
      ciVote: false,
      ciInProgress: true,
      timestamp: 1_500_000_300,
      notes: '',
      user: null,
      component: null,
    },
  ]);
  expect(await store.findAggregateVotes()).toMatchObject([
    { id: 2, refHash: 'f'.repeat(32), ciName: 'agg-job', ciVote: true, user: 'ci-bot' },
  ]);
  expect(
    (await store.findPromotions()).map((p) => [
      p.id,
      p.promotionName,
      p.commitId,
      p.component,
      p.aggregateHash,
    ]),
  ).toEqual([
    [6, 'tripleo-ci-testing', 7, null, 'f'.repeat(32)],
    [5, 'current-passed-ci', 7, null, null],
  ]);
  expect(await store.listProjects()).toEqual([
    { id: 2, projectName: 'python-bar', lastNotified: 0 },
    { id: 3, projectName: 'python-foo', lastNotified: 1_600_000_100 },
  ]);
  expect(await store.listUsers()).toEqual([
    { name: 'ci-bot', passwordHash: sha512, role: 'write', createdAt: NOW, updatedAt: NOW },
  ]);
  // New rows continue after DLRN's ids.
  const next = await store.recordCommit({
    projectName: 'x',
    commitHash: COMMIT_B,
    distroHash: DISTRO,
    status: 'SUCCESS',
  });
  expect(next.id).toBeGreaterThan(9);
}

/** The imported history through the API: DLRN's user logs in (and is upgraded), votes and promotions answer. */
async function expectServed(store: Store): Promise<void> {
  const app = await buildApp({
    store,
    reposDir: tmpdir(),
    baseurl: 'http://x/repos',
    scryptParams: TEST_SCRYPT,
  });
  try {
    const auth = `Basic ${Buffer.from('ci-bot:dlrn-password').toString('base64')}`;
    const health = await app.inject({ method: 'POST', url: '/api/health', headers: { authorization: auth } });
    const status = await app.inject({
      method: 'GET',
      url: `/api/repo_status?commit_hash=${COMMIT_A}&distro_hash=${DISTRO}`,
    });
    const last = await app.inject({ method: 'GET', url: '/api/last_tested_repo?max_age=0&job_id=tempest' });

    expect(health.statusCode).toBe(200);
    expect((await store.getUser('ci-bot'))!.passwordHash).toMatch(/^\$scrypt\$/);
    expect(status.json<unknown[]>()).toHaveLength(2);
    expect(last.json()).toMatchObject({
      commit_hash: COMMIT_A,
      job_id: 'tempest',
      in_progress: true,
      success: false,
    });
  } finally {
    await app.close();
  }
}

describe('ferry import dlrn', () => {
  let dir: string;
  let sha512: string;
  let sqlitePath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-import-'));
    sha512 = await sha512Crypt('dlrn-password', 'dlrnsalt');
    sqlitePath = join(dir, 'commits.sqlite');
    createDlrnSqlite(sqlitePath, sha512);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads DLRN URLs as DLRN spells them', () => {
    expect(parseDlrnUrl('sqlite:///commits.sqlite', '/srv/dlrn')).toEqual({
      dialect: 'sqlite',
      path: '/srv/dlrn/commits.sqlite',
    });
    expect(parseDlrnUrl('sqlite:////var/lib/dlrn/commits.sqlite')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/dlrn/commits.sqlite',
    });
    expect(parseDlrnUrl('sqlite:/abs/c.db')).toEqual({ dialect: 'sqlite', path: '/abs/c.db' });
    expect(parseDlrnUrl('mysql+pymysql://dlrn:s%40cret@db.example.org/dlrn?charset=utf8')).toEqual({
      dialect: 'mysql',
      host: 'db.example.org',
      port: 3306,
      user: 'dlrn',
      password: 's@cret',
      database: 'dlrn',
    });
    expect(parseDlrnUrl('mysql://root@127.0.0.1:3307/x')).toMatchObject({
      port: 3307,
      user: 'root',
      password: '',
    });
    expect(() => parseDlrnUrl('postgres://x/y')).toThrow(FerryError);
    expect(() => parseDlrnUrl('mysql://host')).toThrow(/needs a host and a database name/);
    expect(() => parseDlrnUrl('sqlite://')).toThrow(/names no database file/);
  });

  it('imports a DLRN SQLite file into a PostgreSQL store, keeping ids, and the API serves it', async () => {
    const store = await openTestStore('postgres', { clock: () => NOW });
    try {
      const report = await importDlrn(store, `sqlite:///${sqlitePath}`, { now: NOW });

      await expectImported(store, report, sha512, true);
      await expectServed(store);
    } finally {
      await store.close();
    }
  });

  describe('from MariaDB', () => {
    let maria: MariadbTestDatabase;
    beforeAll(async () => {
      maria = await mariadbTestDatabase();
      await createDlrnMariadb(maria, sha512);
    });

    it('imports a DLRN MariaDB database (mysql+pymysql URL) into a SQLite store', async () => {
      const store = await openTestStore('sqlite', { clock: () => NOW });
      try {
        const url = `mysql+pymysql://${encodeURIComponent(maria.user)}:${encodeURIComponent(maria.password)}@${maria.host}:${maria.port}/${maria.database}`;
        const report = await importDlrn(store, url, { now: NOW, batchSize: 2 });

        expect(report.source).not.toContain(maria.password || '\u0000');
        await expectImported(store, report, sha512, false);
        await expectServed(store);
      } finally {
        await store.close();
      }
    });

    it('reports an unreachable server or a database that is not DLRN', async () => {
      const store = await openTestStore('sqlite');
      try {
        await expect(importDlrn(store, `mysql://${maria.user}@127.0.0.1:1/x`)).rejects.toThrow(
          /cannot read DLRN database/,
        );
        const empty = join(dir, 'empty.sqlite');
        await writeFile(empty, '');
        await expect(importDlrn(store, `sqlite:///${empty}`)).rejects.toThrow(/is not a DLRN database/);
        await expect(importDlrn(store, `sqlite:///${join(dir, 'missing.sqlite')}`)).rejects.toThrow(
          /cannot open DLRN database/,
        );
      } finally {
        await store.close();
      }
    });
  });

  it('refuses to import into a store that already has history, and writes nothing', async () => {
    const store = await openTestStore('sqlite');
    try {
      await store.recordCommit({
        projectName: 'x',
        commitHash: COMMIT_B,
        distroHash: DISTRO,
        status: 'SUCCESS',
      });

      await expect(importDlrn(store, `sqlite:///${sqlitePath}`)).rejects.toMatchObject({
        code: 'FERRY_CONFLICT',
      });
      expect(await store.listUsers()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('runs from the command line in a workspace (exit 1 with rows skipped, JSON report)', async () => {
    const workspace = join(dir, 'workspace');
    await rm(workspace, { recursive: true, force: true });
    await runFerry(['init', workspace]);
    const url = `sqlite:///${sqlitePath}`;

    const first = await runFerry(['import', 'dlrn', '--from', url, '--json'], { cwd: workspace });
    const again = await runFerry(['import', 'dlrn', '--from', url], { cwd: workspace });
    const badUrl = await runFerry(['import', 'dlrn', '--from', 'oracle://x'], { cwd: workspace });

    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({
      tables: { commits: { imported: 2 }, users: { imported: 1 } },
      problemCount: 3,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: the store already holds 2 builds/);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/unsupported DLRN database URL/);
  });
});
