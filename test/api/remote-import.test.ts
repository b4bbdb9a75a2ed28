import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import { checkImportedCommitYaml, RefusedImport } from '../../src/api/services/imported-commit.js';
import { indexImportedRpms } from '../../src/api/services/imported-snapshot.js';
import {
  dumpListOfMaps,
  commitYamlFields,
  renderCommitYaml,
  shardedCommitDir,
  snapshotDir,
  type SnapshotCommit,
} from '../../src/layout/index.js';
import { readRepodata } from '../../src/repo/index.js';
import { snapshotGaps } from '../../src/report/index.js';
import { FLAG_IMPORTED, type Store } from '../../src/store/index.js';
import { exec } from '../../src/util/exec.js';
import { openTestStore, TEST_DIALECTS } from '../helpers/databases.js';
import { runDnf } from '../helpers/dnf.js';
import { buildRpms, type BuiltRpm } from '../helpers/rpm-factory.js';
import { tempDir } from '../helpers/temp-dir.js';
import { hashOf, NOW, post, useApiFixture, type ApiFixture } from './api-fixture.js';

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

/** The artifacts field of a remote build: its files under the remote's snapshot path, as DLRN writes it. */
function artifactsOf(files: readonly BuiltRpm[]): string {
  return files.map((rpm) => `repos/re/mo/remote-dir/${rpm.fileName}`).join(',');
}

/** Every path under a directory (what must not change when an import is refused). */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort();
}

/** A refused import left nothing: no row of the package, no snapshot, nothing beside where it would go. */
async function nothingLeft(f: ApiFixture, commit: SnapshotCommit, before: readonly string[]): Promise<void> {
  expect(await f.store.findCommits({ project: commit.projectName, type: null })).toEqual([]);
  expect(await tree(f.reposDir)).toEqual(before);
}

