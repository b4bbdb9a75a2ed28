import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { openStore } from './open-store.js';

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
});
