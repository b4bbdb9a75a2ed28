/**
 * Runs the real dnf against local repositories, the way tests compare ferry's
 * metadata with what dnf understands. Every call gets a fresh cache directory
 * (dnf otherwise answers from stale metadata of a same-named repository),
 * `--releasever` (Debian's dnf has no system release to read), no system
 * repositories, and state/log directories inside the temporary directory.
 *
 * @example
 *   const text = await dnfRepoquery([{ id: 'r', path: repoDir }], ['--qf', '%{name}\n']);
 *   const report = await dnfPackageReport([{ id: 'r', path: repoDir }]);
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { exec, type ExecResult } from '../../src/util/exec.js';

/** A repository: a local directory holding repodata/, or a URL. */
export type DnfRepo =
  { readonly id: string; readonly path: string } | { readonly id: string; readonly url: string };

export interface DnfOptions {
  /** `--releasever` (default 9). */
  readonly releasever?: string;
  /** Extra `--setopt` values, e.g. `['best=True']`. */
  readonly setopt?: readonly string[];
  /** The only dnf plugins to load (default none). */
  readonly plugins?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * dnf's global options for a run over `repos` only, with every cache, state
 * and log directory under `stateDir` (fresh per run).
 */
export function dnfGlobalArgs(
  stateDir: string,
  repos: readonly DnfRepo[],
  options: DnfOptions = {},
): string[] {
  const args = [
    '-q',
    '-y',
    `--releasever=${options.releasever ?? '9'}`,
    `--setopt=cachedir=${join(stateDir, 'cache')}`,
    `--setopt=persistdir=${join(stateDir, 'persist')}`,
    `--setopt=logdir=${join(stateDir, 'log')}`,
    '--setopt=reposdir=/dev/null',
    '--setopt=metadata_expire=0',
    '--setopt=skip_if_unavailable=False',
    ...(options.setopt ?? []).map((opt) => `--setopt=${opt}`),
  ];
  const plugins = options.plugins ?? [];
  if (plugins.length === 0) args.push('--noplugins');
  else args.push('--disableplugin=*', ...plugins.map((plugin) => `--enableplugin=${plugin}`));
  for (const repo of repos) {
    const where = 'url' in repo ? repo.url : `file://${resolve(repo.path)}`;
    args.push(`--repofrompath=${repo.id},${where}`, `--repo=${repo.id}`);
  }
  return args;
}

/** Runs `dnf [global options] ARGS` over `repos` only; returns the result without throwing on failure. */
export async function runDnf(
  repos: readonly DnfRepo[],
  args: readonly string[],
  options: DnfOptions = {},
): Promise<ExecResult> {
  const state = await mkdtemp(join(tmpdir(), 'ferry-dnf-'));
  try {
    return await exec('dnf', [...dnfGlobalArgs(state, repos, options), ...args], {
      allowFailure: true,
      timeoutMs: options.timeoutMs ?? 120_000,
      env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    });
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

/** `dnf repoquery ARGS`; throws when dnf fails. */
export async function dnfRepoquery(
  repos: readonly DnfRepo[],
  args: readonly string[],
  options: DnfOptions = {},
): Promise<string> {
  const result = await runDnf(repos, ['repoquery', ...args], options);
  if (result.exitCode !== 0) {
    throw new Error(
      `dnf repoquery ${args.join(' ')} failed (${result.exitCode}): ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

const FIELDS = [
  'requires',
  'provides',
  'conflicts',
  'obsoletes',
  'recommends',
  'suggests',
  'supplements',
  'enhances',
  'files',
  'location',
  'sourcerpm',
] as const;

/**
 * What dnf knows about every package: NEVRA, each dependency kind, the file
 * list, location and source rpm, one block per package, sorted. Two
 * repositories with equivalent metadata give the same report.
 */
export async function dnfPackageReport(repos: readonly DnfRepo[], options: DnfOptions = {}): Promise<string> {
  const sep = '\u001e';
  const qf = `${sep}%{name}-%{epoch}:%{version}-%{release}.%{arch}\n${FIELDS.map((f) => `${f}:\n%{${f}}`).join('\n')}\n`;
  const out = await dnfRepoquery(repos, ['--qf', qf], options);
  return out
    .split(sep)
    .filter((block) => block.trim() !== '')
    .map((block) => block.trimEnd())
    .sort()
    .join('\n');
}
