import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { FerryError } from '../errors.js';
import { exec } from '../util/exec.js';
import {
  assertLabelName,
  listLabels,
  nvrFromArtifacts,
  parseVersionsCsv,
  readAggregateHash,
  readLabel,
  removeStaleAsideFiles,
  renderDeloreanRepo,
  renderVersionsCsv,
  shardedCommitDir,
  snapshotDir,
  snapshotName,
  switchLabel,
  VERSIONS_CSV_HEADER,
  writeAggregateRepo,
  type VersionsRow,
} from './index.js';

const COMMIT = '3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a';
const DISTRO = '024e24f0cf4366c2290c22f24e42de714d1addd1';

describe('shardedCommitDir', () => {
  it('follows DLRN getshardedcommitdir (test_db.py cases)', () => {
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: DISTRO })).toBe(`3a/93/${COMMIT}_024e24f0`);
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: null })).toBe(`3a/93/${COMMIT}`);
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: DISTRO, extendedHash: 'abc' })).toBe(
      `3a/93/${COMMIT}_024e24f0_abc`,
    );
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: DISTRO, extendedHash: 'abcdef123456' })).toBe(
      `3a/93/${COMMIT}_024e24f0_abcdef12`,
    );
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: DISTRO, component: 'foo' })).toBe(
      `component/foo/3a/93/${COMMIT}_024e24f0`,
    );
    expect(shardedCommitDir({ commitHash: COMMIT, distroHash: DISTRO, component: 'None' })).toBe(
      `3a/93/${COMMIT}_024e24f0`,
    );
  });

  it('uses both prefixes of a dual extended hash', () => {
    const dual = `${'a'.repeat(40)}_${'b'.repeat(40)}`;

    expect(snapshotName({ commitHash: COMMIT, distroHash: DISTRO, extendedHash: dual })).toBe(
      `${COMMIT}_024e24f0_aaaaaaaa_bbbbbbbb`,
    );
  });

  it('rejects hashes and components that would escape repos/', () => {
    expect(() => shardedCommitDir({ commitHash: '../../etc' })).toThrow(FerryError);
    expect(() => shardedCommitDir({ commitHash: COMMIT, distroHash: 'a/b' })).toThrow(/invalid distro hash/);
    expect(() => shardedCommitDir({ commitHash: COMMIT, component: '../x' })).toThrow(
      /invalid component name/,
    );
  });
});

describe('labels', () => {
  it('validates label names', () => {
    expect(assertLabelName('tripleo-ci-testing')).toBe('tripleo-ci-testing');
    for (const bad of ['', '../x', 'a/b', '.hidden', 'component', '3a', 'report.html', '-x']) {
      expect(() => assertLabelName(bad), bad).toThrow(FerryError);
    }
  });

  it('switches a relative symlink atomically and reads it back', async () => {
    const repos = await tempDir();
    const first = { commitHash: COMMIT, distroHash: DISTRO };
    const second = { commitHash: 'bb' + COMMIT.slice(2), distroHash: DISTRO };
    await mkdir(snapshotDir(repos, first), { recursive: true });
    await mkdir(snapshotDir(repos, second), { recursive: true });

    await switchLabel(repos, 'current', first);
    await switchLabel(repos, 'current', second);

    expect(await readlink(join(repos, 'current'))).toBe(shardedCommitDir(second));
    expect(await readLabel(repos, 'current')).toEqual({
      label: 'current',
      component: null,
      target: shardedCommitDir(second),
      dir: snapshotDir(repos, second),
      name: snapshotName(second),
    });
    expect((await listLabels(repos)).map((l) => l.label)).toEqual(['current']);
    expect(await readLabel(repos, 'consistent')).toBeNull();
  });

  it('keeps component labels under repos/component/<c>, relative to it', async () => {
    const repos = await tempDir();
    const ref = { commitHash: COMMIT, distroHash: DISTRO, component: 'tripleo' };
    await mkdir(snapshotDir(repos, ref), { recursive: true });

    await switchLabel(repos, 'consistent', ref);

    expect(await readlink(join(repos, 'component/tripleo/consistent'))).toBe(`3a/93/${COMMIT}_024e24f0`);
    expect((await readLabel(repos, 'consistent', 'tripleo'))?.dir).toBe(snapshotDir(repos, ref));
  });

  it('refuses to point a label at a snapshot that does not exist', async () => {
    const repos = await tempDir();

    await expect(switchLabel(repos, 'current', { commitHash: COMMIT })).rejects.toMatchObject({
      code: 'FERRY_NOT_FOUND',
    });
  });

  it('removes the leftovers of a killed label switch, keeping those of live processes', async () => {
    const repos = await tempDir();
    await symlink('x', join(repos, '.current.999999.0badbeef.tmp'));
    await writeFile(join(repos, `.current.${process.pid}.0badbeef.tmp`), '');

    const removed = await removeStaleAsideFiles(repos);

    expect(removed).toEqual(['.current.999999.0badbeef.tmp']);
    expect(await lstat(join(repos, `.current.${process.pid}.0badbeef.tmp`))).toBeTruthy();
  });
});

