/**
 * scripts/install-deps.sh --dry-run on a PATH where none of ferry's tools
 * is installed: it names each package once, as the package manager (apt-get
 * or dnf, stubs here) calls it, the C++ toolchain native modules build with
 * included.
 */
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { exec } from '../../src/util/exec.js';
import { PROJECT_ROOT } from '../helpers/run-ferry.js';
import { tempDir } from '../helpers/temp-dir.js';

// What the script itself runs; everything else it looks for is missing.
const SHELL_TOOLS = ['sh', 'awk', 'sed', 'sort', 'tr', 'id', 'ls', 'cat', 'dirname', 'node'];

async function fakePath(stubs: Record<string, string>): Promise<string> {
  const bin = join(await tempDir('ferry-install-deps-'), 'bin');
  await mkdir(bin);
  for (const tool of SHELL_TOOLS) {
    const found = (await exec('sh', ['-c', `command -v ${tool}`])).stdout.trim();
    await symlink(found, join(bin, tool));
  }
  for (const [name, script] of Object.entries({ npm: 'exit 0', ...stubs })) {
    await writeFile(join(bin, name), `#!/bin/sh\n${script}\n`);
    await chmod(join(bin, name), 0o755);
  }
  return bin;
}

describe('scripts/install-deps.sh', () => {
  it('lists each Debian package once, the toolchain included', async () => {
    const bin = await fakePath({ 'apt-get': 'exit 0' });

    const run = await exec(join(PROJECT_ROOT, 'scripts/install-deps.sh'), ['--dry-run'], {
      env: { PATH: bin, HOME: bin },
    });

    expect(run.stdout).toBe(
      'ferry: would install OS packages with apt-get: createrepo-c dnf dnf-plugins-core g++ git gnupg make openssl python3 rpm xz-utils zstd\n',
    );
  });

  it("lists Fedora's names with dnf, and the repoclosure plugin when dnf lacks it", async () => {
    const bin = await fakePath({ dnf: '[ "$1" = repoclosure ] && exit 1; exit 0' });

    const run = await exec(join(PROJECT_ROOT, 'scripts/install-deps.sh'), ['--dry-run'], {
      env: { PATH: bin, HOME: bin },
    });

    expect(run.stdout).toBe(
      'ferry: would install OS packages with dnf: createrepo_c dnf-plugins-core gcc-c++ git gnupg2 make openssl python3 rpm rpm-build xz zstd\n',
    );
  });
});
