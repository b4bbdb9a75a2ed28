import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { FerryError } from '../errors.js';
import { readRepodata } from './repodata-reader.js';
import { renderRepomd } from './repomd.js';

/** createrepo_c's own test repositories (see ../shared/data/repodata/SOURCES.md). */
const DATA = resolve(PROJECT_ROOT, '../shared/data/repodata');
const haveData = existsSync(DATA);
if (!haveData) console.log(`skipped: createrepo_c test repositories: ${DATA} is absent`);

describe.runIf(haveData)('reading createrepo_c test repositories', () => {
  it('reads an empty repository and says that zchunk records were ignored', async () => {
    const { packages, notes } = await readRepodata(join(DATA, 'repo_00'));

    expect(packages).toEqual([]);
    expect(notes).toEqual([
      'zchunk records ignored (primary_zck, filelists_zck, other_zck); their gzip/xz/zstd twins were read',
    ]);
  });

  it('reads packages, dependencies with pre, files and changelogs', async () => {
    const { packages } = await readRepodata(join(DATA, 'repo_02'));

    expect(packages.map((p) => `${p.name}-${p.version}-${p.release}.${p.arch}`)).toEqual([
      'fake_bash-1.1.1-1.x86_64',
      'super_kernel-6.0.1-2.x86_64',
    ]);
    const kernel = packages[1]!;
    expect(kernel.requires).toContainEqual({
      name: 'bzip2',
      flags: 'GE',
      epoch: '0',
      version: '1.0.0',
      pre: true,
    });
    expect(kernel.provides).toContainEqual({
      name: 'super_kernel',
      flags: 'EQ',
      epoch: '0',
      version: '6.0.0',
    });
    expect(kernel.conflicts).toContainEqual({
      name: 'super_kernel',
      flags: 'LT',
      epoch: '0',
      version: '4.0.0',
    });
    expect(kernel.obsoletes).toEqual([
      { name: 'kernel' },
      { name: 'super_kernel', flags: 'EQ', epoch: '0', version: '5.9.0' },
    ]);
    expect(packages[0]!.changelogs).toEqual([
      { author: 'Tomas Mlcoch <tmlcoch@redhat.com> - 1.1.1-1', date: 1334664000, text: '- First release' },
    ]);
    expect(packages[0]!.files.length).toBeGreaterThan(0);
  });

  it('reads koji repositories with hrefs in subdirectories', async () => {
    const { packages } = await readRepodata(join(DATA, 'repo_koji_01'));

    expect(packages.map((p) => p.locationHref)).toEqual([
      'pkgs/dwm-6.1-6.fc27.x86_64.rpm',
      'pkgs/dwm-6.1-7.fc28.x86_64.rpm',
    ]);
    expect(packages[0]!.requires.at(-1)).toEqual({ name: 'libc.so.6(GLIBC_2.4)(64bit)' });
    expect(packages[0]!.headerStart).toBe(4424);
    expect(packages[0]!.description).toContain('\n');
  });

  it('ignores filelists-ext next to filelists', async () => {
    const { packages } = await readRepodata(join(DATA, 'repo_04'));

    expect(packages).toHaveLength(2);
  });

  it('reports the primary file whose checksum does not match repomd.xml', async () => {
    const repo = join(DATA, 'repo_01');

    const error = await readRepodata(repo).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(FerryError);
    expect(error).toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      file: join(
        repo,
        'repodata/6c662d665c24de9a0f62c17d8fa50622307739d7376f0d19097ca96c6d7f5e3e-primary.xml.gz',
      ),
    });
    expect((error as FerryError).message).toMatch(
      /^checksum mismatch: repomd\.xml declares sha256 6c662d66\w+, the file has (?!6c662d66)[0-9a-f]{64}$/,
    );
    // Without verification it reads, which shows the mismatch is the only problem.
    expect((await readRepodata(repo, { verify: false })).packages).toHaveLength(1);
  });
});

describe('broken metadata', () => {
  async function repoWithPrimary(xml: string): Promise<string> {
    const dir = await tempDir('ferry-repodata-bad-');
    await mkdir(join(dir, 'repodata'));
    await writeFile(join(dir, 'repodata', 'primary.xml'), xml);
    await writeFile(
      join(dir, 'repodata', 'repomd.xml'),
      renderRepomd({
        revision: '1',
        records: [
          { type: 'primary', checksum: { type: 'sha256', value: '0' }, href: 'repodata/primary.xml' },
        ],
      }),
    );
    return dir;
  }

  it('points at the line and column of malformed XML', async () => {
    const dir = await repoWithPrimary(
      '<?xml version="1.0"?>\n<metadata packages="1">\n<package type="rpm">\n  <name>x</name>\n  <version epoch=0/>\n',
    );

    await expect(readRepodata(dir, { verify: false, filelists: false, other: false })).rejects.toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      file: join(dir, 'repodata/primary.xml'),
      line: 5,
      column: 18,
      message: 'attribute epoch of <version> is not quoted',
    });
  });

  it('refuses a repomd.xml without primary, and a missing file, with clear errors', async () => {
    const dir = await tempDir('ferry-repodata-missing-');
    await mkdir(join(dir, 'repodata'));
    await writeFile(join(dir, 'repodata', 'repomd.xml'), renderRepomd({ revision: '1', records: [] }));

    await expect(readRepodata(dir)).rejects.toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      message: 'repomd.xml has no "primary" record',
    });
    await expect(readRepodata(join(dir, 'nothing-here'))).rejects.toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      file: join(dir, 'nothing-here/repodata/repomd.xml'),
    });
  });

  it('refuses metadata files outside the repository', async () => {
    const dir = await tempDir('ferry-repodata-escape-');
    await mkdir(join(dir, 'repodata'));
    await writeFile(
      join(dir, 'repodata', 'repomd.xml'),
      renderRepomd({
        revision: '1',
        records: [{ type: 'primary', checksum: { type: 'sha256', value: '0' }, href: '../../etc/passwd' }],
      }),
    );

    await expect(readRepodata(dir, { filelists: false, other: false })).rejects.toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      message: 'repomd.xml names a file outside the repository: ../../etc/passwd',
    });
  });
});
