import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { rememberSnapshotFiles, snapshotFiles } from './snapshot-files.js';

/** A snapshot directory with repodata/ and these files. */
function snapshot(dir: string, files: readonly string[]): string {
  mkdirSync(join(dir, 'repodata'), { recursive: true });
  for (const file of files) writeFileSync(join(dir, file), file);
  return dir;
}

describe('snapshot files', () => {
  it('lists the RPMs of a snapshot with repodata, and nothing for one without or a missing one', async () => {
    const root = await tempDir('ferry-snapshot-files-');
    const dir = snapshot(join(root, 'a'), ['x-1.noarch.rpm', 'y-1.src.rpm', 'versions.csv']);
    mkdirSync(join(root, 'bare'));

    expect([...snapshotFiles(dir)!.files].sort()).toEqual(['x-1.noarch.rpm', 'y-1.src.rpm']);
    expect(snapshotFiles(join(root, 'bare'))).toBeNull();
    expect(snapshotFiles(join(root, 'missing'))).toBeNull();
  });

  it('answers from the remembered publish until the directory changes', async () => {
    const root = await tempDir('ferry-snapshot-files-');
    const dir = snapshot(join(root, 'a'), ['x-1.noarch.rpm', 'y-1.noarch.rpm']);
    // What the publish said it put there (a different list, to tell the memo from a listing).
    rememberSnapshotFiles(dir, ['x-1.noarch.rpm', 'y-1.noarch.rpm', 'remembered.rpm']);

    expect(snapshotFiles(dir)!.files.has('remembered.rpm')).toBe(true);
    // Another directory at the same path is another inode; a removed file changes mtime and ctime
    // (kernel timestamps move by clock ticks: wait one out first).
    await sleep(30);
    rmSync(join(dir, 'y-1.noarch.rpm'));
    expect([...snapshotFiles(dir)!.files]).toEqual(['x-1.noarch.rpm']);
    rmSync(dir, { recursive: true });
    snapshot(dir, ['z-1.noarch.rpm']);
    expect([...snapshotFiles(dir)!.files]).toEqual(['z-1.noarch.rpm']);
  });
});
