import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { setup as guardTempDirs } from './helpers/temp-guard.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Compiles src/ once, so tests that run the `ferry` binary exercise the
 * current code, then gives the run its own temporary directory and fails
 * the run if tests leave files behind (test/helpers/temp-guard.ts).
 */
export default async function setup(): Promise<() => Promise<void>> {
  compile();
  return guardTempDirs();
}

function compile(): void {
  // Type errors do not stop the emit (typecheck is its own step of `make test`): shown, not fatal.
  const result = spawnSync(
    process.execPath,
    [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0)
    process.stderr.write(
      `tsc reported problems (build output still written):\n${result.stdout}${result.stderr}`,
    );
}