/** remote/import from another instance, served over HTTP by a second ferry app (as DLRN serves its repos). */
describe('POST /api/remote/import', () => {
  const f = useApiFixture('sqlite');
  let remoteDir: string;
  let remoteStore: Store;
  let remote: FastifyInstance;
  let remoteBase: string;
  let rpms: BuiltRpm[];
  let other: BuiltRpm[];
  let changed: BuiltRpm[];

  /**
   * Publishes a snapshot on the remote side: the build's files and, as in any
   * DLRN snapshot, another package's RPM it links; repodata by createrepo_c
   * over all of them (unless `repodata: false`). Returns its URL.
   */
  async function publish(
    commit: SnapshotCommit,
    files: readonly BuiltRpm[],
    options: { readonly repodata?: boolean; readonly after?: (dir: string) => Promise<void> } = {},
  ): Promise<string> {
    const dir = snapshotDir(join(remoteDir, 'repos'), commit);
    await mkdir(dir, { recursive: true });
    for (const rpm of [...files, ...other]) await copyFile(rpm.path, join(dir, rpm.fileName));
    await writeFile(join(dir, 'commit.yaml'), renderCommitYaml(commit));
    await writeFile(join(dir, 'rpmbuild.log'), 'remote build log\n');
    if (options.repodata !== false) await exec('createrepo_c', ['--quiet', dir]);
    await options.after?.(dir);
    return `${remoteBase}/repos/${shardedCommitDir(commit)}`;
  }

  beforeAll(async () => {
    remoteDir = await mkdtemp(join(tmpdir(), 'ferry-remote-'));
    [rpms, other, changed] = await Promise.all([
      buildRpms([{ name: 'python-remote', version: '1.2.3', release: '0.1.el9' }], join(remoteDir, 'rpms'), {
        srpm: true,
      }),
      buildRpms([{ name: 'python-other', version: '2.0', release: '1.el9' }], join(remoteDir, 'other')),
      // Same file name as rpms[0], other content: what a snapshot changed after its repodata looks like.
      buildRpms(
        [{ name: 'python-remote', version: '1.2.3', release: '0.1.el9', summary: 'rebuilt' }],
        join(remoteDir, 'changed'),
      ),
    ]);
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

  it('imports a complete snapshot: the RPMs checked against its repodata, indexed here, recorded as imported (201)', async () => {
    const commit = remoteCommit({ artifacts: artifactsOf(rpms) });
    const url = await publish(commit, rpms);

    const res = await f.inject(post('/api/remote/import', { repo_url: url }));

    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ repo_url: url });
    const [imported] = await f.store.findCommits({ project: 'python-remote' });
    const local = `repos/${shardedCommitDir(commit)}`;
    const dir = join(f.dir, local);
    expect(imported).toMatchObject({
      commitHash: commit.commitHash,
      distroHash: commit.distroHash,
      status: 'SUCCESS',
      dtCommit: NOW - 100,
      dtBuild: NOW - 50,
      repoDir: null,
      flags: FLAG_IMPORTED,
      nvr: 'python-remote-1.2.3-0.1.el9',
      artifacts: rpms
        .map((rpm) => `${local}/${rpm.fileName}`)
        .sort()
        .join(','),
    });
    for (const rpm of rpms) expect(await readFile(join(dir, rpm.fileName))).toEqual(await readFile(rpm.path));
    // The other package the remote snapshot links is not imported, nor listed in the local repodata.
    const { packages } = await readRepodata(dir);
    expect(packages.map((p) => p.locationHref).sort()).toEqual(rpms.map((rpm) => rpm.fileName).sort());
    expect(await snapshotGaps(dir)).toEqual([]);
    const listed = await runDnf(
      [{ id: 'imported', path: dir }],
      ['repoquery', '--qf', '%{name}-%{version}\n'],
    );
    expect(listed.stdout.trim()).toBe('python-remote-1.2.3');
    expect(await readFile(join(dir, 'rpmbuild.log'), 'utf8')).toBe('remote build log\n');
    expect(await readFile(join(dir, 'commit.yaml'), 'utf8')).toBe(
      renderCommitYaml({ ...commit, ...imported!, dtCommit: NOW - 100, dtDistro: NOW - 100 }),
    );
  });

  it('refuses a SUCCESS snapshot claiming a future commit time, or without repodata, and leaves nothing (400)', async () => {
    const before = await tree(f.reposDir);
    const future = remoteCommit({
      commitHash: hashOf('future'),
      dtCommit: NOW + 3 * 86_400,
      artifacts: artifactsOf(rpms),
    });
    const bare = remoteCommit({ commitHash: hashOf('bare'), artifacts: artifactsOf(rpms) });

    const futureRes = await f.inject(
      post('/api/remote/import', { repo_url: await publish(future, rpms, { repodata: false }) }),
    );
    const bareRes = await f.inject(
      post('/api/remote/import', { repo_url: await publish(bare, rpms, { repodata: false }) }),
    );

    expect([futureRes.statusCode, bareRes.statusCode]).toEqual([400, 400]);
    expect(futureRes.json<{ message: string }>().message).toMatch(
      /^Remote import refused: .*commit\.yaml: dt_commit: 1700259200 is out of range \(unix seconds from 0 \(1970-01-01\) to 1700086400/,
    );
    expect(bareRes.json<{ message: string }>().message).toMatch(/no repodata\/repomd\.xml \(HTTP 404\)/);
    await nothingLeft(f, future, before);
  });

  it('refuses RPMs that are not what the repodata lists, or not listed at all (400), leaving nothing', async () => {
    const before = await tree(f.reposDir);
    // The RPM was replaced after createrepo_c ran: same name, other bytes.
    const stale = remoteCommit({ commitHash: hashOf('stale'), artifacts: artifactsOf(rpms) });
    const staleUrl = await publish(stale, rpms, {
      after: (dir) => copyFile(changed[0]!.path, join(dir, rpms[0]!.fileName)),
    });
    // commit.yaml names an RPM the repodata does not have (put there after createrepo_c ran).
    const extra = 'python-remote-extra-1.2.3-0.1.el9.noarch.rpm';
    const unlisted = remoteCommit({
      commitHash: hashOf('unlisted'),
      artifacts: `${artifactsOf(rpms)},repos/re/mo/remote-dir/${extra}`,
    });
    const unlistedUrl = await publish(unlisted, rpms, {
      after: (dir) => copyFile(changed[0]!.path, join(dir, extra)),
    });

    const staleRes = await f.inject(post('/api/remote/import', { repo_url: staleUrl }));
    const unlistedRes = await f.inject(post('/api/remote/import', { repo_url: unlistedUrl }));

    expect([staleRes.statusCode, unlistedRes.statusCode]).toEqual([400, 400]);
    expect(staleRes.json<{ message: string }>().message).toMatch(
      new RegExp(`${rpms[0]!.fileName.replace(/\./g, '\\.')} does not match the snapshot's repodata`),
    );
    expect(unlistedRes.json<{ message: string }>().message).toMatch(
      /is not listed in the snapshot's repodata/,
    );
    await nothingLeft(f, stale, before);
  });

  it('skips a commit older than the last build of its package, as DLRN', async () => {
    const newer = remoteCommit({
      commitHash: hashOf('newer'),
      dtCommit: NOW,
      dtDistro: NOW,
      artifacts: artifactsOf(rpms),
    });
    const older = remoteCommit({
      commitHash: hashOf('older'),
      dtCommit: NOW - 1000,
      dtDistro: NOW - 1000,
      artifacts: artifactsOf(rpms),
    });

    expect(
      (await f.inject(post('/api/remote/import', { repo_url: await publish(newer, rpms) }))).statusCode,
    ).toBe(201);
    const res = await f.inject(post('/api/remote/import', { repo_url: await publish(older, rpms) }));

    expect(res.statusCode).toBe(201);
    const builds = await f.store.findCommits({ project: 'python-remote' });
    expect(builds.map((c) => c.commitHash)).toEqual([newer.commitHash]);
  });

  it('replaces what an interrupted import left; never the directory of a build recorded here (409)', async () => {
    const leftover = remoteCommit({ commitHash: hashOf('leftover'), artifacts: artifactsOf(rpms) });
    await mkdir(snapshotDir(f.reposDir, leftover), { recursive: true });
    await writeFile(join(snapshotDir(f.reposDir, leftover), 'half.rpm'), 'half');
    // Newer than the import above: not skipped as older.
    const retried = remoteCommit({
      commitHash: hashOf('retried'),
      dtCommit: NOW - 10,
      dtDistro: NOW - 10,
      artifacts: artifactsOf(rpms),
    });
    await f.store.recordCommit({
      projectName: 'python-remote',
      commitHash: retried.commitHash,
      distroHash: retried.distroHash!,
      status: 'RETRY',
      dtCommit: NOW - 5000,
      dtDistro: NOW - 5000,
    });
    await mkdir(snapshotDir(f.reposDir, retried), { recursive: true });
    await writeFile(join(snapshotDir(f.reposDir, retried), 'rpmbuild.log'), 'retry log\n');

    const replaced = await f.inject(post('/api/remote/import', { repo_url: await publish(leftover, rpms) }));
    const refused = await f.inject(post('/api/remote/import', { repo_url: await publish(retried, rpms) }));

    expect(replaced.statusCode, replaced.body).toBe(201);
    expect((await readdir(snapshotDir(f.reposDir, leftover))).includes('half.rpm')).toBe(false);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ message: string }>().message).toMatch(
      /holds a RETRY build of python-remote recorded here/,
    );
    expect(await readdir(snapshotDir(f.reposDir, retried))).toEqual(['rpmbuild.log']);
    expect(await readdir(dirname(snapshotDir(f.reposDir, retried)))).toEqual([
      shardedCommitDir(retried).split('/').pop(),
    ]);
  });

  it('answers 400 for what is not an importable snapshot and 502 when the remote cannot be read, recording nothing', async () => {
    const before = await tree(f.reposDir);
    const missing = await f.inject(
      post('/api/remote/import', { repo_url: `${remoteBase}/repos/nothing/here` }),
    );
    const badYaml = remoteCommit({ commitHash: hashOf('bad-yaml') });
    const badYamlUrl = await publish(badYaml, [], {
      after: (dir) => writeFile(join(dir, 'commit.yaml'), 'commits: [oops'),
    });
    const yaml = await f.inject(post('/api/remote/import', { repo_url: badYamlUrl }));
    const evil = remoteCommit({ commitHash: hashOf('evil'), artifacts: 'repos/x/y/z/evil name;rm -rf.rpm' });
    const evilRes = await f.inject(post('/api/remote/import', { repo_url: await publish(evil, []) }));
    const unreachable = await f.inject(post('/api/remote/import', { repo_url: 'http://127.0.0.1:9/repo' }));

    expect([missing.statusCode, yaml.statusCode, evilRes.statusCode, unreachable.statusCode]).toEqual([
      400, 400, 400, 502,
    ]);
    expect(missing.json<{ message: string }>().message).toMatch(/no commit\.yaml there \(HTTP 404\)/);
    expect(yaml.json<{ message: string }>().message).toMatch(
      /commit\.yaml: line \d+, column \d+: invalid YAML/,
    );
    expect(evilRes.json<{ message: string }>().message).toMatch(/invalid artifact/);
    expect(unreachable.json<{ message: string }>().message).toMatch(/^Remote import failed: cannot fetch/);
    await nothingLeft(f, evil, before);
  });

  it('refuses URLs that are not http(s) (400)', async () => {
    const res = await f.inject(post('/api/remote/import', { repo_url: 'file:///etc/passwd' }));

    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ message: 'Invalid parameters: repo_url: expected an http or https URL' });
  });

  it('refuses a staged RPM that cannot be read, naming it', async () => {
    const dir = await tempDir('ferry-import-index-');
    await writeFile(join(dir, 'broken-1.0-1.noarch.rpm'), 'not an rpm at all');
    await copyFile(rpms[0]!.path, join(dir, rpms[0]!.fileName));
    const size = (name: string): Promise<number> => stat(join(dir, name)).then((s) => s.size);
    const saved = new Map([
      ['broken-1.0-1.noarch.rpm', { size: await size('broken-1.0-1.noarch.rpm'), digests: {} }],
      [rpms[0]!.fileName, { size: await size(rpms[0]!.fileName), digests: {} }],
    ]);

    const refused = await indexImportedRpms(dir, saved, 'http://remote/x').catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(RefusedImport);
    expect((refused as RefusedImport).problems).toEqual([
      expect.stringMatching(/^broken-1\.0-1\.noarch\.rpm is not a readable RPM: /),
    ]);
  });
});

