import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from './open-store.js';
import type { BuildStatus, CommitRecord, CommitType } from './records.js';
import type { LastBuildsFilter } from './newest-builds.js';

/** A small deterministic generator (the history must be the same on both dialects). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const STATUSES: BuildStatus[] = ['SUCCESS', 'SUCCESS', 'FAILED', 'RETRY'];

/** The reference: the newest (highest id) build of each package that `keep` accepts, sorted by name. */
function newestOf(all: readonly CommitRecord[], keep: (c: CommitRecord) => boolean): CommitRecord[] {
  const newest = new Map<string, CommitRecord>();
  for (const commit of all) {
    if (!keep(commit)) continue;
    const seen = newest.get(commit.projectName);
    if (!seen || seen.id < commit.id) newest.set(commit.projectName, commit);
  }
  return [...newest.values()].sort((a, b) => (a.projectName < b.projectName ? -1 : 1));
}

describe.each(TEST_DIALECTS)('newest builds on %s', (dialect) => {
  let store: Store;
  let all: CommitRecord[];

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const next = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const projects = Array.from({ length: 40 }, (_, i) => `python-pkg${String(i).padStart(2, '0')}`);
    // Builds in random package order, some of packages that only ever failed or only built containers.
    for (let n = 0; n < 600; n++) {
      const project = pick(projects);
      const type: CommitType = project.endsWith('7') || next() < 0.05 ? 'container' : 'rpm';
      const status: BuildStatus = project.endsWith('3') ? 'FAILED' : pick(STATUSES);
      await store.recordCommit({
        projectName: project,
        commitHash: n.toString(16).padStart(40, 'a'),
        distroHash: n.toString(16).padStart(40, 'd'),
        status,
        type,
        component: next() < 0.3 ? 'network' : 'compute',
        dtBuild: 1_700_000_000 + n,
        artifacts: status === 'SUCCESS' ? [`repos/x/${project}-${n}.rpm`] : [],
      });
    }
    // Rechecks delete builds: a package's newest build can become an older one.
    all = await store.findCommits({ type: null, order: 'asc' });
    for (const commit of all.filter((_, i) => i % 37 === 0)) await store.deleteCommit(commit.id);
    all = await store.findCommits({ type: null, order: 'asc' });
  });
  afterAll(async () => {
    await store.close();
  });

  const filters: [string, LastBuildsFilter, (c: CommitRecord) => boolean][] = [
    ['every status', {}, (c) => c.type === 'rpm'],
    ['successful', { status: 'SUCCESS' }, (c) => c.type === 'rpm' && c.status === 'SUCCESS'],
    ['RETRY left out', { withoutStatus: 'RETRY' }, (c) => c.type === 'rpm' && c.status !== 'RETRY'],
    ['one component', { component: 'network' }, (c) => c.type === 'rpm' && c.component === 'network'],
    [
      'some packages',
      { projects: ['python-pkg01', 'python-pkg13', 'python-none'] },
      (c) => c.type === 'rpm' && ['python-pkg01', 'python-pkg13'].includes(c.projectName),
    ],
    ['containers', { type: 'container' }, (c) => c.type === 'container'],
  ];

  it.each(filters)(
    'lastBuildsPerProject (%s) is the newest matching build of each package',
    async (_, filter, keep) => {
      const expected = newestOf(all, keep);
      expect(expected.length).toBeGreaterThan(0);
      expect(await store.lastBuildsPerProject(filter)).toEqual(expected);
      expect((await store.lastBuildRefs(filter)).map((r) => r.commitHash)).toEqual(
        expected.map((c) => c.commitHash),
      );
    },
  );

  it('newestBuildRefs gives both newest builds a publish needs', async () => {
    const { success, processed } = await store.newestBuildRefs();
    const hashes = (refs: Iterable<{ projectName: string; commitHash: string }>) =>
      [...refs].map((r) => `${r.projectName} ${r.commitHash}`).sort();
    expect(hashes(success.values())).toEqual(
      hashes(newestOf(all, (c) => c.type === 'rpm' && c.status === 'SUCCESS')),
    );
    expect(hashes(processed.values())).toEqual(hashes(newestOf(all, (c) => c.type === 'rpm')));
    // A package that never succeeded is processed (failing) but has nothing to link.
    expect(processed.get('python-pkg03')?.status).toBe('FAILED');
    expect(success.has('python-pkg03')).toBe(false);
    expect(processed.has('python-pkg07')).toBe(false);
  });
});
