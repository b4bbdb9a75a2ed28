import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { FerryError } from '../../src/errors.js';
import { exec } from '../../src/util/exec.js';
import type { BuiltRpm, FixtureSpec } from './rpm-factory.js';
import { buildRpms, DEFAULT_SOURCE_DATE_EPOCH, generateChangelog, writeFixtureSpec } from './rpm-factory.js';
import { tempDir } from './temp-dir.js';

const demo: FixtureSpec = {
  name: 'ferry-demo',
  epoch: 2,
  version: '1.0~rc1',
  release: '3.el9',
  summary: 'A demo fixture with 100% coverage',
  description: 'Long description.\nSecond line with %{macro} kept verbatim.',
  license: 'Apache-2.0',
  url: 'https://example.org/demo',
  group: 'Development/Tools',
  vendor: 'Ferry Vendor',
  packager: 'Ferry Packager <packager@example.org>',
  buildRequires: ['python3-devel >= 3.9'],
  requires: [
    'plain-dep',
    'versioned-dep >= 1:2.0-1',
    'release-less < 3.0',
    '/usr/bin/python3',
    '(rich-a or rich-b)',
    '(rich-c and rich-d)',
    '(rich-e if rich-f)',
    '(rich-g if rich-h else rich-i)',
    '(rich-j with rich-k)',
    '(rich-l without rich-m)',
    '((rich-n >= 1.0 or rich-o) and rich-p)',
  ],
  requiresPre: ['/usr/sbin/useradd'],
  requiresPost: ['post-dep'],
  requiresPreun: ['preun-dep'],
  requiresPostun: ['postun-dep'],
  requiresPretrans: ['pretrans-dep'],
  requiresPosttrans: ['posttrans-dep'],
  requiresQualified: [{ qualifiers: ['pre', 'post'], dep: 'prepost-dep' }],
  provides: ['demo-cap = 1.0', 'python3dist(demo) = 1.0'],
  conflicts: ['old-thing < 0.5', '(rich-q unless rich-r)', '(rich-s unless rich-t else rich-u)'],
  obsoletes: ['demo-legacy < 1.0'],
  recommends: ['rec-dep'],
  suggests: ['sug-dep'],
  supplements: ['(sup-a and sup-b)'],
  enhances: ['enh-dep'],
  files: [
    { path: '/usr/bin/ferry-demo', content: '#!/bin/sh\necho demo\n' },
    { path: '/etc/ferry-demo', kind: 'dir' },
    { path: '/etc/ferry-demo/demo.conf', content: 'a = 1\n', config: 'noreplace' },
    { path: '/var/log/ferry-demo.log', kind: 'ghost' },
    { path: '/usr/bin/ferry-demo-link', kind: 'symlink', target: 'ferry-demo' },
    { path: '/usr/share/ferry-demo/blob.bin', sizeKiB: 64 },
    { path: '/usr/share/ferry-demo/with space.txt', content: 'spaced\n' },
    { path: '/usr/share/doc/ferry-demo/README', content: 'readme\n', doc: true },
    { path: '/usr/share/licenses/ferry-demo/LICENSE', content: 'Apache-2.0\n', license: true },
  ],
  scriptlets: { pre: 'echo pre 100%', post: 'echo post' },
  changelog: generateChangelog(12, DEFAULT_SOURCE_DATE_EPOCH, { evr: '2:1.0~rc1-3.el9' }),
  subpackages: [
    {
      name: 'ferry-demo-libs',
      summary: 'Demo libraries',
      requires: ['ferry-demo = %{epoch}:%{version}-%{release}'],
      provides: ['libdemo'],
      files: [{ path: '/usr/share/ferry-demo/lib.js', content: 'lib\n' }],
      scriptlets: { postun: 'echo gone' },
    },
  ],
};

const multilib = (arch: string): FixtureSpec => ({
  name: 'ferry-multi',
  version: '2.1',
  release: '1',
  arch,
  requires: ['glibc'],
  files: [{ path: `/usr/lib/ferry-multi-${arch}.so`, content: `${arch}\n` }],
  subpackages: [
    { name: 'ferry-multi-data', arch: 'noarch', files: [{ path: '/usr/share/ferry-multi/data.txt' }] },
  ],
});

