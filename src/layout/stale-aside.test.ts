import { lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { findStaleAsideFiles, sweepStaleAsideFiles } from './stale-aside.js';

/** Above the largest pid_max: no process has it. */
const DEAD = 4_194_305;

describe('stale temporaries of repos/', () => {
  it('are found and removed at every depth ferry writes them, never inside a snapshot nor through a symlink', async () => {
    const root = await tempDir('ferry-stale-');
    const repos = join(root, 'repos');
    const outside = join(root, 'outside');
    const snapshot = join(repos, 'ab', 'cd', 'abcd1234_00000000');
    const componentSnapshot = join(repos, 'component', 'base', 'ef', '01', 'ef01_00000000');
    const copy = join(repos, 'current', '9f', '3c', '9f3c0000000000000000000000000000');
    for (const dir of [outside, snapshot, componentSnapshot, copy]) await mkdir(dir, { recursive: true });
    const stale = [
      `.current.${DEAD}.0badbeef.tmp`,
      `ab/cd/.abcd1234_00000000.${DEAD}.1badbeef.tmp`,
      `component/base/.current.${DEAD}.2badbeef.tmp`,
      `component/base/ef/01/.ef01_00000000.${DEAD}.3badbeef.tmp`,
      `current/.delorean.repo.md5.${DEAD}.4badbeef.tmp`,
      `current/9f/3c/9f3c0000000000000000000000000000/.delorean.repo.${DEAD}.5badbeef.tmp`,
    ];
    const kept = [
      // A live process may be writing these.
      `.consistent.${process.pid}.6badbeef.tmp`,
      // Snapshot contents: never looked into.
      `ab/cd/abcd1234_00000000/.commit.yaml.${DEAD}.7badbeef.tmp`,
      'ab/cd/abcd1234_00000000/foo-1.0-1.noarch.rpm',
    ];
    for (const path of [...stale, ...kept]) await writeFile(join(repos, path), 'x');
    await mkdir(join(repos, `ab/cd/.staged.${DEAD}.8badbeef.tmp`), { recursive: true });
    await writeFile(join(repos, `ab/cd/.staged.${DEAD}.8badbeef.tmp/foo.rpm`), 'half');
    // Links into other trees are not followed: a label, and a link out of repos/.
    await writeFile(join(outside, `.victim.${DEAD}.9badbeef.tmp`), 'not ours');
    await symlink(outside, join(repos, 'elsewhere'));
    await symlink('ef/01/ef01_00000000', join(repos, 'component', 'base', 'current'));
    await writeFile(join(componentSnapshot, `.versions.csv.${DEAD}.abadbeef.tmp`), 'inside a snapshot');
    const expected = [...stale, `ab/cd/.staged.${DEAD}.8badbeef.tmp`].sort();

    expect(findStaleAsideFiles(repos)).toEqual(expected);
    expect(await sweepStaleAsideFiles(repos)).toEqual(expected);

    expect(findStaleAsideFiles(repos)).toEqual([]);
    for (const path of kept) expect(await lstat(join(repos, path))).toBeTruthy();
    expect(await readdir(outside)).toEqual([`.victim.${DEAD}.9badbeef.tmp`]);
    expect(await readdir(componentSnapshot)).toEqual([`.versions.csv.${DEAD}.abadbeef.tmp`]);
  });
});
