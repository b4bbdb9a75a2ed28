import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Compiles src/ once so tests that run the `ferry` binary exercise the current
 * code. Type errors do not stop the emit (typecheck is its own step of
 * `make test`), so they are shown here without failing the run.
 */
export default function setup(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const result = spawnSync(
    process.execPath,
    [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    process.stderr.write(
      `tsc reported problems (build output still written):\n${result.stdout}${result.stderr}`,
    );
}
