import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { TEST_DIALECTS } from '../helpers/databases.js';
import { NOW, post, useApiFixture, type ApiFixture } from './api-fixture.js';
import { storeState } from './store-state.js';

const snapshotOf = (f: ApiFixture) => storeState(f.store, f.reposDir);

const AGGREGATE = 'a'.repeat(32);

/** A promotion name in use and one that was used (it points elsewhere now), and an aggregate hash to vote on. */
async function promote(f: ApiFixture): Promise<void> {
  const at = (commit: { commitHash: string; distroHash: string }, name: string) =>
    f.inject(
      post('/api/promote', {
        commit_hash: commit.commitHash,
        distro_hash: commit.distroHash,
        promote_name: name,
      }),
    );
  expect((await at(f.commits.fooOld, 'tripleo-ci-testing')).statusCode).toBe(201);
  expect((await at(f.commits.foo, 'tripleo-ci-testing')).statusCode).toBe(201);
  expect((await at(f.commits.bar, 'current-tripleo')).statusCode).toBe(201);
  await f.store.recordPromotion({
    commitId: f.commits.foo.id,
    promotionName: 'rdo-promoted',
    aggregateHash: AGGREGATE,
  });
}

const RESERVED = ['current', 'consistent', 'tripleo-ci-testing', 'current-tripleo', 'rdo-promoted'];

/** Hardening item 1: no client may vote under a name ferry maintains as a label. */
describe.each(TEST_DIALECTS)('reserved job names on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const repoVote = (job: string) => ({
    commit_hash: f.commits.fooOld.commitHash,
    distro_hash: f.commits.fooOld.distroHash,
    job_id: job,
    url: 'https://ci.example.org/1',
    timestamp: NOW,
    success: false,
  });
  const aggregateVote = (job: string) => ({
    aggregate_hash: AGGREGATE,
    job_id: job,
    url: 'https://ci.example.org/1',
    timestamp: NOW,
    success: true,
  });

  it('refuses current, consistent and every promotion name with 403 wherever a job name is written', async () => {
    await promote(f);
    const before = await snapshotOf(f);

    const answers = [];
    for (const name of RESERVED) {
      for (const request of [
        post('/api/report_result', repoVote(name)),
        post('/api/report_result', aggregateVote(name)),
        post('/api/last_tested_repo', { max_age: 0, reporting_job_id: name }),
      ]) {
        const res = await f.inject(request);
        answers.push([name, res.statusCode, res.json<{ message: string }>().message]);
      }
    }

    expect(answers).toEqual(
      RESERVED.flatMap((name) => [
        [name, 403, expect.stringMatching(new RegExp(`^Invalid job_id ${name}: current, consistent`))],
        [name, 403, expect.stringMatching(new RegExp(`^Invalid job_id ${name}: `))],
        [name, 403, expect.stringMatching(new RegExp(`^Invalid reporting_job_id ${name}: `))],
      ]),
    );
    expect(await snapshotOf(f)).toEqual(before);
  });

  it('takes other names, lookalikes included (the store compares names exactly)', async () => {
    await promote(f);

    const statuses = [];
    for (const name of ['Consistent', 'consistent-check', 'tripleo-ci-testing-job', 'CURRENT']) {
      statuses.push((await f.inject(post('/api/report_result', repoVote(name)))).statusCode);
    }

    expect(statuses).toEqual([201, 201, 201, 201]);
  });

  it("last_tested_repo's consistent pass never answers a client's consistent vote", async () => {
    // As an older ferry stored it: a write user's `consistent`, newer than the chaser's (on foo).
    await f.store.recordVote({
      commitId: f.commits.bar.id,
      ciName: 'consistent',
      ciVote: true,
      timestamp: NOW,
      user: 'writer',
    });

    const asked = await f.inject({ method: 'GET', url: '/api/last_tested_repo?max_age=0&job_id=consistent' });
    const fallback = await f.inject({
      method: 'GET',
      url: '/api/last_tested_repo?max_age=0&job_id=nojob&success=true&component=nothing',
    });

    expect(asked.json()).toMatchObject({
      job_id: 'consistent',
      commit_hash: f.commits.foo.commitHash,
      user: null,
    });
    expect(fallback.statusCode).toBe(400);
  });

  it('property: generated job names never give a 5xx; refused ones change nothing, taken ones add one vote', async () => {
    await promote(f);
    const names = fc.oneof(
      fc.constantFrom(...RESERVED),
      fc.constantFrom(...RESERVED).map((name) => name.toUpperCase()),
      fc
        .constantFrom(...RESERVED)
        .chain((name) => fc.string({ maxLength: 3 }).map((tail) => `${name}${tail}`)),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.string({ minLength: 250, maxLength: 260 }),
    );
    const kinds = fc.constantFrom('repo', 'aggregate', 'in-progress');

    await fc.assert(
      fc.asyncProperty(names, kinds, async (name, kind) => {
        const before = await snapshotOf(f);
        const request =
          kind === 'repo'
            ? post('/api/report_result', repoVote(name))
            : kind === 'aggregate'
              ? post('/api/report_result', aggregateVote(name))
              : post('/api/last_tested_repo', { max_age: 0, reporting_job_id: name });

        const res = await f.inject(request);
        const after = await snapshotOf(f);

        expect(res.statusCode).toBeLessThan(500);
        if (RESERVED.includes(name)) expect(res.statusCode).toBe(403);
        if (res.statusCode >= 400) {
          expect(after).toEqual(before);
        } else {
          const added =
            kind === 'aggregate'
              ? after.counts.aggregateVotes - before.counts.aggregateVotes
              : after.counts.votes - before.counts.votes;
          expect(added).toBe(1);
          expect(after.promotions).toEqual(before.promotions);
          expect(after.repos).toEqual(before.repos);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 150 : 60, seed: 1_000_001 },
    );
  });
});
