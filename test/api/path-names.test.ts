import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readLabel, RESERVED_LABEL_NAMES, snapshotDir } from '../../src/layout/index.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { post, useApiFixture } from './api-fixture.js';
import { storeState } from './store-state.js';

/** The documented limit of names that become file names (docs/api.md, src/util/names.ts). */
const LIMIT = 200;

/** What the API must answer for a promote_name, written from the documentation, not from the code. */
function expectedStatus(name: string): 201 | 400 | 403 {
  if (Buffer.byteLength(name, 'utf8') > LIMIT) return 400;
  const plain = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/.test(name) && !name.includes('..');
  const reserved =
    ['current', 'consistent'].includes(name.toLowerCase()) ||
    RESERVED_LABEL_NAMES.includes(name) ||
    /^[0-9a-f]{2}$/i.test(name);
  return plain && !reserved ? 201 : 403;
}

/** Names of every class: plain, around the limit, multibyte, with dots, slashes and control characters. */
const names = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,30}$/),
  fc.integer({ min: LIMIT - 10, max: 260 }).map((n) => 'p'.repeat(n)),
  fc
    .tuple(fc.integer({ min: LIMIT - 40, max: LIMIT + 5 }), fc.constantFrom('.', '-', '_', '+', '9'))
    .map(([n, c]) => `n${c.repeat(n - 1)}`),
  fc
    .tuple(fc.integer({ min: 30, max: 140 }), fc.constantFrom('é', '日', '😀', 'a'))
    .map(([n, c]) => `x${c.repeat(n)}`),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,10}$/),
      fc.constantFrom('/', '..', '/../', '\u0000', '\u0001', '\n', '\u007f', ' ', '\\', '%2e'),
      fc.stringMatching(/^[a-z0-9]{0,10}$/),
    )
    .map(([a, b, c]) => `${a}${b}${c}`),
  fc.constantFrom(
    '..',
    '.',
    '.hidden',
    '-rf',
    'Current',
    'CONSISTENT',
    'component',
    'ab',
    'AB',
    'report.html',
  ),
);

/** Hardening item 9: names that become paths have one documented limit, and a 400 past it, never a 500. */
describe.each(TEST_DIALECTS)('names that become paths, on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const promote = (name: string) =>
    f.inject(
      post('/api/promote', {
        commit_hash: f.commits.foo.commitHash,
        distro_hash: f.commits.foo.distroHash,
        promote_name: name,
      }),
    );

  it('takes promotion names up to 200 bytes and answers 400 past them (236-255 gave 500)', async () => {
    const lengths = [199, 200, 201, 233, 234, 236, 245, 255, 256, 300];
    const before = await storeState(f.store, f.reposDir);

    const statuses = [];
    for (const n of lengths) statuses.push((await promote('r'.repeat(n))).statusCode);
    const multibyte = await promote(`x${'é'.repeat(100)}`);
    const label = await readLabel(f.reposDir, 'r'.repeat(200));
    const after = await storeState(f.store, f.reposDir);

    expect(statuses).toEqual([201, 201, 400, 400, 400, 400, 400, 400, 400, 400]);
    expect(multibyte.statusCode).toBe(400);
    expect(multibyte.json()).toEqual({
      message: 'Invalid parameters: promote_name: at most 200 bytes (it has 201)',
    });
    expect(label?.dir).toBe(snapshotDir(f.reposDir, f.commits.foo));
    expect(after.counts.promotions - before.counts.promotions).toBe(2);
  });

  it('property: generated promotion names never give a 5xx; refused ones change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(names, fc.boolean(), async (name, batch) => {
        const before = await storeState(f.store, f.reposDir);
        const hashes = { commit_hash: f.commits.foo.commitHash, distro_hash: f.commits.foo.distroHash };

        const res = batch
          ? await f.inject(
              post('/api/promote-batch', [
                { ...hashes, promote_name: 'batch-first' },
                { ...hashes, promote_name: name },
              ]),
            )
          : await promote(name);
        const after = await storeState(f.store, f.reposDir);

        expect(res.statusCode).toBeLessThan(500);
        expect(res.statusCode).toBe(expectedStatus(name));
        if (res.statusCode === 201) {
          expect((await readLabel(f.reposDir, name))?.dir).toBe(snapshotDir(f.reposDir, f.commits.foo));
          expect(after.counts.promotions - before.counts.promotions).toBe(batch ? 2 : 1);
          // No temporary link is left beside the label.
          expect(after.repos.filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
        } else {
          expect(after).toEqual(before);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 200 : 80, seed: 9_000_009 },
    );
  });
});
