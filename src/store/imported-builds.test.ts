import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { NewCommit } from './commits.js';
import type { Store } from './open-store.js';
import { FLAG_IMPORTED, FLAG_PURGED, isImportedBuild } from './records.js';

const NOW = 1_700_000_000;

function build(word: string, extra: Partial<NewCommit> = {}): NewCommit {
  return {
    projectName: 'python-foo',
    commitHash: word.repeat(40).slice(0, 40),
    distroHash: 'd'.repeat(40),
    status: 'SUCCESS',
    commitBranch: 'master',
    dtCommit: NOW,
    dtDistro: NOW,
    dtBuild: NOW,
    ...extra,
  };
}

/** Builds remote/import brought (FLAG_IMPORTED) versus ferry's own, in the queries the chaser decides with. */
describe.each(TEST_DIALECTS)('imported builds on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
  });
  afterEach(async () => {
    await store.close();
  });

  it('are told apart by findCommits, lastProcessedCommit and lastBuiltCommit, other flags aside', async () => {
    const own = await store.recordCommit(build('a', { flags: FLAG_PURGED }));
    const imported = await store.recordCommit(
      build('b', { flags: FLAG_IMPORTED | FLAG_PURGED, dtCommit: NOW + 80_000, dtBuild: NOW + 80_000 }),
    );

    expect([own, imported].map((c) => [isImportedBuild(c), c.purged])).toEqual([
      [false, true],
      [true, true],
    ]);
    expect((await store.findCommits({ imported: false })).map((c) => c.id)).toEqual([own.id]);
    expect((await store.findCommits({ imported: true })).map((c) => c.id)).toEqual([imported.id]);
    expect((await store.findCommits({})).map((c) => c.id)).toEqual([imported.id, own.id]);
    expect((await store.lastProcessedCommit('python-foo'))?.id).toBe(imported.id);
    expect((await store.lastProcessedCommit('python-foo', { ownOnly: true }))?.id).toBe(own.id);
    expect((await store.lastBuiltCommit('python-foo', 'master'))?.id).toBe(imported.id);
    expect((await store.lastBuiltCommit('python-foo', 'master', { ownOnly: true }))?.id).toBe(own.id);
  });

  it('hide no upstream commit by the commit time they claim; their exact hashes still count as built', async () => {
    const imported = await store.recordCommit(build('b', { flags: FLAG_IMPORTED, dtCommit: NOW + 500 }));
    await store.recordCommit(build('a', { dtCommit: NOW + 100 }));
    const candidate = (word: string, dtCommit: number) => ({
      commitHash: word.repeat(40).slice(0, 40),
      distroHash: 'd'.repeat(40),
      dtCommit,
    });

    expect(
      await Promise.all([
        store.isAlreadyBuilt(candidate('c', NOW + 500)),
        store.isAlreadyBuilt(candidate('c', NOW + 100)),
        store.isAlreadyBuilt({ ...candidate('b', NOW + 1), commitHash: imported.commitHash }),
      ]),
    ).toEqual([false, true, true]);
  });
});