/** A remote that serves one commit.yaml and nothing else (the commit.yaml is all the checks before any download read). */
function yamlServer(): { fetch: typeof fetch; serve(text: string | null, status?: number): void } {
  let body: string | null = null;
  let code = 200;
  return {
    serve(text, status = 200) {
      body = text;
      code = status;
    },
    fetch: (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/commit.yaml') && body !== null) {
        return Promise.resolve(new Response(body, { status: code }));
      }
      return Promise.resolve(new Response('not found', { status: 404 }));
    },
  };
}

const HEX = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 });
const WEIRD = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', 'None', '..', '../x', 'a/b', 'x\u0000y', ' ', '-rf', '.hidden', 'é'.repeat(300)),
);
const TIME = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: NOW + 86_400 }) },
  fc.integer({ min: NOW + 86_401, max: 2 ** 40 }),
  fc.integer({ min: -(2 ** 40), max: -1 }),
  fc.constantFrom(Number.NaN, Infinity, 1e300, 0.5, NOW + 0.25),
);
const FIELD = fc.oneof(WEIRD, fc.integer().map(String), fc.constant('None'));

/** A commit.yaml field map: mostly well-formed, each field possibly replaced by something arbitrary. */
const yamlFields = fc
  .record({
    base: fc.record({
      commitHash: HEX,
      distroHash: HEX,
      dtCommit: TIME,
      dtDistro: TIME,
      dtBuild: TIME,
      projectName: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('python-remote', 'python-foo') },
        { weight: 1, arbitrary: WEIRD },
      ),
      status: fc.constantFrom('SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'RETRY', 'success', 'None'),
      artifacts: fc.oneof(
        { weight: 6, arbitrary: fc.constant('repos/a/b/c/python-remote-1.0-1.noarch.rpm') },
        fc.array(WEIRD, { maxLength: 3 }).map((a) => a.join(',')),
        fc.constant('None'),
      ),
    }),
    overrides: fc.oneof(
      { weight: 2, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.dictionary(
          fc.constantFrom(
            'id',
            'type',
            'component',
            'extended_hash',
            'commit_branch',
            'notes',
            'flags',
            'dt_extended',
            'repo_dir',
            'versions_csv',
            'commit_hash',
            'distro_hash',
          ),
          FIELD,
          { maxKeys: 3 },
        ),
      },
    ),
  })
  .map(({ base, overrides }) => ({
    ...commitYamlFields(
      remoteCommit({
        commitHash: base.commitHash,
        distroHash: base.distroHash,
        projectName: base.projectName,
        status: base.status as SnapshotCommit['status'],
        artifacts: base.artifacts,
      }),
    ),
    dt_commit: String(base.dtCommit),
    dt_distro: String(base.dtDistro),
    dt_build: String(base.dtBuild),
    ...overrides,
  }));

