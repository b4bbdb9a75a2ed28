import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { writtenTable } from './change-stamps.js';
import type { NewCommit } from './commits.js';
import { openStore, type Store } from './open-store.js';

const dir = await tempDir('ferry-change-stamps-');
/** Lets the event loop turn: data_version (another connection's commits) is read once per turn. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('writtenTable', () => {
  it.each([
    ['insert into "civotes" ("commit_id") values (?)', 'civotes'],
    ['INSERT OR REPLACE INTO users (username) values (?)', 'users'],
    ['replace into "users" values (?)', 'users'],
    ['update "commits" set "status" = ? where "id" = ?', 'commits'],
    ['update or ignore Commits set x = 1', 'commits'],
    ['  delete from "users" where "username" = ?', 'users'],
    ['begin immediate', undefined],
    ['commit', undefined],
    ['rollback', undefined],
    ['savepoint a', undefined],
    ['create index "x" on "commits" ("id")', '*'],
    ['with a as (select 1) insert into "commits" select * from a', '*'],
  ])('%s writes %s', (sql, table) => {
    expect(writtenTable(sql)).toBe(table);
  });
});

describe('lookups kept in memory while their table is unchanged (SQLite)', () => {
  let server: Store;
  /** Another connection to the same file: another process, such as the chaser or `ferry user passwd`. */
  let other: Store;
  let n = 0;
  beforeEach(async () => {
    const path = join(dir, `stamps-${++n}.db`);
    server = await openStore(`sqlite:${path}`);
    other = await openStore(`sqlite:${path}`);
  });
  afterEach(async () => {
    await server.close();
    await other.close();
  });

  const build = (commitHash: string, extra: Partial<NewCommit> = {}): NewCommit => ({
    projectName: 'foo',
    commitHash,
    distroHash: 'd'.repeat(40),
    status: 'SUCCESS',
    ...extra,
  });

  it('answers a user from memory, sees this connection’s changes at once and another’s on the next turn', async () => {
    await server.addUser({ name: 'alice', passwordHash: '$scrypt$h1', role: 'write' });
    const first = await server.getUser('alice');
    expect(await server.getUser('alice')).toBe(first); // the same object: not read again
    expect(Object.isFrozen(first)).toBe(true);

    await server.setUserPassword('alice', '$scrypt$h2');
    expect((await server.getUser('alice'))?.passwordHash).toBe('$scrypt$h2');

    await other.setUserRole('alice', 'read');
    await nextTurn();
    expect((await server.getUser('alice'))?.role).toBe('read');

    await other.removeUser('alice');
    await nextTurn();
    expect(await server.getUser('alice')).toBeUndefined();
  });

  it('forgets what a rolled-back transaction changed', async () => {
    await server.addUser({ name: 'bob', passwordHash: '$scrypt$h1', role: 'write' });
    expect((await server.getUser('bob'))?.role).toBe('write');
    await expect(
      server.transaction(async (tx) => {
        await tx.setUserRole('bob', 'admin');
        expect((await tx.getUser('bob'))?.role).toBe('admin');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await server.getUser('bob'))?.role).toBe('write');
  });

  it('follows the newest successful build of a snapshot’s hashes, and never keeps a miss', async () => {
    const hashes = { commitHash: 'a'.repeat(40), distroHash: 'd'.repeat(40) };
    const older = await server.recordCommit(build(hashes.commitHash));
    const seen = await server.findVotedCommit(hashes);
    expect(seen?.id).toBe(older.id);
    expect(await server.findVotedCommit(hashes)).toBe(seen);

    // A rebuild of the same hashes by the chaser (another connection): the vote goes to the new row.
    const rebuilt = await other.recordCommit(build(hashes.commitHash));
    await nextTurn();
    expect((await server.findVotedCommit(hashes))?.id).toBe(rebuilt.id);

    // Unknown hashes are asked again: a build recorded meanwhile is found in the same turn.
    const fresh = { commitHash: 'b'.repeat(40), distroHash: 'd'.repeat(40) };
    expect(await server.findVotedCommit(fresh)).toBeUndefined();
    const recorded = await other.recordCommit(build(fresh.commitHash));
    expect((await server.findVotedCommit(fresh))?.id).toBe(recorded.id);

    // This connection's own change (a build marked failed) is seen at once.
    await server.setCommitStatus(rebuilt.id, 'FAILED');
    expect((await server.findVotedCommit(hashes))?.id).toBe(older.id);
  });
});
