import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { readRepodata } from '../repo/index.js';
import { libraryRepodata } from './snapshot-repodata.js';
import { stageSnapshot } from './snapshot-stage.js';

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

describe('stageSnapshot', () => {
  it("reads the build's own RPMs even when the previous snapshot has a file of the same name", async () => {
    const root = await tempDir('ferry-stage-');
    // Two builds of foo-1.0-1 that differ (a rebuild of the same NVR), and another package.
    const [first] = await buildRpms(
      [{ name: 'foo', version: '1.0', release: '1', summary: 'first' }],
      join(root, 'a'),
    );
    const [second] = await buildRpms(
      [{ name: 'foo', version: '1.0', release: '1', summary: 'second', requires: ['bar'] }],
      join(root, 'b'),
    );
    const [bar] = await buildRpms(
      [{ name: 'bar', version: '2.0', release: '1' }],
      join(root, 'repos', 'bar'),
    );
    expect(first!.fileName).toBe(second!.fileName);

    const previous = join(root, 'repos', 'prev');
    await mkdir(previous);
    await copyFile(first!.path, join(previous, first!.fileName));
    await copyFile(bar!.path, join(previous, bar!.fileName));
    await libraryRepodata.write(previous, {
      previous: null,
      added: [first!.fileName, bar!.fileName],
      removed: [],
    });

    const work = join(root, 'work');
    await mkdir(work);
    await copyFile(second!.path, join(work, second!.fileName));
    const staging = join(root, 'repos', 'next');
    await stageSnapshot(
      {
        final: join(root, 'repos', 'final'),
        workspaceRoot: root,
        moveIn: [join(work, second!.fileName)],
        write: {},
        contents: {
          links: [{ name: bar!.fileName, artifact: `repos/bar/${bar!.fileName}` }],
          versions: [],
          failures: 0,
          failing: [],
          unbuilt: [],
        },
        previous: { dir: previous, files: new Set([first!.fileName, bar!.fileName]) },
        repodata: libraryRepodata,
      },
      staging,
    );

    const { packages } = await readRepodata(staging);
    expect(packages.map((p) => p.name).sort()).toEqual(['bar', 'foo']);
    const foo = packages.find((p) => p.name === 'foo')!;
    expect(foo.summary).toBe('second');
    expect(foo.checksum.value).toBe(await sha256(join(staging, second!.fileName)));
    expect(foo.requires.map((r) => r.name)).toContain('bar');
    const linked = packages.find((p) => p.name === 'bar')!;
    expect(linked.checksum.value).toBe(await sha256(bar!.path));
  });
});