describe('delorean.repo and versions.csv', () => {
  it('writes delorean.repo as DLRN post_build_rpm', () => {
    const input = {
      projectName: 'foo',
      commitHash: COMMIT,
      baseurl: 'http://h/repos',
      shardedDir: '3a/93/x',
    };

    expect(renderDeloreanRepo(input)).toBe(
      `[delorean]\nname=delorean-foo-${COMMIT}\nbaseurl=http://h/repos/3a/93/x\nenabled=1\ngpgcheck=0\npriority=1\n`,
    );
    expect(renderDeloreanRepo({ ...input, component: 'tripleo' })).toMatch(
      /^\[delorean-component-tripleo\]\n/,
    );
  });

  it('round-trips versions.csv with None for missing values', () => {
    const rows: VersionsRow[] = [
      {
        project: 'openstack-ironic',
        sourceRepo: 'https://opendev.org/openstack/ironic',
        sourceSha: COMMIT,
        distRepo: 'https://github.com/rdo-packages/ironic-distgit.git',
        distSha: DISTRO,
        status: 'SUCCESS',
        lastSuccessTimestamp: 1671133807,
        component: null,
        extendedSha: null,
        nvr: 'openstack-ironic-21.1.1-0.20230110104845.0689564.el9',
      },
    ];

    const text = renderVersionsCsv(rows);

    expect(text).toBe(
      `${VERSIONS_CSV_HEADER}\nopenstack-ironic,https://opendev.org/openstack/ironic,${COMMIT},` +
        `https://github.com/rdo-packages/ironic-distgit.git,${DISTRO},SUCCESS,1671133807,None,None,` +
        'openstack-ironic-21.1.1-0.20230110104845.0689564.el9\n',
    );
    expect(parseVersionsCsv(text)).toEqual(rows);
    expect(() => parseVersionsCsv(`${VERSIONS_CSV_HEADER}\na,b\n`, 'v.csv')).toThrow(/expected 10 fields/);
  });

  it('takes the NVR from the source rpm of an artifact list', () => {
    expect(nvrFromArtifacts(['repos/a/b/c/foo-1.0-1.noarch.rpm', 'repos/a/b/c/foo-1.0-1.src.rpm'])).toBe(
      'foo-1.0-1',
    );
    expect(nvrFromArtifacts([])).toBe('');
  });
});

describe('writeAggregateRepo', () => {
  it('joins component labels as DLRN aggregate_repo_files, md5 from the system tool', async () => {
    const repos = await tempDir();
    const refs = [
      { commitHash: COMMIT, distroHash: DISTRO, component: 'tripleo' },
      { commitHash: 'cc' + COMMIT.slice(2), distroHash: DISTRO, component: 'baremetal' },
    ];
    for (const ref of refs) {
      const dir = snapshotDir(repos, ref);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'delorean.repo'), `[delorean-component-${ref.component}]\nx=1\n`);
      await writeFile(join(dir, 'versions.csv'), `${VERSIONS_CSV_HEADER}\n${ref.component}-row\n`);
      await switchLabel(repos, 'current', ref);
    }

    const result = await writeAggregateRepo(repos, 'current', ['tripleo', 'baremetal', 'compute']);

    const repoText = await readFile(join(repos, 'current/delorean.repo'), 'utf8');
    expect(repoText).toBe('[delorean-component-baremetal]\nx=1\n\n[delorean-component-tripleo]\nx=1\n\n');
    const { stdout } = await exec('md5sum', [join(repos, 'current/delorean.repo')]);
    expect(result.hash).toBe(stdout.split(' ')[0]);
    expect(await readFile(join(repos, 'current/delorean.repo.md5'), 'utf8')).toBe(result.hash);
    expect(await readAggregateHash(repos, 'current')).toBe(result.hash);
    expect(await readlink(join(repos, 'current/delorean.repo'))).toBe(
      `${result.hash.slice(0, 2)}/${result.hash.slice(2, 4)}/${result.hash}/delorean.repo`,
    );
    expect(await readFile(join(repos, 'current/versions.csv'), 'utf8')).toBe(
      `${VERSIONS_CSV_HEADER}\nbaremetal-row\ntripleo-row\n`,
    );
    expect(result.components).toEqual(['baremetal', 'tripleo']);
  });
});
