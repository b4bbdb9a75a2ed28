import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { dnfPackageReport } from '../../test/helpers/dnf.js';
import type { BuiltRpm } from '../../test/helpers/rpm-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { buildCorpus } from '../../test/repo/fixture-corpus.js';
import { readRpmFile } from '../rpm/rpm-file-reader.js';
import { exec } from '../util/exec.js';
import { decompressMetadata } from './decompress.js';
import { indexRepository } from './repo-index.js';
import { readRepodata, readRepomd } from './repodata-reader.js';
import type { MetadataKind } from './repodata-xml.js';
import { renderRepomd, type RepomdRecord } from './repomd.js';

/** createrepo_c >= 1.1.1 marks Requires(pretrans/posttrans) as pre; older ones (Debian's 0.17) do not. */
async function createrepoMarksTransactionPre(): Promise<boolean> {
  const { stdout } = await exec('createrepo_c', ['--version']);
  const [major = 0, minor = 0, patch = 0] = (/(\d+)\.(\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
  return major > 1 || (major === 1 && (minor > 1 || (minor === 1 && patch >= 1)));
}

/** The uncompressed text of one metadata file of a repository. */
async function metadataText(repo: string, kind: MetadataKind): Promise<string> {
  const repomd = await readRepomd(repo);
  const record = repomd.records.find((r) => r.type === kind)!;
  const path = join(repo, record.href);
  return (await decompressMetadata(await readFile(path), path)).toString('utf8');
}

let work: string;
let ferryRepo: string;
let crRepo: string;
let built: BuiltRpm[];
let transactionRequiresArePre: boolean;

beforeAll(async () => {
  work = await tempDir('ferry-repodata-compat-');
  ferryRepo = join(work, 'ferry');
  crRepo = join(work, 'createrepo');
  transactionRequiresArePre = await createrepoMarksTransactionPre();
  built = await buildCorpus(ferryRepo);
  // Same files, links and mtimes for createrepo_c.
  await exec('cp', ['-a', ferryRepo, crRepo]);
  await exec('createrepo_c', ['--no-database', '--quiet', crRepo]);
  const result = await indexRepository(ferryRepo, {
    rules: { transactionRequiresArePre },
  });
  expect(result.written).toBe(true);
});

describe('ferry repo index against createrepo_c on the fixture corpus', () => {
  it.each(['primary', 'filelists', 'other'] as const)(
    'writes %s.xml byte for byte as createrepo_c',
    async (kind) => {
      const ours = await metadataText(ferryRepo, kind);
      const theirs = await metadataText(crRepo, kind);

      expect(ours).toEqual(theirs);
    },
  );

  it('declares the same open checksums and sizes in repomd.xml', async () => {
    const pick = async (repo: string) =>
      (await readRepomd(repo)).records
        .filter((r) => ['primary', 'filelists', 'other'].includes(r.type))
        .map((r) => ({ type: r.type, open: r.openChecksum, openSize: r.openSize }))
        .sort((a, b) => a.type.localeCompare(b.type));

    expect(await pick(ferryRepo)).toEqual(await pick(crRepo));
  });

  it('indexes every rpm of the tree, links and subdirectories included', async () => {
    const { packages } = await readRepodata(ferryRepo);

    const hrefs = packages.map((p) => p.locationHref).sort();
    expect(hrefs).toContain('SRPMS/alpha-1.4.2-3.el9.src.rpm');
    expect(hrefs).toContain('sub/deeper/gamma-doc-0.1^git20240101.abc-7.noarch.rpm');
    expect(hrefs).toContain('epsilon-10.0.0-0.20240101.git1234abc.el9.noarch.rpm');
    expect(hrefs).toContain('elsewhere/epsilon-10.0.0-0.20240101.git1234abc.el9.noarch.rpm');
    expect(packages).toHaveLength(built.length + 1);
  });

  it('parses to the same package models as createrepo_c metadata', async () => {
    const ours = await readRepodata(ferryRepo);
    const theirs = await readRepodata(crRepo);

    expect(ours.packages).toEqual(theirs.packages);
  });

  it('reads each .rpm into the model its repodata entry parses back to', async () => {
    const { packages } = await readRepodata(crRepo);

    for (const entry of packages) {
      const direct = await readRpmFile(join(crRepo, entry.locationHref), {
        locationHref: entry.locationHref,
        changelogLimit: 10,
        transactionRequiresArePre,
      });
      expect(direct).toEqual(entry);
    }
  });

  it('makes dnf see the same packages, dependencies and files as createrepo_c metadata', async () => {
    const ours = await dnfPackageReport([{ id: 'ferry', path: ferryRepo }]);
    const theirs = await dnfPackageReport([{ id: 'ferry', path: crRepo }]);

    expect(ours).toContain('alpha-2:1.4.2-3.el9.noarch');
    expect(ours).toContain('(beta >= 1.0 or gamma)');
    expect(ours).toEqual(theirs);
  });

  it('decides pre-requires, dropped requires and libc versions as createrepo_c does', async () => {
    const { packages } = await readRepodata(ferryRepo);
    const alpha = packages.find((p) => p.name === 'alpha' && p.arch === 'noarch')!;

    const names = alpha.requires.map((d) => `${d.name}${d.pre ? ' (pre)' : ''}`);
    expect(names).not.toContain('/usr/bin/alpha');
    expect(names).not.toContain('alpha-api');
    expect(names).toContain('/usr/share/alpha/data.txt');
    expect(names).toContain('/usr/sbin/useradd (pre)');
    expect(names).toContain('systemd (pre)');
    expect(names.filter((n) => n.startsWith('libc.so.6'))).toEqual(['libc.so.6(GLIBC_2.17)']);
    expect(names.some((n) => n.startsWith('rpmlib('))).toBe(false);
  });
});

describe('reading metadata compressed other ways', () => {
  it('reads xz metadata written by createrepo_c into the same packages', async () => {
    const copy = join(work, 'cr-xz');
    await exec('cp', ['-a', crRepo, copy]);
    await exec('createrepo_c', ['--no-database', '--quiet', '--general-compress-type=xz', copy]);

    const names = await readdir(join(copy, 'repodata'));
    expect(names.some((n) => n.endsWith('-primary.xml.xz'))).toBe(true);
    const { packages } = await readRepodata(copy);
    expect(packages).toEqual((await readRepodata(crRepo)).packages);
  });

  it('reads zstd and plain metadata (compressed by the zstd tool) into the same packages', async () => {
    // Debian's createrepo_c 0.17 cannot write zstd: recompress its files with the reference zstd tool.
    const copy = join(work, 'cr-zst');
    await exec('mkdir', ['-p', join(copy, 'repodata')]);
    const records: RepomdRecord[] = [];
    for (const [kind, tool] of [
      ['primary', 'zstd'],
      ['filelists', 'zstd'],
      ['other', 'none'],
    ] as const) {
      const plain = Buffer.from(await metadataText(crRepo, kind), 'utf8');
      const plainPath = join(work, `${kind}.xml`);
      await writeFile(plainPath, plain);
      if (tool === 'zstd') await exec('zstd', ['-q', '-f', plainPath, '-o', `${plainPath}.zst`]);
      const data = tool === 'zstd' ? await readFile(`${plainPath}.zst`) : plain;
      const sum = createHash('sha256').update(data).digest('hex');
      const href = `repodata/${sum}-${kind}.xml${tool === 'zstd' ? '.zst' : ''}`;
      await writeFile(join(copy, href), data);
      const open = createHash('sha256').update(plain).digest('hex');
      records.push({
        type: kind,
        checksum: { type: 'sha256', value: sum },
        openChecksum: { type: 'sha256', value: open },
        href,
      });
    }
    await writeFile(join(copy, 'repodata', 'repomd.xml'), renderRepomd({ revision: '1', records }));

    const { packages } = await readRepodata(copy);
    expect(packages).toEqual((await readRepodata(crRepo)).packages);
  });
});
