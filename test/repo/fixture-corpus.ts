/**
 * A small repository built with the fixture factory that exercises what
 * repodata has to get right: versioned and epoch dependencies, rich
 * dependencies, file dependencies (own primary files, own other files,
 * foreign files), Requires(pre/post/...), weak dependencies, conflicts,
 * obsoletes, libc.so.6 versions, subpackages, noarch and x86_64, source
 * rpms, ghosts, directories, odd file names, non-ASCII text, long changelogs
 * with entries on the same day, empty optional fields, packages in
 * subdirectories and symbolic links.
 */
import { mkdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { buildRpms, generateChangelog, type BuiltRpm, type FixtureSpec } from '../helpers/rpm-factory.js';

const DAY = 86_400;
const NEWEST = 1_700_000_000;

export const CORPUS_SPECS: readonly FixtureSpec[] = [
  {
    name: 'alpha',
    epoch: 2,
    version: '1.4.2',
    release: '3.el9',
    summary: 'Café & <tags> "quoted" \'single\'',
    description: 'Alpha does things.\n\tIndented with a tab & <angle brackets>.\nÜnïcödé line.',
    url: 'https://example.org/alpha?x=1&y=2',
    vendor: 'Ferry Fixtures',
    packager: 'Pat Packager <pat@example.org>',
    group: 'System/Tools',
    requires: [
      'alpha-libs = 2:1.4.2-3.el9',
      'bash >= 4.0',
      '/bin/sh',
      '/usr/bin/alpha',
      '/usr/share/alpha/data.txt',
      '/usr/bin/beta',
      '(beta >= 1.0 or gamma)',
      '(alpha-libs if bash else gamma)',
      'alpha-api = 3',
      'libc.so.6(GLIBC_2.4)',
      'libc.so.6(GLIBC_2.17)',
      'libc.so.6()',
      'rpmlib(CompressedFileNames) <= 3.0.4-1',
      'coreutils >= 8',
    ],
    requiresPre: ['/usr/sbin/useradd', 'shadow-utils', 'coreutils >= 8'],
    requiresPost: ['systemd'],
    requiresPreun: ['systemd'],
    requiresPosttrans: ['findutils'],
    provides: ['alpha-api = 3', 'alpha(été) = 1.0', 'alpha-compat = 1:2.0-1'],
    conflicts: ['alpha-old < 1.0', 'delta < 0.5'],
    obsoletes: ['alpha-legacy <= 0.9'],
    recommends: ['beta', 'gamma >= 0.1'],
    suggests: ['gamma-doc'],
    supplements: ['(alpha-libs and bash)'],
    enhances: ['bash'],
    files: [
      { path: '/usr/bin/alpha', content: '#!/bin/sh\necho alpha\n' },
      { path: '/usr/sbin/alphad' },
      { path: '/etc/alpha', kind: 'dir' },
      { path: '/etc/alpha/alpha.conf', config: 'noreplace' },
      { path: '/usr/share/alpha', kind: 'dir' },
      { path: '/usr/share/alpha/data.txt' },
      { path: '/usr/share/alpha/a&b <c> d.txt' },
      { path: '/usr/share/alpha/été.txt' },
      { path: '/usr/share/alpha/link', kind: 'symlink', target: 'data.txt' },
      { path: '/var/log/alpha.log', kind: 'ghost' },
      { path: '/usr/lib/sendmail' },
      { path: '/opt/alpha/sbin/tool' },
      { path: '/usr/share/doc/alpha/README', doc: true },
    ],
    scriptlets: { pre: 'true', post: 'true' },
    changelog: [
      { date: NEWEST, author: 'Zed <zed@example.org>', evr: '2:1.4.2-3', text: 'Same day A & <b>' },
      { date: NEWEST, author: 'Yan <yan@example.org>', evr: '2:1.4.2-2', text: 'Same day B' },
      { date: NEWEST, author: 'Xi <xi@example.org>', evr: '2:1.4.2-1', text: 'Same day C' },
      ...generateChangelog(11, NEWEST - 2 * DAY, { author: 'Older Author <old@example.org>' }),
    ],
    subpackages: [
      {
        name: 'alpha-libs',
        summary: 'Alpha libraries',
        provides: ['libalpha.so.1()(64bit)'],
        files: [{ path: '/usr/lib64/libalpha.so.1', content: 'lib' }],
      },
      {
        name: 'alpha-devel',
        requires: ['alpha-libs = 2:1.4.2-3.el9', 'pkgconfig'],
        provides: ['pkgconfig(alpha) = 1.4.2'],
        files: [{ path: '/usr/include/alpha.h' }, { path: '/usr/lib64/pkgconfig/alpha.pc' }],
      },
    ],
  },
  {
    name: 'beta',
    version: '2.0~rc1',
    release: '1',
    arch: 'x86_64',
    requires: ['alpha-libs >= 2:1.0', 'gamma'],
    provides: ['beta(x86-64) = 2.0~rc1-1', 'bin-beta'],
    obsoletes: ['beta-ng < 2', 'old-beta'],
    files: [{ path: '/usr/bin/beta' }, { path: '/usr/lib64/beta/plugin.so', sizeKiB: 4 }],
    changelog: generateChangelog(3, NEWEST - 30 * DAY),
    subpackages: [{ name: 'beta-doc', arch: 'noarch', files: [{ path: '/usr/share/doc/beta/index.html' }] }],
  },
  {
    name: 'gamma',
    version: '0.1^git20240101.abc',
    release: '7',
    epoch: 1,
    requires: ['python3 >= 3.9', '(python3-foo or python3-bar)'],
    conflicts: ['(gamma-ng with gamma-extras)'],
    files: [{ path: '/usr/lib/python3/site-packages/gamma/__init__.py' }],
    subpackages: [
      {
        name: 'gamma-doc',
        summary: 'Gamma docs',
        files: [{ path: '/usr/share/doc/gamma-doc/manual.txt' }],
      },
    ],
  },
  {
    name: 'delta',
    version: '0.5',
    release: '1',
    // No URL, vendor, packager or changelog: empty elements in the metadata.
    requires: ['/usr/bin/alpha', 'alpha-api'],
    files: [{ path: '/usr/libexec/delta/run' }],
  },
  {
    name: 'epsilon',
    version: '10.0.0',
    release: '0.20240101.git1234abc.el9',
    requiresQualified: [{ qualifiers: ['pre', 'postun'], dep: 'glibc-common' }],
    requiresPretrans: ['/usr/bin/lua'],
    files: [{ path: '/usr/bin/epsilon' }, { path: '/srv/epsilon', kind: 'dir' }],
    changelog: generateChangelog(2, NEWEST - 400 * DAY),
  },
];

/** The corpus: packages built into `dir`, some moved into subdirectories and one linked twice. */
export async function buildCorpus(dir: string): Promise<BuiltRpm[]> {
  const built = await buildRpms(CORPUS_SPECS, dir, { srpm: true });
  // Layouts createrepo_c handles: nested directories (hrefs with '/'), a symlink to a file elsewhere.
  await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
  await mkdir(join(dir, 'SRPMS'), { recursive: true });
  await mkdir(join(dir, 'elsewhere'), { recursive: true });
  const moved: BuiltRpm[] = [];
  for (const rpm of built) {
    let target = rpm.path;
    if (rpm.arch === 'src') target = join(dir, 'SRPMS', rpm.fileName);
    else if (rpm.name === 'gamma-doc') target = join(dir, 'sub', 'deeper', rpm.fileName);
    else if (rpm.name === 'delta') target = join(dir, 'sub', rpm.fileName);
    if (target !== rpm.path) await rename(rpm.path, target);
    moved.push({ ...rpm, path: target });
  }
  // epsilon's file sits in elsewhere/ and is linked from the top: createrepo_c indexes both paths.
  const epsilon = moved.find((rpm) => rpm.name === 'epsilon')!;
  const real = join(dir, 'elsewhere', epsilon.fileName);
  await rename(epsilon.path, real);
  await symlink(join('elsewhere', epsilon.fileName), epsilon.path);
  return moved;
}
