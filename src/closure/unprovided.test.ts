import { describe, expect, it } from 'vitest';

import { pkg } from '../../test/closure/pool-helper.js';
import { formatDependency, parseDependency } from '../rpm/index.js';
import { unprovidedDependencies } from './unprovided.js';

const available = [
  pkg('python3-devel-3.11-1.x86_64', { provides: ['python3-devel = 3.11-1', 'python(abi) = 3.11'] }),
  pkg('gcc-12-1.x86_64', { files: ['/usr/bin/gcc'] }),
  pkg('pbr-1:5.11-1.noarch', { provides: ['python3-pbr = 1:5.11-1'] }),
  pkg('armlib-1.0-1.aarch64', { provides: ['armlib = 1.0-1'] }),
];

async function missing(texts: readonly string[]): Promise<string[]> {
  const deps = texts.map((text) => parseDependency(text));
  return (await unprovidedDependencies(available, deps, { systemArch: 'x86_64' })).map((dep) =>
    formatDependency(dep),
  );
}

describe('unprovidedDependencies', () => {
  it('finds nothing missing when names, ranges, epochs and files are provided', async () => {
    expect(
      await missing([
        'python3-devel >= 3.9',
        'python(abi) = 3.11',
        '/usr/bin/gcc',
        'python3-pbr >= 1:5',
        'gcc',
      ]),
    ).toEqual([]);
  });

  it('names each dependency nothing provides: unknown name, version out of range, epoch, file, arch', async () => {
    expect(
      await missing([
        'nosuch',
        'python3-devel >= 3.12',
        'python3-pbr >= 2:1',
        '/usr/bin/clang',
        'armlib',
        'gcc',
      ]),
    ).toEqual(['nosuch', 'python3-devel >= 3.12', 'python3-pbr >= 2:1', '/usr/bin/clang', 'armlib']);
  });

  it('evaluates rich dependencies as the closure does', async () => {
    expect(
      await missing([
        '(gcc or clang)',
        '(clang or nosuch)',
        '(python3-devel with python(abi) = 3.11)',
        '(armlib if gcc)',
      ]),
    ).toEqual(['(clang or nosuch)', '(armlib if gcc)']);
  });
});
