import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import BetterSqlite3 from 'better-sqlite3';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { openStore } from './open-store.js';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';

const dir = await tempDir('ferry-checkpointer-');

describe('background WAL checkpoints (ferry serve)', () => {
  it('copies committed pages into the database file from another thread, with automatic checkpoints off', async () => {
    const path = join(dir, 'serve.db');
    const store = await openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    try {
      const commit = await store.recordCommit({
        projectName: 'foo',
        commitHash: '1'.repeat(40),
        distroHash: 'd'.repeat(40),
        status: 'SUCCESS',
      });
      await sleep(400); // the schema and the commit reach the file
      const before = (await stat(path)).size;

      for (let i = 0; i < 20; i++) {
        await store.recordVotes(
          Array.from({ length: 100 }, (_, j) => ({
            commitId: commit.id,
            ciName: `job-${j % 7}`,
            ciUrl: `https://ci.example.org/${i}/${j}/${'x'.repeat(200)}`,
            ciVote: true,
          })),
        );
      }
      const walBytes = (await stat(`${path}-wal`)).size;
      await sleep(800);
      const after = (await stat(path)).size;

      // 2,000 votes of ~300 bytes: the WAL held them, then the checkpointer copied them over.
      expect(walBytes).toBeGreaterThan(400_000);
      expect(after - before).toBeGreaterThan(400_000);
      expect(await store.findVotes({ limit: 5000 })).toHaveLength(2000);
    } finally {
      await store.close();
    }
  });

  it('keeps the WAL bounded under continuous writes with a reader on another connection, and empties it when idle', async () => {
    const path = join(dir, 'bounded.db');
    const store = await openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    // A second checkpointer with a small limit, so the test writes megabytes, not gigabytes.
    const limit = 64 * 1024;
    const checkpointer = await startSqliteCheckpointer(path, 50, limit);
    const reader = new BetterSqlite3(path, { readonly: true });
    const walBytes = async () => (await stat(`${path}-wal`).catch(() => ({ size: 0 }))).size;
    try {
      const commit = await store.recordCommit({
        projectName: 'foo',
        commitHash: '2'.repeat(40),
        distroHash: 'd'.repeat(40),
        status: 'SUCCESS',
      });
      const newest = reader.prepare('select * from civotes order by id desc limit 50');
      let largest = 0;
      for (let i = 0; i < 60; i++) {
        await store.recordVotes(
          Array.from({ length: 50 }, (_, j) => ({
            commitId: commit.id,
            ciName: `job-${j % 7}`,
            ciUrl: `https://ci.example.org/${i}/${j}/${'x'.repeat(400)}`,
            ciVote: true,
          })),
        );
        newest.all();
        largest = Math.max(largest, await walBytes());
        await sleep(20);
      }
      let idle = await walBytes();
      for (let wait = 0; wait < 100 && idle > limit; wait++) {
        await sleep(100);
        idle = await walBytes();
      }

      // 3,000 votes of ~500 bytes, 1.5 MB and their indexes; PASSIVE checkpoints alone never shrink the file.
      expect(largest).toBeLessThan(1024 * 1024);
      expect(idle).toBeLessThanOrEqual(limit);
      expect(await store.findVotes({ limit: 5000 })).toHaveLength(3000);
    } finally {
      reader.close();
      await checkpointer.stop();
      await store.close();
    }
  });
});
