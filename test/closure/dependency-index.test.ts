/**
 * The dependency index ferry writes beside its repodata: what it holds
 * equals what the XML says, closure over it equals closure over the XML,
 * incremental updates keep it current, and repodata rewritten by another
 * tool (createrepo_c --update --keep-all-metadata keeps the record, with a
 * new primary) or a damaged index file is detected and the XML read instead.
 */
import { link, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { indexContentFromParts } from '../../src/closure/dependency-index-extension.js';
import {
  DEPENDENCY_INDEX_TYPE,
  decodeDependencyIndex,
  dependencyIndexExtension,
  encodeDependencyIndex,
  encodePackagePart,
  loadRepo,
  parseRepoSpec,
  repoClosure,
  repoPackagesFromModels,
  type RepoPackages,
} from '../../src/closure/index.js';
import { indexRepository, readRepomd, updateRepodata } from '../../src/repo/index.js';
import { readRpmFile } from '../../src/rpm/rpm-file-reader.js';
import { exec } from '../../src/util/exec.js';
import { buildRpms, type BuiltRpm } from '../helpers/rpm-factory.js';
import { tempDir } from '../helpers/temp-dir.js';
import { pairsOf } from './dnf-repoclosure.js';
import { partRecords } from './part-records.js';

let work: string;
let rpms: BuiltRpm[];
let extra: BuiltRpm[];

beforeAll(async () => {
  work = await tempDir('ferry-closure-index-');
  [rpms, extra] = await Promise.all([
    buildRpms(
      [
        {
          name: 'ix-lib',
          version: '1.0',
          release: '1',
          provides: ['ix-api = 2', 'ix(été) = 1'],
          files: [
            { path: '/usr/bin/ix' },
            { path: '/usr/share/ix/only-in-filelists.txt' },
            { path: '/usr/share/ix', kind: 'dir' },
          ],
        },
        {
          name: 'ix-app',
          version: '2.0',
          release: '3',
          epoch: 1,
          arch: 'x86_64',
          requires: ['ix-api >= 3', '/usr/share/ix/only-in-filelists.txt', '(ix-lib with ix-api)', 'ix-gone'],
          subpackages: [{ name: 'ix-app-doc', arch: 'noarch', requires: ['ix-app = 1:2.0-3'] }],
        },
      ],
      join(work, 'rpms'),
    ),
    buildRpms(
      [
        {
          name: 'ix-gone',
          version: '1',
          release: '1',
          provides: ['ix-api = 3'],
          requires: ['ix-newly-missing'],
        },
      ],
      join(work, 'extra'),
    ),
  ]);
}, 600_000);

async function repoOf(name: string, packages: readonly BuiltRpm[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const rpm of packages) await link(rpm.path, join(dir, rpm.fileName));
  return dir;
}

function table(p: RepoPackages): unknown {
  const s = (id: number): string | null => (id < 0 ? null : p.strings[id]!);
  return Array.from({ length: p.count }, (_, i) => ({
    nevra: `${s(p.name[i]!)}-${s(p.evr[i]!)}.${s(p.arch[i]!)}`,
    provides: Array.from({ length: p.provStart[i + 1]! - p.provStart[i]! }, (_, k) => {
      const e = p.provStart[i]! + k;
      return [s(p.provName[e]!), p.provFlags[e], s(p.provEvr[e]!)];
    }),
    requires: Array.from({ length: p.reqStart[i + 1]! - p.reqStart[i]! }, (_, k) => {
      const e = p.reqStart[i]! + k;
      return [s(p.reqName[e]!), p.reqFlags[e], s(p.reqEvr[e]!)];
    }),
  }));
}

async function closurePairs(dir: string, useIndex: boolean) {
  const report = await repoClosure({ repos: [parseRepoSpec(`r,${dir}`)], useIndex, systemArch: 'x86_64' });
  return { pairs: pairsOf(report), source: report.repos[0]!.source };
}

describe('dependency index', () => {
  it('holds what primary and filelists hold, and answers file owner lookups the same', async () => {
    const dir = await repoOf('same', rpms);
    await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
    const spec = parseRepoSpec(`r,${dir}`);

    const fromIndex = await loadRepo(spec);
    const fromXml = await loadRepo(spec, { useIndex: false });

    expect(fromIndex.source).toBe('index');
    expect(fromXml.source).toBe('xml');
    expect(table(fromIndex.packages)).toEqual(table(fromXml.packages));
    const paths = [
      '/usr/bin/ix',
      '/usr/share/ix/only-in-filelists.txt',
      '/usr/share/ix',
      '/usr/share/nothing',
      '/usr',
    ];
    const [a, b] = await Promise.all([
      fromIndex.packages.files.owners(paths),
      fromXml.packages.files.owners(paths),
    ]);
    expect([...a].sort()).toEqual([...b].sort());
    expect(a.size).toBe(3);
  });

  it('gives the same closure as the XML', async () => {
    const dir = await repoOf('closure', rpms);
    await indexRepository(dir, { extensions: [dependencyIndexExtension()] });

    const index = await closurePairs(dir, true);
    const xml = await closurePairs(dir, false);

    expect(index.source).toBe('index');
    expect(index.pairs).toEqual(xml.pairs);
    expect(index.pairs.map((p) => p.dependency)).toEqual(['ix-api >= 3', 'ix-gone']);
  });

  it('is rewritten by incremental updates', async () => {
    const dir = await repoOf('update', [...rpms, ...extra]);
    await indexRepository(join(dir), { extensions: [dependencyIndexExtension()] });
    const gone = extra[0]!.fileName;

    const before = await closurePairs(dir, true);
    await updateRepodata({ repoDir: dir, remove: [gone], extensions: [dependencyIndexExtension()] });
    const after = await closurePairs(dir, true);
    const afterXml = await closurePairs(dir, false);

    expect(before.pairs.map((p) => `${p.package} ${p.dependency}`)).toEqual([
      'ix-gone-1-1.noarch ix-newly-missing',
    ]);
    expect(after.source).toBe('index');
    expect(after.pairs).toEqual(afterXml.pairs);
    expect(after.pairs.map((p) => p.dependency)).toEqual(['ix-api >= 3', 'ix-gone']);
  });

  it('is ignored when another tool rewrote the repodata around it', async () => {
    const dir = await repoOf('rewritten', rpms);
    await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
    await link(extra[0]!.path, join(dir, extra[0]!.fileName));
    await exec('createrepo_c', ['-q', '--update', '--keep-all-metadata', dir]);

    const kept = (await readRepomd(dir)).records.some((r) => r.type === DEPENDENCY_INDEX_TYPE);
    const loaded = await loadRepo(parseRepoSpec(`r,${dir}`));

    expect(kept).toBe(true);
    expect(loaded.source).toBe('xml');
    expect(loaded.packages.count).toBe(4);
    expect(loaded.notes.join('\n')).toContain('belongs to another primary file');
  });

  it('is ignored when damaged (checksum mismatch), the XML is read instead', async () => {
    const dir = await repoOf('damaged', rpms);
    await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
    const name = (await readdir(join(dir, 'repodata'))).find((n) => n.endsWith('ferry-depindex.bin'))!;
    const file = join(dir, 'repodata', name);
    const data = await readFile(file);
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    await writeFile(file, data);

    const loaded = await loadRepo(parseRepoSpec(`r,${dir}`));

    expect(loaded.source).toBe('xml');
    expect(loaded.notes.join('\n')).toContain('checksum mismatch');
  });

  it('builds the same bytes build after build in one process as a fresh extension does', async () => {
    const models = await Promise.all([...rpms, ...extra].map((rpm) => readRpmFile(rpm.path)));
    const records = partRecords(models);
    const build = (extension: ReturnType<typeof dependencyIndexExtension>, set: typeof records) =>
      extension.build({
        records: set,
        primaryChecksum: Promise.resolve('f00d'),
        settled: Promise.resolve(),
        packages: () => Promise.resolve([]),
      });
    // A long-lived extension sees packages come and go (its string table keeps the ones gone).
    const lived = dependencyIndexExtension();
    const sets = [records, records.slice(1), [records[3]!, records[0]!], records.slice(2), records];
    for (const set of sets) {
      const fresh = Buffer.from(await build(dependencyIndexExtension(), set));
      expect(Buffer.from(await build(lived, set)).equals(fresh)).toBe(true);
      const decoded = decodeDependencyIndex(fresh, '(memory)');
      const setModels = set.map((record) => models.find((m) => m.checksum.value === record.pkgid)!);
      expect(table(decoded.packages)).toEqual(table(repoPackagesFromModels(setModels)));
    }
  });

  it('round-trips package models through the binary format', async () => {
    const models = await Promise.all(rpms.map((rpm) => readRpmFile(rpm.path)));

    const content = indexContentFromParts(models.map((model) => encodePackagePart(model)));
    const decoded = decodeDependencyIndex(encodeDependencyIndex(content, 'f00d'), '(memory)');

    expect(decoded.header).toMatchObject({ primary: 'f00d', packages: 3 });
    expect(table(decoded.packages)).toEqual(table(repoPackagesFromModels(models)));
    expect([...(await decoded.packages.files.owners(['/usr/bin/ix', '/nope']))]).toEqual([
      ['/usr/bin/ix', [0]],
    ]);
  });
});
