import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { postgresTestDatabase, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { PROJECT_ROOT } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import { knownMigrations } from './migrate.js';
import { openStore } from './open-store.js';

/**
 * A separate process that opens the store (the compiled one, as `ferry`
 * runs it) and records votes from several concurrent lanes.
 */
const VOTER = `
const [, storeModule, url, commitId, count, name] = process.argv;
const { openStore } = await import(storeModule);
const store = await openStore(url);
const lanes = 4;
await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
  for (let i = lane; i < Number(count); i += lanes) {
    await store.recordVote({ commitId: Number(commitId), ciName: name, ciVote: i % 2 === 0, timestamp: 1000 + i, notes: String(i) });
  }
}));
await store.close();
process.stdout.write('done');
`;

const OPENER = `
const [, storeModule, url] = process.argv;
const { openStore } = await import(storeModule);
const store = await openStore(url, { create: true });
process.stdout.write(JSON.stringify(store.migrations.applied));
await store.close();
`;

const STORE_MODULE = join(PROJECT_ROOT, 'dist/store/index.js');

function runNode(script: string, args: readonly string[]) {
  return exec(process.execPath, ['--input-type=module', '-e', script, '--', STORE_MODULE, ...args], {
    timeoutMs: 120_000,
  });
}

const dir = await tempDir('ferry-store-concurrency-');

async function urlFor(dialect: string, name: string): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:${join(dir, `${name}.db`)}`;
  return postgresTestDatabase();
}

describe.each(TEST_DIALECTS)('concurrent writers on %s', (dialect) => {
  it('stores every vote of 4 processes posting 500 each over 4 connections: exactly 2,000', async () => {
    const url = await urlFor(dialect, 'votes');
    const store = await openStore(url);
    const commit = await store.recordCommit({
      projectName: 'foo',
      commitHash: 'a'.repeat(40),
      distroHash: 'b'.repeat(40),
      status: 'SUCCESS',
    });

    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => runNode(VOTER, [url, String(commit.id), '500', `job-${i}`])),
    );
    const counts = await store.storeCounts();
    const perJob = await Promise.all(
      Array.from(
        { length: 4 },
        async (_, i) => (await store.findVotes({ ciName: `job-${i}`, limit: 1000 })).length,
      ),
    );
    const votes = await store.votesForCommit(commit.id);
    await store.close();

    expect(results.map((r) => r.stdout)).toEqual(Array(4).fill('done'));
    expect(counts.votes).toBe(2000);
    expect(perJob).toEqual(Array(4).fill(500));
    expect(new Set(votes.map((v) => `${v.ciName}:${v.notes}`)).size).toBe(2000);
  });

  it('migrates a new database once when several processes open it at the same time', async () => {
    const url = await urlFor(dialect, 'fresh');

    const results = await Promise.all(Array.from({ length: 3 }, () => runNode(OPENER, [url])));
    const applied = results.map((r) => JSON.parse(r.stdout) as string[]);
    const store = await openStore(url);
    const counts = await store.storeCounts();
    await store.close();

    expect(applied.flat()).toEqual(knownMigrations(dialect));
    expect(store.migrations.applied).toEqual([]);
    expect(counts.builds).toBe(0);
  });
});