async function query(path: string, format: string): Promise<string> {
  return (await exec('rpm', ['-qp', '--nosignature', '--qf', format, path])).stdout;
}

async function rpmq(path: string, ...flags: string[]): Promise<string[]> {
  const { stdout } = await exec('rpm', ['-qp', '--nosignature', ...flags, path]);
  return stdout.trimEnd().split('\n');
}

describe('buildRpms', () => {
  let dir: string;
  let againDir: string;
  let built: BuiltRpm[];
  const byFile = (fileName: string): BuiltRpm => {
    const rpm = built.find((b) => b.fileName === fileName);
    if (rpm === undefined) throw new Error(`not built: ${fileName}`);
    return rpm;
  };

  beforeAll(async () => {
    dir = await tempDir('ferry-rpm-factory-');
    againDir = await tempDir('ferry-rpm-factory-again-');
    built = await buildRpms([demo, multilib('x86_64'), multilib('i686'), { ...multilib('aarch64') }], dir, {
      srpm: true,
      keepSpecs: join(dir, 'specs'),
    });
  });

  it('writes every package, subpackage and source rpm under the expected names', () => {
    expect(built.map((b) => `${b.fileName} ${b.sourceRpm}`)).toEqual([
      'ferry-demo-1.0~rc1-3.el9.noarch.rpm ferry-demo-1.0~rc1-3.el9.src.rpm',
      'ferry-demo-libs-1.0~rc1-3.el9.noarch.rpm ferry-demo-1.0~rc1-3.el9.src.rpm',
      'ferry-demo-1.0~rc1-3.el9.src.rpm ferry-demo-1.0~rc1-3.el9.src.rpm',
      'ferry-multi-2.1-1.x86_64.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-data-2.1-1.noarch.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-2.1-1.src.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-2.1-1.i686.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-data-2.1-1.noarch.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-2.1-1.src.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-2.1-1.aarch64.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-data-2.1-1.noarch.rpm ferry-multi-2.1-1.src.rpm',
      'ferry-multi-2.1-1.src.rpm ferry-multi-2.1-1.src.rpm',
    ]);
  });

  it('sets name, epoch, version, release, arch, build host, build time and the descriptive tags', async () => {
    const format =
      '%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{BUILDHOST}|%{BUILDTIME}|%{SUMMARY}|%{LICENSE}|%{URL}|%{GROUP}|%{VENDOR}|%{PACKAGER}|%{SOURCERPM}\n%{DESCRIPTION}';

    const main = await query(byFile('ferry-demo-1.0~rc1-3.el9.noarch.rpm').path, format);
    const x86 = await query(byFile('ferry-multi-2.1-1.x86_64.rpm').path, '%{ARCH}|%{EPOCH}|%{SOURCERPM}');
    const i686 = await query(byFile('ferry-multi-2.1-1.i686.rpm').path, '%{ARCH}');
    const src = await query(
      byFile('ferry-demo-1.0~rc1-3.el9.src.rpm').path,
      '%{SOURCEPACKAGE}|[%{REQUIRENAME} ]',
    );

    expect(main).toBe(
      'ferry-demo|2|1.0~rc1|3.el9|noarch|ferry-fixture|1700000000|A demo fixture with 100% coverage|Apache-2.0|https://example.org/demo|Development/Tools|Ferry Vendor|Ferry Packager <packager@example.org>|ferry-demo-1.0~rc1-3.el9.src.rpm\n' +
        'Long description.\nSecond line with %{macro} kept verbatim.',
    );
    expect([x86, i686, src]).toEqual([
      'x86_64|(none)|ferry-multi-2.1-1.src.rpm',
      'i686',
      '1|python3-devel rpmlib(CompressedFileNames) rpmlib(FileDigests) ',
    ]);
  });

  it('records every dependency kind, rich operator and Requires qualifier', async () => {
    const path = byFile('ferry-demo-1.0~rc1-3.el9.noarch.rpm').path;

    const requires = await query(
      path,
      '[%{REQUIRENAME}|%{REQUIREFLAGS:deptype}|%{REQUIREFLAGS:depflags}|%{REQUIREVERSION}\n]',
    );
    const others = await rpmq(
      path,
      '--provides',
      '--conflicts',
      '--obsoletes',
      '--recommends',
      '--suggests',
      '--supplements',
      '--enhances',
    );

    const lines = requires.trimEnd().split('\n');
    for (const expected of [
      'plain-dep|manual||',
      'versioned-dep|manual|>=|1:2.0-1',
      'release-less|manual|<|3.0',
      '/usr/bin/python3|manual||',
      '(rich-a or rich-b)|manual||',
      '(rich-c and rich-d)|manual||',
      '(rich-e if rich-f)|manual||',
      '(rich-g if rich-h else rich-i)|manual||',
      '(rich-j with rich-k)|manual||',
      '(rich-l without rich-m)|manual||',
      '((rich-n >= 1.0 or rich-o) and rich-p)|manual||',
      '/usr/sbin/useradd|pre||',
      'post-dep|post||',
      'preun-dep|preun||',
      'postun-dep|postun||',
      'pretrans-dep|pretrans||',
      'posttrans-dep|posttrans||',
      'prepost-dep|pre,post||',
    ]) {
      expect(lines).toContain(expected);
    }
    expect(others).toEqual([
      'demo-cap = 1.0',
      'ferry-demo = 2:1.0~rc1-3.el9',
      'python3dist(demo) = 1.0',
      '(rich-q unless rich-r)',
      '(rich-s unless rich-t else rich-u)',
      'old-thing < 0.5',
      'demo-legacy < 1.0',
      'rec-dep',
      'sug-dep',
      '(sup-a and sup-b)',
      'enh-dep',
    ]);
  });

  it('expands macros in dependencies of subpackages', async () => {
    const lines = await rpmq(
      byFile('ferry-demo-libs-1.0~rc1-3.el9.noarch.rpm').path,
      '--requires',
      '--provides',
    );

    expect(lines).toEqual(
      expect.arrayContaining([
        'ferry-demo = 2:1.0~rc1-3.el9',
        'libdemo',
        'ferry-demo-libs = 2:1.0~rc1-3.el9',
      ]),
    );
  });

  it('ships files, directories, ghosts, symlinks, config, doc and license files with their content', async () => {
    const path = byFile('ferry-demo-1.0~rc1-3.el9.noarch.rpm').path;

    const files = await query(
      path,
      '[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILESIZES} %{FILEMTIMES} %{FILENAMES} %{FILELINKTOS}\n]',
    );
    const digests = await query(path, '[%{FILENAMES} %{FILEDIGESTS}\n]');

    expect(files.trimEnd().split('\n')).toEqual([
      'drwxr-xr-x  0 1700000000 /etc/ferry-demo ',
      '-rw-r--r-- cn 6 1700000000 /etc/ferry-demo/demo.conf ',
      '-rwxr-xr-x  20 1700000000 /usr/bin/ferry-demo ',
      'lrwxrwxrwx  10 1700000000 /usr/bin/ferry-demo-link ferry-demo',
      '-rw-r--r-- d 7 1700000000 /usr/share/doc/ferry-demo/README ',
      '-rw-r--r--  65536 1700000000 /usr/share/ferry-demo/blob.bin ',
      '-rw-r--r--  7 1700000000 /usr/share/ferry-demo/with space.txt ',
      '-rw-r--r-- l 11 1700000000 /usr/share/licenses/ferry-demo/LICENSE ',
      '-rw-r--r-- g 0 1700000000 /var/log/ferry-demo.log',
    ]);
    expect(digests).toContain(`/usr/bin/ferry-demo ${sha256('#!/bin/sh\necho demo\n')}\n`);
    expect(digests).toContain(`/etc/ferry-demo/demo.conf ${sha256('a = 1\n')}\n`);
  });

  it('fills sizeKiB files with incompressible bytes', async () => {
    const rpm = await stat(byFile('ferry-demo-1.0~rc1-3.el9.noarch.rpm').path);
    const small = await stat(byFile('ferry-demo-libs-1.0~rc1-3.el9.noarch.rpm').path);

    // The payload is compressed: only incompressible content keeps the package at least 64 KiB larger.
    expect(rpm.size - small.size).toBeGreaterThan(64 * 1024);
  });

  it('writes scriptlets and a dated changelog, newest first', async () => {
    const path = byFile('ferry-demo-1.0~rc1-3.el9.noarch.rpm').path;

    const scripts = await query(path, '%{PREIN}|%{POSTIN}|%{PREUN}');
    const changelog = await query(path, '[%{CHANGELOGTIME} %{CHANGELOGNAME}|%{CHANGELOGTEXT}\n]');

    const entries = changelog.trimEnd().split('\n');
    expect(scripts).toBe('echo pre 100%|echo post|(none)');
    expect(entries).toHaveLength(12);
    expect(entries[0]).toBe(
      `${dayAtNoon(DEFAULT_SOURCE_DATE_EPOCH)} Ferry Fixture <fixture@example.org> - 2:1.0~rc1-3.el9|- Change number 12`,
    );
    expect(entries[11]).toBe(
      `${dayAtNoon(DEFAULT_SOURCE_DATE_EPOCH - 11 * 7 * 86400)} Ferry Fixture <fixture@example.org> - 2:1.0~rc1-3.el9|- Change number 1`,
    );
  });

  it('keeps the specs it built when asked', async () => {
    const kept = await readFile(join(dir, 'specs', 'ferry-multi.i686.spec'), 'utf8');

    expect(kept).toBe(writeFixtureSpec(multilib('i686')));
  });

  it('builds byte-identical packages from the same description', async () => {
    // Same build mode as the first build: -ba adds a cookie and the source package id to binary headers.
    const rebuilt = await buildRpms([demo], againDir, { jobs: 1, srpm: true });

    const digests = async (rpms: readonly BuiltRpm[]): Promise<string[]> =>
      Promise.all(rpms.map(async (rpm) => `${rpm.fileName} ${sha256(await readFile(rpm.path))}`));
    expect(await digests(rebuilt)).toEqual(await digests(built.filter((b) => b.sourceName === 'ferry-demo')));
  });
});

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** rpm stores a changelog date as that day at 12:00 UTC. */
function dayAtNoon(seconds: number): number {
  return Math.floor(seconds / 86400) * 86400 + 43200;
}

