import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll } from 'vitest';

/** Every directory tempDir made for the current test file. */
const created = new Set<string>();

// One hook, registered when a test file first imports this module (each file gets a fresh
// module): a hook registered by tempDir itself is lost when it is called inside a test body.
afterAll(async () => {
  if (process.env.FERRY_KEEP_TEST_DIRS) return;
  const dirs = [...created];
  created.clear();
  // Retries: a process a failed test left running may still be writing there for a moment.
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
});

/**
 * A fresh temporary directory, removed after the test file finishes (kept
 * with FERRY_KEEP_TEST_DIRS=1). It may be called anywhere: at the top of a
 * file, in a hook or in a test.
 */
export async function tempDir(prefix = 'ferry-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}
