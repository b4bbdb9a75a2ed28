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

    const names = files.map((_, i) => `f${i}.rpm`);
    await Promise.all([
      makeLinks({ from: dir, into: join(dir, 'a'), existing: names, created: names }),
      makeLinks({
        from: dir,
        into: join(dir, 'b'),
        existing: names.slice(0, 10),
        created: names.slice(0, 10),
      }),
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

    const link = (existing: string, created: string) =>
      makeLinks({ from: dir, into: dir, existing: [existing], created: [created] });

    await expect(link('x.rpm', 'taken.rpm')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(link('missing.rpm', 'y.rpm')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(makeLinks({ from: dir, into: dir, existing: ['x.rpm'], created: [] })).rejects.toThrow(
      /as many new names/,
    );
    // The thread still serves later batches.
    await link('x.rpm', 'z.rpm');
    expect((await stat(join(dir, 'z.rpm'))).nlink).toBe(2);
  });
});