describe('buildRpms errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('ferry-rpm-factory-bad-');
  });

  it('names the spec and shows rpmbuild output when the build fails', async () => {
    const failure = buildRpms(
      [{ name: 'ferry-bad', version: '1', release: '1', requires: ['(a unless b)'] }],
      dir,
    );

    await expect(failure).rejects.toThrow(FerryError);
    await expect(failure).rejects.toThrow(/ferry-bad\.spec[\s\S]*Illegal context for 'unless'/);
  });

  it('rejects names that are not safe path components before building or creating anything', async () => {
    const never = join(dir, 'never', 'made');

    await expect(buildRpms([{ name: '../evil', version: '1', release: '1' }], never)).rejects.toMatchObject({
      code: 'FERRY_INVALID_NAME',
    });
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('writeFixtureSpec', () => {
  it('writes the preamble, dependencies and sections as spec text', () => {
    const text = writeFixtureSpec({
      name: 'tiny',
      version: '1',
      release: '2',
      arch: 'x86_64',
      requiresQualified: [{ qualifiers: ['pre', 'postun'], dep: 'shadow-utils' }],
      files: [{ path: '/usr/bin/tiny' }],
    });

    expect(text).toBe(
      [
        '# generated by test/helpers/rpm-factory.ts',
        'Name: tiny',
        'Version: 1',
        'Release: 2',
        'Summary: tiny test fixture',
        'License: MIT',
        'Source0: ferry-fixture-0',
        'AutoReqProv: no',
        'Requires(pre,postun): shadow-utils',
        '',
        '%description',
        'tiny is a ferry test fixture.',
        '',
        '%prep',
        '',
        '%build',
        '',
        '%install',
        'mkdir -p "$RPM_BUILD_ROOT"',
        `install -D -p -m 0755 "$RPM_SOURCE_DIR"/ferry-fixture-0 "$RPM_BUILD_ROOT"'/usr/bin/tiny'`,
        '',
        '%files',
        '%defattr(-,root,root,-)',
        '%attr(0755,root,root) "/usr/bin/tiny"',
        '',
      ].join('\n'),
    );
  });
});
