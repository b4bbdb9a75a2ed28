import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: its top level is watched too. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const XDG_DIRS = [
  ['XDG_CONFIG_HOME', '.config'],
  ['XDG_CACHE_HOME', '.cache'],
  ['XDG_DATA_HOME', '.local/share'],
  ['XDG_STATE_HOME', '.local/state'],
] as const;

/** Prefix of the run's own temporary directory (excluded when looking for leaks of other runs). */
const RUN_PREFIX = 'ferry-test-run-';

/**
 * Before the run: gives the run a fresh temporary directory ($TMPDIR,
 * inherited by the test workers and every tool they start: rpmbuild, dnf,
 * python, git...) and a $HOME inside it (`home/`, for the tools' caches).
 * After the run: anything else left in that directory, and anything new at
 * the filesystem root, in the real $HOME, in the checkout's top level or
 * named `ferry-*` in the system temporary directory, is a leak; it is listed
 * and the run fails (exit 1). The run's directory is removed only after it
 * was listed, so the guard cannot hide what it found.
 *
 * FERRY_KEEP_TEST_DIRS=1 keeps the test directories (and the run's
 * directory) for inspection: leftovers are then expected and only listed.
 */
export async function setup(): Promise<() => Promise<void>> {
  const systemTemp = tmpdir();
  const runDir = await mkdtemp(join(systemTemp, RUN_PREFIX));
  const watched = [
    { dir: '/', only: () => true },
    { dir: homedir(), only: () => true },
    // coverage/ is vitest's own report (--coverage), not a test's leftover.
    { dir: ROOT, only: (name: string) => name !== 'coverage' },
    { dir: systemTemp, only: (name: string) => name.startsWith('ferry-') && !name.startsWith(RUN_PREFIX) },
  ];
  const before = await Promise.all(watched.map((w) => entries(w.dir)));
  const saved = { ...process.env };
  process.env.TMPDIR = runDir;
  // $HOME too: rpm keeps its database in ~/.rpmdb on Debian, chromium and fontconfig their caches
  // under ~/.config and ~/.cache. The real one stays watched above, for tools that bypass $HOME.
  const home = join(runDir, 'home');
  await mkdir(home);
  process.env.HOME = home;
  for (const [name, sub] of XDG_DIRS) process.env[name] = join(home, sub);
  // tsx (it loads src/ in worker threads) otherwise keeps a compile cache in $TMPDIR/tsx-<uid>.
  process.env.TSX_DISABLE_CACHE = '1';

  return async () => {
    for (const name of ['TMPDIR', 'HOME', 'TSX_DISABLE_CACHE', ...XDG_DIRS.map(([n]) => n)]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    const keep = Boolean(process.env.FERRY_KEEP_TEST_DIRS);
    const problems: string[] = [];
    // The run's $HOME holds the tools' caches: it goes with the run's directory.
    const left = [...(await entries(runDir))].filter((name) => name !== 'home');
    for (const name of left.sort())
      problems.push(`${join(runDir, name)}${await describe(join(runDir, name))}`);
    for (const [i, w] of watched.entries()) {
      const now = await entries(w.dir);
      for (const name of [...now].sort()) {
        if (!before[i]!.has(name) && w.only(name))
          problems.push(`${join(w.dir, name)} (outside the run's directory)`);
      }
    }
    if (keep) {
      process.stderr.write(`\ntest directories kept (FERRY_KEEP_TEST_DIRS) in ${runDir}\n`);
      return;
    }
    try {
      await rm(runDir, { recursive: true, force: true });
    } catch (error) {
      problems.push(`${runDir} could not be removed: ${String(error)}`);
    }
    if (problems.length === 0) return;
    process.stderr.write(
      `\nFAIL: the tests left ${problems.length} thing${problems.length === 1 ? '' : 's'} behind; every test must ` +
        'write only under its own temporary directory (test/helpers/temp-dir.ts) and remove it:\n' +
        problems.map((p) => `  ${p}\n`).join('') +
        `(${runDir} was the run's $TMPDIR: removed now; anything outside it is left for you to inspect)\n`,
    );
    process.exitCode = 1;
  };
}

async function entries(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

/** ` (N files, S bytes)` for a leftover, so the report shows how much was left. */
async function describe(path: string): Promise<string> {
  let files = 0;
  let bytes = 0;
  const walk = async (p: string): Promise<void> => {
    const info = await lstat(p).catch(() => null);
    if (!info) return;
    if (!info.isDirectory()) {
      files++;
      bytes += info.size;
      return;
    }
    for (const name of await readdir(p).catch(() => [])) await walk(join(p, name));
  };
  await walk(path);
  return ` (${files} file${files === 1 ? '' : 's'}, ${bytes} bytes)`;
}
