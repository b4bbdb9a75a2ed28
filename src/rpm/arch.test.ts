import { beforeAll, describe, expect, it } from 'vitest';

import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { pythonWithRpmBindings } from '../../test/helpers/rpm-reference.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import { baseArch, compatibleArches, isArchCompatible, isKnownArch, isNoarch, isSourceArch } from './arch.js';

describe('compatibleArches', () => {
  it("follows libsolv's arch policies, noarch last", () => {
    expect({
      x86_64: compatibleArches('x86_64'),
      x86_64Generic: compatibleArches('x86_64', { variant: 'generic' }),
      i686: compatibleArches('i686'),
      aarch64: compatibleArches('aarch64'),
      ppc64le: compatibleArches('ppc64le'),
      s390x: compatibleArches('s390x'),
      armv7hl: compatibleArches('armv7hl'),
      noarch: compatibleArches('noarch'),
    }).toEqual({
      x86_64: ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386', 'noarch'],
      x86_64Generic: ['x86_64', 'i686', 'i586', 'i486', 'i386', 'noarch'],
      i686: ['i686', 'i586', 'i486', 'i386', 'noarch'],
      aarch64: ['aarch64', 'noarch'],
      ppc64le: ['ppc64le', 'noarch'],
      s390x: ['s390x', 's390', 'noarch'],
      armv7hl: ['armv7hl', 'armv6hl', 'noarch'],
      noarch: ['noarch'],
    });
  });

  it('never installs source packages and knows the usual names', () => {
    expect([
      isArchCompatible('i686', 'x86_64'),
      isArchCompatible('x86_64', 'i686'),
      isArchCompatible('noarch', 'aarch64'),
      isArchCompatible('src', 'x86_64'),
      isArchCompatible('aarch64', 'x86_64'),
      isSourceArch('nosrc'),
      isSourceArch('noarch'),
      isNoarch('noarch'),
      isKnownArch('ppc64le'),
      isKnownArch('el9'),
      baseArch('i686'),
      baseArch('armv7hl'),
      baseArch('x86_64'),
      baseArch('aarch64'),
    ]).toEqual([
      true,
      false,
      true,
      false,
      false,
      true,
      false,
      true,
      true,
      false,
      'i386',
      'armhfp',
      'x86_64',
      'aarch64',
    ]);
  });
});

describe('against libsolv (dnf)', () => {
  const arches = ['x86_64', 'i686', 'i586', 'i386', 'aarch64', 'ppc64le', 's390x', 'armv7hl', 'noarch'];
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('ferry-arch-');
    await buildRpms(
      arches.map((arch) => ({
        name: `ferry-arch-${arch}`,
        version: '1',
        release: '1',
        arch,
        provides: [`cap-${arch}`],
      })),
      dir,
      { srpm: true },
    );
  });

  it('agrees on which packages a system can use, source packages included', async () => {
    const python = await pythonWithRpmBindings();
    const program = `
import glob, hawkey, json, sys, tempfile
out = {}
for system in sys.argv[2].split(','):
    cache = tempfile.TemporaryDirectory()  # removed when replaced or when python exits
    sack = hawkey.Sack(cachedir=cache.name, arch=system)
    for f in sorted(glob.glob(sys.argv[1] + '/*.rpm')):
        sack.add_cmdline_package(f)
    caps = ['cap-' + a for a in sys.argv[3].split(',')] + ['ferry-arch-noarch']
    out[system] = [c for c in caps if len(hawkey.Query(sack).filter(provides=hawkey.Reldep(sack, c))) > 0]
json.dump(out, sys.stdout)
`;
    const systems = ['x86_64', 'i686', 'aarch64', 's390x'];

    const { stdout } = await exec(python, ['-c', program, dir, systems.join(','), arches.join(',')]);

    const libsolv = JSON.parse(stdout) as Record<string, string[]>;
    // The binding installed here may be a Fedora or a generic libsolv build; athlon is not in the corpus.
    const ours = Object.fromEntries(
      systems.map((system) => [
        system,
        [
          ...arches.filter((arch) => isArchCompatible(arch, system)).map((arch) => `cap-${arch}`),
          'ferry-arch-noarch',
        ],
      ]),
    );
    expect(libsolv).toEqual(ours);
  });
});
