import { mkdir, readFile, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { isFerryError } from '../errors.js';
import {
  readAggregateHash,
  shardedCommitDir,
  snapshotName,
  switchLabel,
  writeAggregateRepo,
} from '../layout/index.js';
import { asidePath, writeFileAtomic } from './atomic-write.js';
import { assertSafeName, isSafeName, MAX_NAME_BYTES, nameBytes } from './names.js';

/** Linux's NAME_MAX: bytes in one file name. */
const NAME_MAX = 255;

describe('names that become paths', () => {
  it('counts UTF-8 bytes and stops at MAX_NAME_BYTES', () => {
    expect(MAX_NAME_BYTES).toBe(200);
    expect(nameBytes('é')).toBe(2);
    expect(isSafeName('a'.repeat(200))).toBe(true);
    expect(isSafeName('a'.repeat(201))).toBe(false);
    expect(() => assertSafeName('a'.repeat(236), 'package name')).toThrow(
      /^invalid package name "a{40}…": at most 200 bytes \(it has 236\)$/,
    );
    expect(() => assertSafeName('a/b')).toThrow(/use letters, digits/);
  });

  it('leaves room for the longest name ferry derives: the aside file of <name>.repo.md5 with a 7-digit pid', () => {
    const longest = `.${'n'.repeat(MAX_NAME_BYTES)}.repo.md5.4194304.${'f'.repeat(8)}.tmp`;
    const aside = basename(asidePath(`/x/${'n'.repeat(MAX_NAME_BYTES)}.repo.md5`));

    expect(Buffer.byteLength(longest)).toBeLessThanOrEqual(NAME_MAX);
    expect(Buffer.byteLength(aside)).toBeLessThanOrEqual(Buffer.byteLength(longest));
  });

  it('names snapshot directories after commit hashes of at most 64 characters, so their siblings fit too', () => {
    const longest = { commitHash: 'c'.repeat(64), distroHash: 'd'.repeat(64), extendedHash: 'e'.repeat(128) };

    const name = snapshotName(longest);

    expect(name.length).toBe(91);
    expect(Buffer.byteLength(`.${name}.4194304.${'f'.repeat(8)}.tmp`)).toBeLessThanOrEqual(NAME_MAX);
    expect(() => shardedCommitDir({ ...longest, commitHash: 'c'.repeat(65) })).toThrow(/invalid commit hash/);
  });

  it('writes every file of a label, a component and a repository name of the limit on a real file system', async () => {
    const reposDir = await tempDir('ferry-names-');
    const [label, component, reponame] = ['l', 'c', 'r'].map((c) => c.repeat(MAX_NAME_BYTES)) as [
      string,
      string,
      string,
    ];
    const snapshot = { commitHash: 'abcdef0123', distroHash: 'd1', component };
    const dir = join(reposDir, 'component', component, 'ab', 'cd', 'abcdef0123_d1');
    await mkdir(join(dir), { recursive: true });
    await writeFileAtomic(join(dir, `${reponame}.repo`), '[x]\n');
    await writeFileAtomic(join(dir, 'versions.csv'), 'header\n');

    await switchLabel(reposDir, label, snapshot);
    const aggregate = await writeAggregateRepo(reposDir, label, [component], reponame);

    expect(await readAggregateHash(reposDir, label, reponame)).toBe(aggregate.hash);
    expect(await readFile(join(reposDir, label, `${reponame}.repo`), 'utf8')).toBe('[x]\n\n');
  });

  it('property: any name is either safe, and works as a file name with its aside file, or a FERRY_INVALID_NAME', async () => {
    const dir = await tempDir('ferry-names-');
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 260 }),
      fc.stringMatching(/^[A-Za-z0-9_+][A-Za-z0-9._+-]{150,230}$/),
      fc.integer({ min: 60, max: 130 }).map((n) => 'é'.repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        let safe: boolean;
        try {
          assertSafeName(name);
          safe = true;
        } catch (error) {
          expect(isFerryError(error) && error.code === 'FERRY_INVALID_NAME').toBe(true);
          safe = false;
        }

        expect(safe).toBe(isSafeName(name));
        if (safe) {
          await writeFileAtomic(join(dir, `${name}.repo.md5`), 'x');
          await symlink('target', asidePath(join(dir, name)));
        }
      }),
      { numRuns: 300, seed: 9_000_010 },
    );
  });
});
