/**
 * An update's dependency index patched from the previous index: the same
 * bytes as joining every package's part, whatever was added, removed or
 * reordered; and through updateRepodata, the same file a full run of the
 * same directory writes.
 */
import { cp, link, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { indexContentFromParts } from '../../src/closure/dependency-index-extension.js';
import { decodeIndexTables, radixOrder } from '../../src/closure/dependency-index-format.js';
import { patchIndexContent, type Part } from '../../src/closure/dependency-index-patch.js';
import {
  dependencyIndexExtension,
  encodeDependencyIndex,
  encodePackagePart,
} from '../../src/closure/index.js';
import { indexRepository, updateRepodata, type ExtensionInput } from '../../src/repo/index.js';
import type { RpmPackage } from '../../src/rpm/package.js';
import { readRpmFile } from '../../src/rpm/rpm-file-reader.js';
import { buildRpms, type BuiltRpm } from '../helpers/rpm-factory.js';
import { tempDir } from '../helpers/temp-dir.js';
import { partRecords } from './part-records.js';

let work: string;
let rpms: BuiltRpm[];
let models: RpmPackage[];

beforeAll(async () => {
  work = await tempDir('ferry-index-patch-');
  rpms = await buildRpms(
    [
      {
        name: 'px-lib',
        version: '1.0',
        release: '1',
        provides: ['px-api = 2', 'px(été) = 1', 'shared-cap'],
        files: [{ path: '/usr/lib/px/libpx.so' }, { path: '/usr/share/px', kind: 'dir' }],
      },
      {
        name: 'px-app',
        version: '2.0',
        release: '3',
        epoch: 1,
        arch: 'x86_64',
        requires: ['px-api >= 2', '/usr/lib/px/libpx.so', '(px-lib with shared-cap)'],
        files: [{ path: '/usr/bin/px' }, { path: '/usr/share/px/app.conf' }],
        subpackages: [{ name: 'px-app-doc', arch: 'noarch', requires: ['px-app = 1:2.0-3'] }],
      },
      // No files at all: an empty range in the index's path tables.
      { name: 'px-meta', version: '3', release: '1', requires: ['px-app', 'shared-cap'] },
      {
        name: 'px-tools',
        version: '0.9',
        release: '2',
        provides: ['shared-cap', 'px-tools-only = 0.9'],
        requires: ['px-lib >= 1.0'],
        files: [{ path: '/usr/bin/pxtool' }, { path: '/usr/share/px/tools/ünïcode.txt' }],
      },
      {
        name: 'zz-last',
        version: '1',
        release: '1',
        provides: ['zz-own = 1'],
        files: [{ path: '/usr/share/zz/z.txt' }],
      },
    ],
    join(work, 'rpms'),
  );
  models = await Promise.all(rpms.map((rpm) => readRpmFile(rpm.path)));
}, 600_000);

const decoder = new TextDecoder();

function fullIndex(set: readonly RpmPackage[]): Buffer {
  return encodeDependencyIndex(indexContentFromParts(set.map((model) => encodePackagePart(model))), 'f00d');
}

/** The dependency index file of a repository's metadata. */
async function indexFile(repo: string): Promise<Buffer> {
  const name = (await readdir(join(repo, 'repodata'))).find((n) => n.endsWith('ferry-depindex.bin'))!;
  return readFile(join(repo, 'repodata', name));
}

describe('dependency index patch', () => {
  // [previous set, next set] as indexes into models; packages of both are reused from the previous index.
  const cases: [string, number[], number[]][] = [
    ['one added in the middle', [0, 1, 3, 5], [0, 1, 2, 3, 5]],
    ['one added first and one last', [1, 2, 3], [0, 1, 2, 3, 5]],
    ['one removed', [0, 1, 2, 3, 4, 5], [0, 1, 3, 4, 5]],
    ['the first user of shared strings removed', [3, 0, 1, 4], [0, 1, 4]],
    ['everything replaced', [0, 1], [4, 5, 2]],
    ['from an empty index', [], [2, 0, 5]],
    ['to an empty index', [0, 5], []],
    ['reordered', [0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]],
  ];

  it.each(cases)('%s: the same bytes as joining every part', (_name, before, after) => {
    const previousSet = before.map((i) => models[i]!);
    const nextSet = after.map((i) => models[i]!);
    const { tables } = decodeIndexTables(fullIndex(previousSet), '(previous)');
    const records = partRecords(nextSet);
    const positions = new Map(records.map((record, i) => [record, before.indexOf(after[i]!)]));

    const patched = patchIndexContent(
      tables,
      records,
      (record) => (positions.get(record)! >= 0 ? positions.get(record) : undefined),
      (record) => JSON.parse(decoder.decode(record.parts.ferry_depindex)) as Part,
    );

    expect(encodeDependencyIndex(patched, 'f00d').equals(fullIndex(nextSet))).toBe(true);
  });

  it('is what an update writes: the same file as a full run over the same directory', async () => {
    const updated = join(work, 'updated');
    await mkdir(updated, { recursive: true });
    for (const rpm of rpms.slice(0, 4)) await link(rpm.path, join(updated, rpm.fileName));
    await indexRepository(updated, { extensions: [dependencyIndexExtension()] });
    // Seen by the extension: the base and its index (so the patch is what runs, not the full join).
    let baseSeen = false;
    const watched = dependencyIndexExtension();
    const extension = {
      ...watched,
      build: async (input: ExtensionInput) => {
        baseSeen = input.base !== undefined && (await input.base.data()) !== undefined;
        return watched.build(input);
      },
    };
    await link(rpms[5]!.path, join(updated, rpms[5]!.fileName));
    await updateRepodata({
      repoDir: updated,
      add: [rpms[5]!.fileName],
      remove: [rpms[1]!.fileName],
      extensions: [extension],
    });
    await rm(join(updated, rpms[1]!.fileName));

    const full = join(work, 'full');
    await cp(updated, full, { recursive: true, preserveTimestamps: true });
    await rm(join(full, 'repodata'), { recursive: true });
    await indexRepository(full, { extensions: [dependencyIndexExtension()] });

    expect(baseSeen).toBe(true);
    expect((await indexFile(updated)).equals(await indexFile(full))).toBe(true);
  });

  it('prepares the parts after a patched update, so the next update of the process joins them', async () => {
    const dir = join(work, 'prepared');
    await mkdir(dir, { recursive: true });
    for (const rpm of rpms.slice(0, 4)) await link(rpm.path, join(dir, rpm.fileName));
    await indexRepository(dir, { extensions: [dependencyIndexExtension()] });
    // Per build: did the extension read the base's index (the patch), or join prepared parts?
    const readBase: boolean[] = [];
    const lived = dependencyIndexExtension();
    const extension = {
      ...lived,
      build: (input: ExtensionInput) => {
        const at = readBase.push(false) - 1;
        const base = input.base;
        if (!base) return lived.build(input);
        const data = () => {
          readBase[at] = true;
          return base.data();
        };
        return lived.build({ ...input, base: { ...base, data } });
      },
    };
    await link(rpms[5]!.path, join(dir, rpms[5]!.fileName));
    await updateRepodata({ repoDir: dir, add: [rpms[5]!.fileName], extensions: [extension] });
    // The parts are prepared once that write is over (a slice per turn of the event loop).
    await new Promise((resolve) => setTimeout(resolve, 200));
    await updateRepodata({ repoDir: dir, remove: [rpms[2]!.fileName], extensions: [extension] });
    await rm(join(dir, rpms[2]!.fileName));
    expect(readBase).toEqual([true, false]);

    const full = join(work, 'prepared-full');
    await cp(dir, full, { recursive: true, preserveTimestamps: true });
    await rm(join(full, 'repodata'), { recursive: true });
    await indexRepository(full, { extensions: [dependencyIndexExtension()] });
    expect((await indexFile(dir)).equals(await indexFile(full))).toBe(true);
  });
});

describe('radixOrder', () => {
  it.each([0, 1, 1000, 200_000])('orders %i keys by key, then index, as a comparison sort does', (n) => {
    // Few distinct high bits and many repeats: every digit pass matters, and stability shows.
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const keys = Uint32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? random() : random() & 0xff00ff));

    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);

    expect(Array.from(radixOrder(keys))).toEqual(expected);
  });
});
