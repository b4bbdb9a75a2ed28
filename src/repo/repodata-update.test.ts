import { createHash } from 'node:crypto';
import {
  copyFile,
  link,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { dnfPackageReport } from '../../test/helpers/dnf.js';
import {
  buildRpms,
  generateChangelog,
  type BuiltRpm,
  type FixtureSpec,
} from '../../test/helpers/rpm-factory.js';
import { runFerry } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { namePart, threadPart } from '../../test/repo/name-part.js';
import { exec } from '../util/exec.js';
import { CACHE_FILE_NAME } from './repodata-cache.js';
import { indexRepository } from './repo-index.js';
import { readRepodata, readRepomd } from './repodata-reader.js';
import { updateRepodata } from './repodata-update.js';
import type { RepodataExtension } from './repodata-writer.js';
import { recallWritten } from './written-repodata.js';

const NOW = 1_750_000_000;

/** Eight source packages with thirty subpackages each: 248 rpms (several gzip blocks) from eight rpmbuild runs. */
const SPECS: FixtureSpec[] = Array.from({ length: 8 }, (_, s) => ({
  name: `pkg${s}`,
  version: `${s + 1}.0`,
  release: '1',
  requires: [`pkg${(s + 1) % 8} >= 1`],
  files: [{ path: `/usr/bin/pkg${s}` }],
  changelog: generateChangelog(2),
  subpackages: Array.from({ length: 30 }, (_, k) => ({
    name: `pkg${s}-sub${k}`,
    requires: [`pkg${s} = ${s + 1}.0-1`],
    files: [{ path: `/usr/share/pkg${s}/sub${k}.txt` }],
  })),
}));
const EXTRA: FixtureSpec = { name: 'extra', version: '9', release: '1', files: [{ path: '/usr/bin/extra' }] };

let work: string;
let pool: string;
let rpms: BuiltRpm[];
let extra: BuiltRpm;

/** A repository directory holding copies (same mtimes) of the given rpms. */
async function repoWith(name: string, files: readonly BuiltRpm[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await Promise.all(files.map((rpm) => exec('cp', ['-p', rpm.path, join(dir, rpm.fileName)])));
  return dir;
}

/** The checksums repomd.xml lists, by type (identical checksums = identical files). */
async function checksums(dir: string): Promise<Record<string, string>> {
  const repomd = await readRepomd(dir);
  return Object.fromEntries(repomd.records.map((r) => [r.type, r.checksum.value]));
}

beforeAll(async () => {
  work = await tempDir('ferry-repodata-update-');
  pool = join(work, 'pool');
  const [main, more] = await Promise.all([buildRpms(SPECS, pool), buildRpms([EXTRA], join(work, 'extra'))]);
  rpms = main;
  extra = more[0]!;
});

describe('ferry repo index --update', () => {
  it('reuses unchanged packages and writes exactly what a full run writes', async () => {
    const dir = await repoWith('update', rpms);
    const first = await indexRepository(dir, { now: NOW });
    await exec('cp', ['-p', extra.path, join(dir, extra.fileName)]);

    const update = await indexRepository(dir, { update: true, now: NOW });
    const full = await indexRepository(await repoWith('update-full', [...rpms, extra]), { now: NOW });

    expect(first.packages).toBe(248);
    expect([update.previous, update.reused, update.read]).toEqual(['cache', 248, 1]);
    expect(update.repodata!.blocksReused).toBeGreaterThan(0);
    expect(await checksums(dir)).toEqual(await checksums(join(work, 'update-full')));
    expect(full.packages).toBe(249);
  });

  it('falls back to the XML metadata when the sidecar cache is missing', async () => {
    const dir = await repoWith('no-cache', rpms);
    await indexRepository(dir, { now: NOW });
    await rm(join(dir, 'repodata', CACHE_FILE_NAME));
    await rm(join(dir, rpms[0]!.fileName));

    const update = await indexRepository(dir, { update: true, now: NOW });
    const full = await repoWith('no-cache-full', rpms.slice(1));
    await indexRepository(full, { now: NOW });

    expect([update.previous, update.reused, update.read]).toEqual(['xml', 247, 0]);
    expect(await checksums(dir)).toEqual(await checksums(full));
  });

  it('re-reads a file whose mtime changed, and with --checksum-verify one whose content changed', async () => {
    const dir = await repoWith('changed', rpms.slice(0, 20));
    const swapped = join(dir, rpms[2]!.fileName);
    await utimes(swapped, NOW - 100, NOW - 100); // whole seconds: utimes cannot restore nanoseconds
    await indexRepository(dir, { now: NOW });
    const touched = join(dir, rpms[1]!.fileName);
    await utimes(touched, NOW, NOW);
    // Same size and mtime, other content: only a checksum tells.
    const data = await readFile(swapped);
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 0xff, data.length - 1);
    await writeFile(swapped, data);
    await utimes(swapped, NOW - 100, NOW - 100);

    const plain = await indexRepository(dir, { update: true, now: NOW });
    const verified = await indexRepository(dir, { update: true, checksumVerify: true, now: NOW });

    expect([plain.reused, plain.read]).toEqual([19, 1]);
    expect([verified.reused, verified.read]).toEqual([19, 1]);
    const { packages } = await readRepodata(dir);
    const entry = packages.find((p) => p.locationHref === rpms[2]!.fileName)!;
    expect(entry.checksum.value).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('lets createrepo_c --update read ferry metadata (several gzip members per file)', async () => {
    const dir = await repoWith('createrepo-update', rpms.slice(0, 30));
    await indexRepository(dir, { now: NOW });
    const ours = await readRepodata(dir);

    await exec('createrepo_c', ['--update', '--no-database', '--quiet', dir]);

    expect((await readRepodata(dir)).packages).toEqual(ours.packages);
  });
});

describe('updateRepodata (the chaser publishing a snapshot)', () => {
  it('derives a snapshot of links from the previous one: added and removed packages only', async () => {
    const previous = await repoWith('snap1', rpms);
    await indexRepository(previous, { now: NOW });
    // The next snapshot: links to the previous snapshot's files, one package gone, one new.
    const next = join(work, 'snap2');
    await mkdir(next);
    for (const rpm of rpms.slice(1)) await symlink(join(previous, rpm.fileName), join(next, rpm.fileName));
    await copyFile(extra.path, join(next, extra.fileName));

    const result = await updateRepodata({
      repoDir: next,
      base: previous,
      add: [extra.fileName],
      remove: [rpms[0]!.fileName],
      now: NOW,
    });
    const reference = join(work, 'snap2-full');
    await exec('cp', ['-a', next, reference]);
    await rm(join(reference, 'repodata'), { recursive: true });
    await indexRepository(reference, { now: NOW });

    expect([result.previous, result.added, result.removed, result.packages]).toEqual(['cache', 1, 1, 248]);
    expect(result.repodata.blocksReused).toBeGreaterThan(0);
    expect(await checksums(next)).toEqual(await checksums(reference));
    expect(await dnfPackageReport([{ id: 'snap', path: next }])).toEqual(
      await dnfPackageReport([{ id: 'snap', path: reference }]),
    );
  });

  it('takes metadata it wrote itself from memory, and reads it again once something else rewrote it', async () => {
    const previous = await repoWith('snap-mem', rpms.slice(0, 40));
    await indexRepository(previous, { now: NOW });
    expect(recallWritten(previous)).toBeDefined();
    const next = join(work, 'snap-mem-2');
    await mkdir(next);
    for (const rpm of rpms.slice(1, 40)) await link(join(previous, rpm.fileName), join(next, rpm.fileName));
    await copyFile(extra.path, join(next, extra.fileName));
    const change = {
      repoDir: next,
      base: previous,
      add: [extra.fileName],
      remove: [rpms[0]!.fileName],
      now: NOW,
    };

    const fromMemory = await updateRepodata(change);
    const expected = await checksums(next);
    // Another writer's repomd.xml (same bytes, new file): the files are read back from disk.
    const repomdPath = join(previous, 'repodata', 'repomd.xml');
    await writeFile(`${repomdPath}.new`, await readFile(repomdPath));
    await rename(`${repomdPath}.new`, repomdPath);
    expect(recallWritten(previous)).toBeUndefined();
    await rm(join(next, 'repodata'), { recursive: true });
    const fromDisk = await updateRepodata(change);

    expect([fromMemory.previous, fromDisk.previous]).toEqual(['cache', 'cache']);
    expect(fromMemory.repodata.blocksReused).toBe(fromDisk.repodata.blocksReused);
    expect(await checksums(next)).toEqual(expected);

    // A one-shot run (a command) keeps nothing; the same run without it is remembered.
    await indexRepository(previous, { now: NOW, oneShot: true });
    expect(recallWritten(previous)).toBeUndefined();
    await indexRepository(previous, { now: NOW });
    expect(recallWritten(previous)).toBeDefined();
  });

  it('chains in-memory updates snapshot after snapshot with the bytes of a full run', async () => {
    // Each snapshot starts from the one written just before (kept in memory as the pieces it was
    // written from, regions split in more and more segments until they are joined): 40 in a row.
    const encoder = new TextEncoder();
    const extension: RepodataExtension = {
      type: 'test-names',
      fileName: 'names.txt',
      packagePart: (pkg) => encoder.encode(`${pkg.name}\n`),
      build: ({ records }) =>
        encoder.encode(records.map((r) => new TextDecoder().decode(r.parts['test-names'])).join('')),
    };
    const candidates = rpms.slice(0, 120);
    let members = candidates.slice(0, 100);
    let previous = await repoWith('chain-0', members);
    await indexRepository(previous, { now: NOW, extensions: [extension] });
    for (let step = 1; step <= 40; step++) {
      // One package out, another in (from the far end of the pool, so runs break in new places).
      const out = members[(step * 37) % members.length]!;
      const spare = candidates.filter((rpm) => !members.includes(rpm));
      const added = spare[(step * 11) % spare.length]!;
      members = [...members.filter((rpm) => rpm !== out), added];
      const next = join(work, `chain-${step}`);
      await mkdir(next);
      for (const rpm of members) {
        await link(rpm === added ? rpm.path : join(previous, rpm.fileName), join(next, rpm.fileName));
      }
      expect(recallWritten(previous)).toBeDefined();
      const result = await updateRepodata({
        repoDir: next,
        base: previous,
        add: [added.fileName],
        remove: [out.fileName],
        extensions: [extension],
        now: NOW,
      });
      expect([result.previous, result.added, result.removed, result.packages]).toEqual(['cache', 1, 1, 100]);
      if (step % 8 === 0) {
        const reference = await repoWith(`chain-${step}-full`, members);
        await indexRepository(reference, { now: NOW, extensions: [extension], oneShot: true });
        expect(await checksums(next)).toEqual(await checksums(reference));
      }
      previous = next;
    }
  });

  it('refuses a broken added package and writes nothing', async () => {
    const dir = join(work, 'snap-broken');
    await mkdir(dir);
    await writeFile(
      join(dir, 'bad-1-1.noarch.rpm'),
      'not an rpm at all, just some text that is long enough to hold a lead',
    );

    await expect(
      updateRepodata({ repoDir: dir, base: join(work, 'snap1'), add: ['bad-1-1.noarch.rpm'] }),
    ).rejects.toMatchObject({
      code: 'FERRY_RPM_INVALID',
      file: join(dir, 'bad-1-1.noarch.rpm'),
    });
    expect(await readdir(dir)).toEqual(['bad-1-1.noarch.rpm']);
  });

  it('updates repodata extensions from cached per-package parts', async () => {
    const encoder = new TextEncoder();
    const builds: number[] = [];
    const extension: RepodataExtension = {
      type: 'test-names',
      fileName: 'names.txt',
      compress: true,
      packagePart: (pkg) => encoder.encode(`${pkg.name}\n`),
      build: async ({ records, primaryChecksum }) => {
        builds.push(records.length);
        const text = records.map((r) => new TextDecoder().decode(r.parts['test-names'])).join('');
        return encoder.encode(`${await primaryChecksum}\n${text}`);
      },
    };
    const dir = await repoWith('ext', rpms.slice(0, 10));
    await indexRepository(dir, { extensions: [extension], now: NOW });
    await exec('cp', ['-p', extra.path, join(dir, extra.fileName)]);

    const update = await updateRepodata({
      repoDir: dir,
      add: [extra.fileName],
      extensions: [extension],
      now: NOW,
    });

    expect(update.previous).toBe('cache');
    expect(builds).toEqual([10, 11]);
    const record = (await readRepomd(dir)).records.find((r) => r.type === 'test-names')!;
    const { stdout } = await exec('sh', ['-c', 'zcat "$1"', 'zcat', join(dir, record.href)]);
    const [primary, ...names] = stdout.trim().split('\n');
    expect(primary).toBe((await checksums(dir)).primary);
    expect(names).toContain('extra');
    expect(names).toHaveLength(11);
  });
});

describe('extension parts built in worker threads', () => {
  it('builds parts where the rpm is read when the extension names a module, as the main thread would', async () => {
    const sourced: RepodataExtension = {
      type: 'test-parts',
      fileName: 'parts.txt',
      packagePart: namePart,
      packagePartModule: {
        url: new URL('../../test/repo/name-part.ts', import.meta.url).href,
        exportName: 'namePart',
      },
      build: ({ records }) => Buffer.concat(records.map((r) => r.parts['test-parts']!)),
    };
    const marker: RepodataExtension = {
      type: 'test-thread',
      fileName: 'thread.txt',
      packagePart: threadPart,
      packagePartModule: {
        url: new URL('../../test/repo/name-part.ts', import.meta.url).href,
        exportName: 'threadPart',
      },
      build: ({ records }) => Buffer.concat(records.map((r) => r.parts['test-thread']!)),
    };
    const dir = await repoWith('worker-parts', rpms.slice(0, 80));
    const threads = async (): Promise<string[]> => {
      const record = (await readRepomd(dir)).records.find((r) => r.type === 'test-thread')!;
      return [...new Set((await readFile(join(dir, record.href), 'utf8')).trim().split('\n'))];
    };

    await indexRepository(dir, { extensions: [sourced, marker], workers: 2, now: NOW });
    const threaded = (await readRepomd(dir)).records.find((r) => r.type === 'test-parts')!;
    const threadedBy = await threads();
    await indexRepository(dir, { extensions: [sourced, marker], workers: 0, now: NOW });
    const inline = (await readRepomd(dir)).records.find((r) => r.type === 'test-parts')!;

    // The main thread reads batches too: both appear, and some parts were built in a worker.
    expect(threadedBy).toContain('worker');
    expect(await threads()).toEqual(['main']);
    expect(threaded.checksum).toEqual(inline.checksum);
    const text = await readFile(join(dir, inline.href), 'utf8');
    expect(text.split('\n')).toContain(`${rpms[0]!.name} 1`);
  });
});

describe('broken RPMs and interrupted runs', () => {
  it('fails on a broken rpm and leaves the old metadata untouched; --skip-broken indexes the rest', async () => {
    const dir = await repoWith('broken', rpms.slice(0, 5));
    await indexRepository(dir, { now: NOW });
    const before = await readFile(join(dir, 'repodata', 'repomd.xml'));
    await writeFile(join(dir, 'broken-1-1.noarch.rpm'), Buffer.alloc(300, 7));
    await copyFile(rpms[6]!.path, join(dir, 'truncated-1-1.noarch.rpm'));
    await exec('truncate', ['-s', '2000', join(dir, 'truncated-1-1.noarch.rpm')]);

    const failed = await indexRepository(dir, { now: NOW + 1 });
    const after = await readFile(join(dir, 'repodata', 'repomd.xml'));
    const skipped = await indexRepository(dir, { skipBroken: true, now: NOW + 2 });

    expect(failed.written).toBe(false);
    expect(failed.broken.map((b) => [b.href, b.reason.split(':')[0]])).toEqual([
      ['broken-1-1.noarch.rpm', 'not an rpm file'],
      ['truncated-1-1.noarch.rpm', 'truncated at byte 2000'],
    ]);
    expect(after.equals(before)).toBe(true);
    expect([skipped.written, skipped.packages, skipped.broken.length]).toEqual([true, 5, 2]);
  });

  it('cleans up what a killed run left and keeps only current files in repodata/', async () => {
    const dir = await repoWith('killed', rpms.slice(0, 3));
    await indexRepository(dir, { now: NOW });
    const dead = join(dir, '.repodata.ferry-999999999-deadbeef');
    await mkdir(dead);
    await writeFile(join(dead, 'half-written.xml.gz'), 'x');
    await writeFile(join(dir, 'repodata', `${'0'.repeat(64)}-primary.xml.gz`), 'leftover');

    await indexRepository(dir, { now: NOW + 5 });

    expect((await readdir(dir)).filter((n) => n.startsWith('.repodata'))).toEqual([]);
    const names = (await readdir(join(dir, 'repodata'))).sort();
    const listed = (await readRepomd(dir)).records.map((r) => r.href.replace('repodata/', ''));
    expect(names).toEqual([...listed, CACHE_FILE_NAME, 'repomd.xml'].sort());
  });
});

describe('ferry repo index (CLI)', () => {
  it('prints the JSON documented in docs/repodata.md and exits 0', async () => {
    const dir = await repoWith('cli', rpms.slice(0, 4));

    // --workers 2: the compiled worker thread reads the files.
    const run = await runFerry(['repo', 'index', '--json', '--workers', '2', dir]);

    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      directory: dir,
      written: true,
      packages: 4,
      reused: 0,
      read: 4,
      previous: 'none',
      broken: [],
    });
    expect((json.repomd as { type: string }[]).map((r) => r.type)).toEqual([
      'primary',
      'filelists',
      'other',
      'ferry_depindex',
    ]);
  });

  it('exits 1 naming each broken rpm, 2 for a missing directory', async () => {
    const dir = await repoWith('cli-broken', rpms.slice(0, 2));
    await writeFile(join(dir, 'junk.rpm'), 'junk');

    const broken = await runFerry(['repo', 'index', dir]);
    const missing = await runFerry(['repo', 'index', join(work, 'does-not-exist')]);
    const skip = await runFerry(['repo', 'index', '--skip-broken', '--update', dir]);

    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`error: ${join(dir, 'junk.rpm')}: not an rpm file: bad lead magic`);
    expect(missing.code).toBe(2);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toContain(`skipped: ${join(dir, 'junk.rpm')}`);
    expect(skip.stdout).toContain('2 packages');
  });
});
