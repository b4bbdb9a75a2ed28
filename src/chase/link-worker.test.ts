import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { makeLinks } from './link-worker.js';

describe('makeLinks', () => {
  it('makes hard links on its thread, batches from concurrent callers kept apart', async () => {
    const dir = await tempDir('ferry-links-');
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    const files = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const path = join(dir, `f${i}.rpm`);
        await writeFile(path, `package ${i}`);
        return path;
      }),
    );

    await Promise.all([
      makeLinks(files.map((f, i) => [f, join(dir, 'a', `f${i}.rpm`)] as const)),
      makeLinks(files.slice(0, 10).map((f, i) => [f, join(dir, 'b', `f${i}.rpm`)] as const)),
    ]);

    for (const [i, file] of files.entries()) {
      const original = await stat(file);
      expect((await stat(join(dir, 'a', `f${i}.rpm`))).ino).toBe(original.ino);
      expect(original.nlink).toBe(i < 10 ? 3 : 2);
    }
  });

  it('rejects with the first failure and its fs code', async () => {
    const dir = await tempDir('ferry-links-');
    await writeFile(join(dir, 'x.rpm'), 'x');
    await writeFile(join(dir, 'taken.rpm'), 'other');

    await expect(makeLinks([[join(dir, 'x.rpm'), join(dir, 'taken.rpm')]])).rejects.toMatchObject({
      code: 'EEXIST',
    });
    await expect(makeLinks([[join(dir, 'missing.rpm'), join(dir, 'y.rpm')]])).rejects.toMatchObject({
      code: 'ENOENT',
    });
    // The thread still serves later batches.
    await makeLinks([[join(dir, 'x.rpm'), join(dir, 'z.rpm')]]);
    expect((await stat(join(dir, 'z.rpm'))).nlink).toBe(2);
  });
});