/** Whole commit.yaml texts: DLRN's rendering of generated fields, several commits, or anything at all. */
const commitYamlText = fc.oneof(
  { weight: 6, arbitrary: yamlFields.map((fields) => dumpListOfMaps('commits', [fields])) },
  {
    weight: 1,
    arbitrary: fc.array(yamlFields, { maxLength: 3 }).map((all) => dumpListOfMaps('commits', all)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify({ commits: value })) },
);

describe('checkImportedCommitYaml (generated commit.yaml contents)', () => {
  it('refuses with RefusedImport or accepts only a sane build: full hashes, safe names, times in range', () => {
    fc.assert(
      fc.property(commitYamlText, (text) => {
        let accepted: ReturnType<typeof checkImportedCommitYaml>;
        try {
          accepted = checkImportedCommitYaml(text, 'http://remote/x/commit.yaml', NOW);
        } catch (error) {
          expect(error).toBeInstanceOf(RefusedImport);
          expect((error as RefusedImport).problems.length).toBeGreaterThan(0);
          return;
        }
        const { commit, rpms } = accepted;
        expect(commit.commitHash).toMatch(/^[0-9a-f]{40}$/);
        expect(commit.distroHash).toMatch(/^[0-9a-f]{40}$/);
        expect(['SUCCESS', 'FAILED']).toContain(commit.status);
        for (const time of [commit.dtCommit, commit.dtDistro, commit.dtBuild!]) {
          expect(time).toBeGreaterThanOrEqual(0);
          expect(time).toBeLessThanOrEqual(NOW + 86_400);
        }
        expect(commit.projectName).toMatch(/^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/);
        for (const name of rpms) expect(name).toMatch(/^[A-Za-z0-9_+][A-Za-z0-9._+-]*\.rpm$/);
        expect(rpms.length > 0).toBe(commit.status === 'SUCCESS');
      }),
      { numRuns: 2000 },
    );
  });
});

