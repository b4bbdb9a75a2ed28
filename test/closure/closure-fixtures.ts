/**
 * Repositories with injected breakage for the closure tests, built with the
 * fixture factory (real RPMs from rpmbuild): versions, epochs, releases,
 * file dependencies (primary files, files only filelists carries,
 * directories, ghosts, explicit path provides), rich dependencies with and
 * without a satisfying branch for every operator, multilib and foreign
 * architectures, two versions of a package (newest), obsoletes, a source
 * rpm, and a lookaside repository.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { buildRpms, type BuiltRpm, type FixtureSpec } from '../helpers/rpm-factory.js';

export const MAIN_SPECS: readonly FixtureSpec[] = [
  {
    name: 'cl-lib',
    version: '1.5',
    release: '1',
    provides: [
      'cl-api = 3',
      'cl-unversioned',
      'cl-norel = 2.0',
      'cl-tilde = 1.0~rc1',
      'cl-caret = 1.0^git1',
      'perl(Cl::Mod) = 1.10',
      '/bin/clsh',
    ],
    files: [
      { path: '/usr/bin/cl-tool' },
      { path: '/usr/share/cl-lib/data.txt' },
      { path: '/usr/share/cl-lib/plugins', kind: 'dir' },
      { path: '/var/lib/cl-lib/state', kind: 'ghost' },
    ],
  },
  {
    name: 'cl-versions',
    version: '1.0',
    release: '1',
    requires: [
      'cl-lib >= 2.0',
      'cl-lib >= 1.0',
      'cl-lib = 1.5-1',
      'cl-lib = 1.5-2',
      'cl-lib < 1.0',
      'cl-lib <= 1.5',
      'cl-lib > 1.5',
      'cl-api = 3',
      'cl-api > 3',
      'cl-unversioned >= 99',
      'cl-norel = 2.0-5',
      'cl-tilde >= 1.0',
      'cl-caret >= 1.0',
      'perl(Cl::Mod) >= 1.2',
      'missing-thing',
    ],
    requiresPre: ['missing-pre-thing'],
    requiresPost: ['cl-lib'],
    conflicts: ['cl-lib'],
  },
  { name: 'cl-epoch', epoch: 2, version: '1.0', release: '1' },
  {
    name: 'cl-epochuser',
    version: '1.0',
    release: '1',
    requires: [
      'cl-epoch >= 5.0',
      'cl-epoch >= 3:0.1',
      'cl-epoch = 1.0-1',
      'cl-epoch = 2:1.0',
      'cl-epoch < 2:1.0-1',
      'cl-epoch <= 2:1.0-1',
      'missing-thing',
    ],
  },
  {
    name: 'cl-files',
    version: '1.0',
    release: '1',
    requires: [
      '/usr/bin/cl-tool',
      '/usr/share/cl-lib/data.txt',
      '/usr/share/cl-lib/plugins',
      '/var/lib/cl-lib/state',
      '/bin/clsh',
      '/usr/bin/not-there',
      '/usr/share/cl-lib',
      '/opt/lookaside/tool',
    ],
  },
  {
    name: 'cl-rich',
    version: '1.0',
    release: '1',
    requires: [
      '(cl-missing-a and cl-missing-b)',
      '(cl-missing-a and cl-lib)',
      '(cl-missing-a or cl-missing-b)',
      '(cl-missing-a or cl-lib >= 1.0)',
      '(cl-missing-a if cl-lib)',
      '(cl-lib if cl-missing-a)',
      '(cl-missing-a if cl-lib else cl-missing-b)',
      '(cl-missing-a if cl-missing-b else cl-lib)',
      '(cl-missing-c or (cl-missing-a unless cl-lib))',
      '(cl-missing-c or (cl-missing-a unless cl-lib else cl-missing-b))',
      '(cl-missing-c or (cl-missing-a unless cl-missing-b else cl-lib))',
      '(cl-lib with cl-api = 3)',
      '(cl-lib with cl-epoch)',
      '(cl-lib without cl-api)',
      '(cl-lib without cl-missing-a)',
      '(cl-lib >= 9 or (cl-epoch and cl-missing-a))',
      '(cl-missing-a or (cl-missing-b and cl-missing-c))',
      '(cl-missing-a and cl-missing-b and cl-missing-c)',
      '((cl-missing-a or cl-missing-b) and cl-missing-c)',
      '(/usr/bin/not-there or /usr/share/cl-lib/data.txt)',
      '(/usr/bin/not-there or cl-missing-a)',
      '(cl-missing-a >= 0:1.0 or cl-missing-b)',
      '(cl-epoch >= 3:1 or cl-missing-a)',
      '(cl-epoch >= 1:1 with cl-epoch < 3)',
      '(cl-x64-cap or cl-missing-a)',
      '(cl-arm-cap or cl-missing-a)',
    ],
  },
  {
    name: 'cl-self',
    version: '1.0',
    release: '1',
    provides: ['cl-self-cap = 4'],
    requires: ['cl-self = 1.0-1', 'cl-self-cap >= 4', 'cl-self > 1.0'],
  },
  {
    name: 'cl-x64',
    version: '1.0',
    release: '1',
    arch: 'x86_64',
    provides: ['cl-x64-cap'],
    requires: ['cl-i686-cap', 'cl-arm-cap', 'cl-noarch-cap', 'missing-thing'],
  },
  {
    name: 'cl-i686lib',
    version: '1.0',
    release: '1',
    arch: 'i686',
    provides: ['cl-i686-cap'],
    requires: ['cl-x64-cap', 'cl-i686-missing'],
  },
  {
    name: 'cl-armlib',
    version: '1.0',
    release: '1',
    arch: 'aarch64',
    provides: ['cl-arm-cap'],
    requires: ['cl-arm-cap', 'cl-lib', 'cl-armlib', 'cl-arm-missing'],
  },
  {
    name: 'cl-noarch-provider',
    version: '1.0',
    release: '1',
    provides: ['cl-noarch-cap'],
  },
  {
    name: 'cl-multi',
    version: '1.0',
    release: '1',
    provides: ['cl-old-cap'],
    requires: ['cl-missing-old'],
  },
  { name: 'cl-multi', version: '2.0', release: '1', requires: ['cl-lib'] },
  { name: 'cl-oldcapuser', version: '1.0', release: '1', requires: ['cl-old-cap', 'cl-multi < 2'] },
  { name: 'cl-obsoleted', version: '1.0', release: '1' },
  { name: 'cl-replacer', version: '1.0', release: '1', obsoletes: ['cl-obsoleted < 2'] },
  { name: 'cl-obsuser', version: '1.0', release: '1', requires: ['cl-obsoleted', 'missing-thing'] },
  { name: 'cl-baseuser', version: '1.0', release: '1', requires: ['cl-base-cap', 'cl-base >= 1'] },
];

/** Built with its source rpm, so the repository holds a .src.rpm (its BuildRequires become requires). */
export const SOURCE_SPECS: readonly FixtureSpec[] = [
  {
    name: 'cl-src',
    version: '1.0',
    release: '1',
    buildRequires: ['cl-missing-builddep', 'cl-lib'],
    requires: ['cl-lib'],
  },
];

/** The lookaside repository (a "base OS"): satisfies dependencies, not checked by default. */
export const BASE_SPECS: readonly FixtureSpec[] = [
  {
    name: 'cl-base',
    version: '1.0',
    release: '1',
    provides: ['cl-base-cap'],
    requires: ['cl-base-missing'],
    files: [{ path: '/opt/lookaside/tool' }],
  },
];

export interface ClosureFixture {
  readonly main: string;
  readonly base: string;
  readonly rpms: readonly BuiltRpm[];
}

/** Builds the main and lookaside repositories' RPMs under `dir` (no repodata yet). */
export async function buildClosureFixture(dir: string): Promise<ClosureFixture> {
  const main = join(dir, 'main');
  const base = join(dir, 'base');
  await Promise.all([mkdir(main, { recursive: true }), mkdir(base, { recursive: true })]);
  const [a, b, c] = await Promise.all([
    buildRpms(MAIN_SPECS, main),
    buildRpms(SOURCE_SPECS, main, { srpm: true }),
    buildRpms(BASE_SPECS, base),
  ]);
  return { main, base, rpms: [...a, ...b, ...c] };
}
