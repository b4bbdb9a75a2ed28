import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll } from 'vitest';

/** A fresh temporary directory removed after the test file finishes. */
export async function tempDir(prefix = 'ferry-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  afterAll(async () => {
    if (!process.env.FERRY_KEEP_TEST_DIRS) await rm(dir, { recursive: true, force: true });
  });
  return dir;
}