describe.each(TEST_DIALECTS)('POST /api/remote/import with generated input on %s', (dialect) => {
  const remote = yamlServer();
  const f = useApiFixture(dialect, { fetch: remote.fetch });

  it('never answers 5xx; changes nothing for a commit.yaml it refuses, records only a sound import', async () => {
    await fc.assert(
      fc.asyncProperty(commitYamlText, async (text) => {
        remote.serve(text);
        const rows = await f.store.findCommits({ type: null });
        const files = await tree(f.reposDir);

        const res = await f.inject(
          post('/api/remote/import', { repo_url: 'http://remote.example/repos/aa/bb/x' }),
        );

        // This remote serves no repodata: a SUCCESS is always refused, a FAILED build
        // (logs only) may be imported, and an older one is skipped.
        expect([201, 400]).toContain(res.statusCode);
        const after = await f.store.findCommits({ type: null });
        const added = after.filter((row) => !rows.some((old) => old.id === row.id));
        if (res.statusCode === 400) {
          expect(res.json<{ message: string }>().message).toMatch(/^Remote import refused: /);
          expect(after).toEqual(rows);
          expect(await tree(f.reposDir)).toEqual(files);
          return;
        }
        expect(added.length).toBeLessThanOrEqual(1);
        const expected = [...files];
        for (const row of added) {
          expect(row).toMatchObject({ status: 'FAILED', flags: FLAG_IMPORTED, artifacts: null });
          const parts = shardedCommitDir(row).split('/');
          for (let i = 1; i <= parts.length; i++) expected.push(parts.slice(0, i).join('/'));
          expected.push(`${shardedCommitDir(row)}/commit.yaml`);
        }
        expect(await tree(f.reposDir)).toEqual([...new Set(expected)].sort());
      }),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx for generated payloads, and a remote error is a 502', async () => {
    remote.serve(null);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), fc.webUrl(), fc.string()).map((url) => ({ repo_url: url })),
        async (payload) => {
          const res = await f.inject(post('/api/remote/import', payload));

          expect(res.statusCode).toBe(400);
        },
      ),
      { numRuns: 150 },
    );
    remote.serve('whatever', 503);
    const res = await f.inject(post('/api/remote/import', { repo_url: 'http://remote.example/x' }));
    expect(res.statusCode).toBe(502);
    expect(await f.store.findCommits({ project: 'python-remote', type: null })).toEqual([]);
  });
});
