/**
 * The test-run guard (temp-guard.ts) and tempDir, checked on real nested
 * vitest runs of small test files: tempDir's directories are gone after
 * their file, wherever tempDir was called; a test that leaves something in
 * $TMPDIR or writes outside it fails the run with the leftover named; the
 * run's own directory never stays behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exec } from '../../src/util/exec.js';
import { PROJECT_ROOT } from './run-ferry.js';
import { tempDir } from './temp-dir.js';

let work: string;

beforeAll(async () => {
  work = await tempDir('ferry-temp-guard-');
  // globals: the fixture files live outside the checkout, where `import 'vitest'` does not resolve.
  await writeFile(
    join(work, 'vitest.config.mjs'),
    `export default { test: { globals: true, include: ['cases/*.test.ts'], globalSetup: [${JSON.stringify(
      join(PROJECT_ROOT, 'test/helpers/temp-guard.ts'),
    )}] } };\n`,
  );
});

/** Runs one fixture test file under the guard, with $TMPDIR and $HOME inside `work`. */
async function nestedRun(name: string, body: string) {
  const dir = join(work, name);
  await mkdir(join(dir, 'cases'), { recursive: true });
  await mkdir(join(dir, 'tmp'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'vitest.config.mjs'), await readFile(join(work, 'vitest.config.mjs')));
  await writeFile(join(dir, 'cases', `${name}.test.ts`), body);
  const run = await exec(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--root',
      dir,
      '--config',
      join(dir, 'vitest.config.mjs'),
    ],
    {
      cwd: dir,
      allowFailure: true,
      timeoutMs: 120_000,
      env: {
        ...process.env,
        TMPDIR: join(dir, 'tmp'),
        HOME: join(dir, 'home'),
        NESTED_REAL_HOME: join(dir, 'home'),
        FERRY_KEEP_TEST_DIRS: '',
      },
    },
  );
  return { ...run, tmp: join(dir, 'tmp'), home: join(dir, 'home'), dir };
}

const TEMP_DIR = JSON.stringify(join(PROJECT_ROOT, 'test/helpers/temp-dir.ts'));

describe('the test-run guard', () => {
  it("removes tempDir's directories made in hooks, at the top of a file and in test bodies; a clean run passes", async () => {
    const run = await nestedRun(
      'clean',
      `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from ${TEMP_DIR};
const top = await tempDir('nested-top-');
let hook: string;
beforeAll(async () => { hook = await tempDir('nested-hook-'); });
describe('a suite', () => {
  it('makes one in its body', async () => {
    const body = await tempDir('nested-body-');
    writeFileSync(join(body, 'file'), 'x');
    // $HOME is the run's own, inside its $TMPDIR: a tool's cache there is no leak.
    writeFileSync(join(process.env.HOME!, '.rpmdb'), 'cache');
    writeFileSync(process.env.NESTED_REAL_HOME + '/../made.json', JSON.stringify([top, hook, body, process.env.HOME]));
  });
});
`,
    );
    const made = JSON.parse(await readFile(join(run.dir, 'made.json'), 'utf8')) as string[];

    expect(run.exitCode, run.stderr).toBe(0);
    expect(made).toHaveLength(4);
    expect(made[3]!.startsWith(`${run.tmp}/ferry-test-run-`)).toBe(true);
    expect(made.filter((dir) => existsSync(dir))).toEqual([]);
    expect(await readdir(run.tmp)).toEqual([]);
    expect(await readdir(run.home)).toEqual([]);
  });

  it('fails the run and names what a test left in $TMPDIR or wrote outside it, then removes the run directory', async () => {
    const run = await nestedRun(
      'leaky',
      `import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
it('leaks', () => {
  writeFileSync(join(mkdtempSync(join(tmpdir(), 'left-')), 'data'), 'twelve bytes');
  mkdirSync(join(process.env.NESTED_REAL_HOME!, '.left-in-home'));
});
`,
    );

    expect(run.exitCode).toBe(1);
    expect(run.stdout + run.stderr).toMatch(
      /FAIL: the tests left 2 things behind; every test must write only under its own temporary directory \(test\/helpers\/temp-dir\.ts\) and remove it:\n {2}\S+\/ferry-test-run-\w+\/left-\w+ \(1 file, 12 bytes\)\n {2}\S+\/home\/\.left-in-home \(outside the run's directory\)\n/,
    );
    expect(await readdir(run.tmp)).toEqual([]);
  });
});
