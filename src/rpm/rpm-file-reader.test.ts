import { createHash } from 'node:crypto';
import { copyFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { buildRpms, generateChangelog, type BuiltRpm } from '../../test/helpers/rpm-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { FerryError } from '../errors.js';
import { exec } from '../util/exec.js';
import type { Dependency } from './package.js';
import { readRpmFile, readRpmFileSync } from './rpm-file-reader.js';

let dir: string;
let rpms: BuiltRpm[];
const byName = (name: string, arch?: string): BuiltRpm =>
  rpms.find((rpm) => rpm.name === name && (arch === undefined || rpm.arch === arch))!;

beforeAll(async () => {
  dir = await tempDir('ferry-rpm-reader-');
  const big = buildRpms(
    [
      {
        name: 'reader',
        epoch: 3,
        version: '1.2',
        release: '4.fc40',
        arch: 'x86_64',
        summary: 'Réader test',
        description: 'Line one.\nLine two & <three>.',
        url: 'https://example.org/reader',
        vendor: 'Vendor Inc.',
        packager: 'Packager <p@example.org>',
        group: 'Applications/System',
        requires: ['bash >= 4', '(a or b)'],
        provides: ['reader-api = 1.0', 'reader-cap'],
        conflicts: ['reader-old < 1'],
        obsoletes: ['reader-legacy'],
        recommends: ['reader-extra >= 2'],
        suggests: ['reader-doc'],
        supplements: ['(reader and bash)'],
        enhances: ['bash'],
        files: [
          { path: '/usr/bin/reader' },
          { path: '/etc/reader', kind: 'dir' },
          { path: '/var/lib/reader/state', kind: 'ghost' },
          // Over 4 MiB: the checksum is streamed instead of read in one go.
          { path: '/usr/share/reader/big.bin', sizeKiB: 4200 },
        ],
        changelog: generateChangelog(14),
      },
      {
        // A long changelog makes a header larger than the reader's first 64 KiB read.
        name: 'long-header',
        version: '1',
        release: '1',
        files: [{ path: '/usr/share/long-header/README' }],
        changelog: generateChangelog(1500, 1_700_000_000, { stepDays: 1 }),
      },
    ],
    dir,
    // Fast payload compression: the incompressible file would keep xz busy for seconds.
    { defines: { _binary_payload: 'w1.gzdio' } },
  );
  const small = buildRpms(
    [
      {
        name: 'small',
        version: '0.1',
        release: '1',
        requires: ['(x if y else z)', 'bash >= 4'],
        provides: ['small-api = 1'],
        files: [{ path: '/usr/bin/small' }, { path: '/usr/share/small', kind: 'dir' }],
        changelog: generateChangelog(3),
      },
    ],
    dir,
    { srpm: true },
  );
  rpms = [...(await big), ...(await small)];
});

/** One rpm --queryformat answer per line. */
async function rpmQuery(path: string, format: string): Promise<string> {
  return (await exec('rpm', ['-qp', '--nosignature', '--nodigest', '--qf', format, path])).stdout;
}

function formatDep(dep: Dependency): string {
  if (!dep.flags) return dep.name;
  const op = { LT: '<', LE: '<=', EQ: '=', GE: '>=', GT: '>' }[dep.flags];
  const epoch = dep.epoch && dep.epoch !== '0' ? `${dep.epoch}:` : '';
  return `${dep.name} ${op} ${epoch}${dep.version ?? ''}${dep.release ? `-${dep.release}` : ''}`;
}

describe('readRpmFile against rpm itself', () => {
  it('reads the tags repodata needs as rpm reports them', async () => {
    const rpm = byName('reader', 'x86_64');
    const pkg = await readRpmFile(rpm.path);
    const fields = (
      await rpmQuery(
        rpm.path,
        '%{NAME}\\n%{EPOCHNUM}\\n%{VERSION}\\n%{RELEASE}\\n%{ARCH}\\n%{SUMMARY}\\n%{URL}\\n%{LICENSE}\\n%{VENDOR}\\n%{GROUP}\\n%{BUILDHOST}\\n%{SOURCERPM}\\n%{PACKAGER}\\n%{BUILDTIME}\\n%{LONGSIZE}\\n%{LONGARCHIVESIZE}',
      )
    ).split('\n');

    expect([
      pkg.name,
      String(pkg.epoch),
      pkg.version,
      pkg.release,
      pkg.arch,
      pkg.summary,
      pkg.url,
      pkg.license,
      pkg.vendor,
      pkg.group,
      pkg.buildhost,
      pkg.sourcerpm,
      pkg.packager,
      String(pkg.timeBuild),
      String(pkg.sizeInstalled),
      String(pkg.sizeArchive),
    ]).toEqual(fields);
    expect(pkg.description).toBe(await rpmQuery(rpm.path, '%{DESCRIPTION}'));
  });

  it('reads the checksum, size and mtime of the whole file', async () => {
    const rpm = byName('reader', 'x86_64');
    const data = await readFile(rpm.path);
    const info = await stat(rpm.path);

    const pkg = await readRpmFile(rpm.path);

    expect(data.length).toBeGreaterThan(4 * 1024 * 1024); // streamed, not read whole
    expect(pkg.checksum).toEqual({ type: 'sha256', value: createHash('sha256').update(data).digest('hex') });
    expect(pkg.sizePackage).toBe(info.size);
    expect(pkg.timeFile).toBe(Math.floor(info.mtimeMs / 1000));
    expect(pkg.locationHref).toBe(rpm.fileName);
  });

  it('reads provides, conflicts, obsoletes and weak dependencies as rpm lists them', async () => {
    const rpm = byName('reader', 'x86_64');
    const pkg = await readRpmFile(rpm.path);
    const list = async (option: string) =>
      (await exec('rpm', ['-qp', '--nosignature', '--nodigest', option, rpm.path])).stdout.trim().split('\n');

    expect(pkg.provides.map(formatDep)).toEqual(await list('--provides'));
    expect(pkg.conflicts.map(formatDep)).toEqual(await list('--conflicts'));
    expect(pkg.obsoletes.map(formatDep)).toEqual(await list('--obsoletes'));
    expect(pkg.recommends.map(formatDep)).toEqual(await list('--recommends'));
    expect(pkg.suggests.map(formatDep)).toEqual(await list('--suggests'));
    expect(pkg.supplements.map(formatDep)).toEqual(await list('--supplements'));
    expect(pkg.enhances.map(formatDep)).toEqual(await list('--enhances'));
  });

  it('reads the file list with directories and ghosts as rpm does', async () => {
    const rpm = byName('reader', 'x86_64');
    const pkg = await readRpmFile(rpm.path);
    const listed = (await rpmQuery(rpm.path, '[%{FILENAMES}\\t%{FILEMODES:perms}\\t%{FILEFLAGS:fflags}\\n]'))
      .trim()
      .split('\n')
      .map((line) => {
        const [path, perms, flags] = line.split('\t');
        return { path, type: perms!.startsWith('d') ? 'dir' : flags!.includes('g') ? 'ghost' : 'file' };
      });

    expect(pkg.files).toEqual(listed);
  });

  it('keeps the newest changelog entries, newest first', async () => {
    const rpm = byName('reader', 'x86_64');
    const lines = (await rpmQuery(rpm.path, '[%{CHANGELOGTIME}\\t%{CHANGELOGNAME}\\n]')).trim().split('\n');

    const all = await readRpmFile(rpm.path);
    const limited = await readRpmFile(rpm.path, { changelogLimit: 10 });

    expect(all.changelogs.map((c) => `${c.date}\t${c.author}`)).toEqual(lines);
    expect(limited.changelogs).toEqual(all.changelogs.slice(0, 10));
  });

  it('reads a source rpm as arch src without a source rpm of its own', async () => {
    const pkg = await readRpmFile(byName('small', 'src').path);

    expect([pkg.arch, pkg.sourcerpm]).toEqual(['src', '']);
  });

  it('reads headers larger than the first read', async () => {
    const rpm = byName('long-header');
    const pkg = readRpmFileSync(rpm.path);

    expect(pkg.headerEnd - pkg.headerStart).toBeGreaterThan(64 * 1024);
    expect(pkg.changelogs).toHaveLength(1500);
    expect(await readRpmFile(rpm.path)).toEqual(pkg);
  });
});

describe('broken files', () => {
  const expectRpmError = (fn: () => unknown, path: string, message: RegExp): void => {
    let caught: unknown;
    try {
      fn();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FerryError);
    const error = caught as FerryError;
    expect(error.code).toBe('FERRY_RPM_INVALID');
    expect(error.file).toBe(path);
    expect(error.message).toMatch(message);
  };

  it('names the file and the problem: not an rpm', async () => {
    const path = join(dir, 'not-an.rpm');
    await writeFile(path, 'a text file\n'.repeat(20));

    expectRpmError(() => readRpmFileSync(path), path, /bad lead magic/);
    await expect(readRpmFile(path)).rejects.toMatchObject({ code: 'FERRY_RPM_INVALID', file: path });
  });

  it('names the byte where a truncated file ends', async () => {
    const source = byName('reader', 'x86_64').path;
    const path = join(dir, 'truncated.rpm');
    for (const [length, message] of [
      [50, /truncated at byte 50: the lead/],
      [120, /truncated at byte 120/],
      [5000, /truncated at byte 5000/],
      [200_000, /truncated at byte 200000: the signature header says/],
    ] as const) {
      await copyFile(source, path);
      await truncate(path, length);
      expectRpmError(() => readRpmFileSync(path), path, message);
    }
  });

  it('detects a corrupted main header through its SHA256 digest', async () => {
    const rpm = byName('reader', 'x86_64');
    const pkg = readRpmFileSync(rpm.path);
    const data = await readFile(rpm.path);
    data.writeUInt8(data.readUInt8(pkg.headerEnd - 10) ^ 0x20, pkg.headerEnd - 10); // a string in the data store
    const path = join(dir, 'corrupt.rpm');
    await writeFile(path, data);

    expectRpmError(() => readRpmFileSync(path), path, /does not match its SHA256 digest/);
  });

  it('never crashes nor returns garbage on random damage (fuzz)', async () => {
    const original = await readFile(byName('small', 'noarch').path);
    const headerEnd = readRpmFileSync(byName('small', 'noarch').path).headerEnd;
    const path = join(dir, 'fuzz.rpm');
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const outcomes = { ok: 0, invalid: 0 };
    for (let round = 0; round < 300; round++) {
      const data = Buffer.from(original);
      const damage = random(3);
      let bytes = data;
      if (damage === 0) bytes = data.subarray(0, random(headerEnd + 1000));
      else {
        const flips = 1 + random(4);
        for (let i = 0; i < flips; i++) {
          const at = random(headerEnd);
          data.writeUInt8(data.readUInt8(at) ^ (1 << random(8)), at);
        }
      }
      await writeFile(path, bytes);
      for (const verifyHeaderDigest of [true, false]) {
        try {
          const pkg = readRpmFileSync(path, { verifyHeaderDigest });
          expect(pkg.name.length).toBeGreaterThan(0);
          outcomes.ok++;
        } catch (error) {
          expect(error).toBeInstanceOf(FerryError);
          expect((error as FerryError).code).toBe('FERRY_RPM_INVALID');
          expect((error as FerryError).file).toBe(path);
          outcomes.invalid++;
        }
      }
    }

    expect(outcomes.invalid).toBeGreaterThan(200);
  });
});
