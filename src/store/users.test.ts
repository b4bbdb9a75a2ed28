import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from './open-store.js';

describe.each(TEST_DIALECTS)('users, projects and metrics on %s', (dialect) => {
  let store: Store;
  let now = 1_700_000_000;
  beforeEach(async () => {
    now = 1_700_000_000;
    store = await openTestStore(dialect, { clock: () => now });
  });
  afterEach(async () => {
    await store.close();
  });

  it('adds, lists, updates and removes users', async () => {
    const alice = await store.addUser({ name: 'alice', passwordHash: '$scrypt$h1', role: 'write' });
    await store.addUser({ name: 'ci@example.org', passwordHash: '$6$x', role: 'read' });
    now += 10;

    await store.setUserPassword('alice', '$scrypt$h2');
    await store.setUserRole('ci@example.org', 'admin');
    const users = await store.listUsers();
    await store.removeUser('ci@example.org');

    expect(alice).toEqual({
      name: 'alice',
      passwordHash: '$scrypt$h1',
      role: 'write',
      createdAt: 1_700_000_000,
      updatedAt: 1_700_000_000,
    });
    expect(users).toEqual([
      {
        name: 'alice',
        passwordHash: '$scrypt$h2',
        role: 'write',
        createdAt: 1_700_000_000,
        updatedAt: 1_700_000_010,
      },
      {
        name: 'ci@example.org',
        passwordHash: '$6$x',
        role: 'admin',
        createdAt: 1_700_000_000,
        updatedAt: 1_700_000_010,
      },
    ]);
    expect(await store.getUser('ci@example.org')).toBeUndefined();
    expect((await store.getUser('alice'))?.passwordHash).toBe('$scrypt$h2');
  });

  it('refuses a taken name, an invalid name or role, and changes to a missing user', async () => {
    await store.addUser({ name: 'alice', passwordHash: 'h', role: 'read' });

    await expect(store.addUser({ name: 'alice', passwordHash: 'h', role: 'read' })).rejects.toMatchObject({
      code: 'FERRY_CONFLICT',
      message: 'user alice already exists',
    });
    await expect(store.addUser({ name: 'a:b', passwordHash: 'h', role: 'read' })).rejects.toMatchObject({
      code: 'FERRY_INVALID_NAME',
    });
    await expect(
      store.addUser({ name: 'bob', passwordHash: 'h', role: 'root' as never }),
    ).rejects.toMatchObject({
      code: 'FERRY_USAGE',
    });
    await expect(store.removeUser('bob')).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
    await expect(store.setUserPassword('bob', 'h')).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
    await expect(store.setUserRole('bob', 'read')).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
  });

  it('upgrades a hash only if it did not change meanwhile', async () => {
    await store.addUser({ name: 'alice', passwordHash: '$6$old', role: 'write' });

    const upgraded = await store.setUserPassword('alice', '$scrypt$new', '$6$old');
    const stale = await store.setUserPassword('alice', '$scrypt$other', '$6$old');

    expect([upgraded, stale]).toEqual([true, false]);
    expect((await store.getUser('alice'))?.passwordHash).toBe('$scrypt$new');
  });

  it('notifies about a package at most once a day', async () => {
    const first = await store.claimNotification('python-foo');
    const sameDay = await store.claimNotification('python-foo', { now: now + 3600 });
    const other = await store.claimNotification('python-bar');
    const nextDay = await store.claimNotification('python-foo', { now: now + 86_400 });

    expect([first, sameDay, other, nextDay]).toEqual([true, false, true, true]);
    expect(await store.getProject('python-foo')).toMatchObject({
      projectName: 'python-foo',
      lastNotified: now + 86_400,
    });
    expect((await store.listProjects()).map((p) => p.projectName)).toEqual(['python-bar', 'python-foo']);
    expect((await store.ensureProject('python-baz')).lastNotified).toBe(0);
  });

  it('counts builds over a half-open period and in total', async () => {
    const base = { projectName: 'foo', commitHash: 'c'.repeat(40), distroHash: 'd'.repeat(40) };
    await store.recordCommit({ ...base, status: 'SUCCESS', dtBuild: 100 });
    await store.recordCommit({ ...base, status: 'SUCCESS', dtBuild: 199 });
    await store.recordCommit({ ...base, status: 'SUCCESS', dtBuild: 200 });
    await store.recordCommit({ ...base, status: 'FAILED', dtBuild: 150 });
    await store.recordCommit({ ...base, status: 'FAILED', dtBuild: 200 });
    await store.recordCommit({ ...base, status: 'RETRY', dtBuild: 150 });
    const bar = await store.recordCommit({ ...base, projectName: 'bar', status: 'SUCCESS', dtBuild: 120 });
    await store.recordVote({ commitId: bar.id, ciName: 'j', ciVote: true });
    await store.recordAggregateVote({ refHash: 'h', ciName: 'j', ciVote: true });
    await store.recordPromotion({ commitId: bar.id, promotionName: 'p' });

    expect(await store.buildMetrics({ start: 100, end: 200 })).toEqual({ succeeded: 3, failed: 1, total: 4 });
    expect(await store.buildMetrics({ start: 100, end: 200, project: 'foo' })).toEqual({
      succeeded: 2,
      failed: 1,
      total: 3,
    });
    expect(await store.buildMetrics({ start: 500, end: 600 })).toEqual({ succeeded: 0, failed: 0, total: 0 });
    expect(await store.storeCounts()).toEqual({
      succeeded: 4,
      failed: 2,
      retry: 1,
      builds: 7,
      votes: 1,
      aggregateVotes: 1,
      promotions: 1,
    });
  });
});
